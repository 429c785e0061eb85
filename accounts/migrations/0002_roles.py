"""Create the four staff roles as groups with their permissions (accounts.roles)."""

from django.db import migrations


def roles_create(apps, schema_editor):
    from accounts.roles import roles_migrate

    roles_migrate(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("indicators", "0004_workflow_history_locks"),
        ("provinces", "0002_unit_history"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
