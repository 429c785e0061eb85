"""Let national administrators create and revoke API tokens (accounts.roles gains the api app)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_update(apps, schema_editor):
    from accounts.roles import roles_sync

    # Permissions are normally created after all migrations; the groups need the api ones now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_token"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(roles_update, migrations.RunPython.noop)]
