"""Create the appraisal roles as groups with their permissions (appraisal.roles)."""

from django.db import migrations


def roles_create(apps, schema_editor):
    from accounts.roles import roles_migrate
    from appraisal.roles import ROLES

    roles_migrate(apps, ROLES.values())


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0001_initial"),
        ("accounts", "0002_roles"),
        ("provinces", "0003_unit_levels_agencies"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
