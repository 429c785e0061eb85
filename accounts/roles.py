"""The four staff roles as Django groups, with their model permissions.

``roles_sync`` makes each group hold exactly the permissions listed here; the data migration and
``createstaff`` call it, so that a role means the same on every installation.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps.registry import Apps
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    slug: str
    group: str
    label: str
    permissions: tuple[str, ...]
    needs_province: bool


_VIEW = (
    "indicators.view_indicator",
    "indicators.view_seriesbreak",
    "indicators.view_source",
    "indicators.view_value",
    "indicators.view_importbatch",
    "indicators.view_publishedaverage",
    "indicators.view_yearlock",
    "indicators.view_historicalvalue",
    "indicators.view_historicalsource",
    "indicators.view_historicalindicator",
    "indicators.view_historicalyearlock",
    "provinces.view_administrativeunit",
    "provinces.view_historicaladministrativeunit",
)
#: Everything of the project's own apps and of staff accounts (api: the API tokens of every staff member).
_ALL_APPS = ("indicators", "provinces", "accounts", "api")

ROLES = {
    "national-admin": Role(
        "national-admin",
        "National administrator",
        _("National administrator"),
        (
            *_ALL_APPS,
            "auth.view_user",
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
        ),
        needs_province=False,
    ),
    "province-editor": Role(
        "province-editor",
        "Province editor",
        _("Province editor"),
        (
            *_VIEW,
            "indicators.add_value",
            "indicators.change_value",
            "indicators.delete_value",
            "indicators.submit_value",
            "indicators.export_unpublished_value",
            "indicators.add_source",
        ),
        needs_province=True,
    ),
    "province-approver": Role(
        "province-approver",
        "Province approver",
        _("Province approver"),
        (*_VIEW, "indicators.approve_value", "indicators.export_unpublished_value"),
        needs_province=True,
    ),
    "viewer": Role(
        "viewer",
        "Viewer",
        _("Viewer"),
        (*_VIEW, "indicators.export_unpublished_value", "accounts.all_provinces"),
        needs_province=False,
    ),
}


def roles_sync(apps: Apps, roles: Iterable[Role] | None = None) -> None:
    """Create the role groups and give each exactly its permissions (an app label means all of that app's).

    ``roles``: another app's roles (e.g. appraisal.roles.ROLES.values()); by default the staff roles here.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES.values() if roles is None else roles:
        group, _created = Group.objects.get_or_create(name=role.group)
        wanted = []
        for item in role.permissions:
            if "." in item:
                app_label, codename = item.split(".", 1)
                wanted += Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            else:
                wanted += Permission.objects.filter(content_type__app_label=item)
        group.permissions.set(wanted)


def roles_migrate(apps: Apps, roles: Iterable[Role] | None = None) -> None:
    """Sync the roles from a data migration: first create the permissions, which Django adds only after all migrations."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps, roles)
