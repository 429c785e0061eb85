"""Let national administrators create and revoke API tokens (accounts.roles gains the api app)."""

from django.db import migrations


def roles_update(apps, schema_editor):
    from accounts.roles import roles_migrate

    roles_migrate(apps)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_token"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
