"""Create the appraisal roles as groups with their permissions (appraisal.roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def roles_create(apps, schema_editor):
    from appraisal.roles import roles_sync

    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_initial"),
        ("accounts", "0002_roles"),
        ("provinces", "0003_unit_levels_agencies"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
