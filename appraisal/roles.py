"""The appraisal roles as Django groups (the pattern of accounts.roles): what each may do; the rows scope it.

A reporter is scoped to the body of their BodyAccount, an appraiser to their assignments, a chair to
the campaigns they chair, an administrator to the campaigns whose assessor is in their province scope.
"""

from django.apps.registry import Apps

from accounts.roles import Role

_VIEW = (
    "appraisal.view_campaign",
    "appraisal.view_criteriaset",
    "appraisal.view_criterion",
    "appraisal.view_assessment",
)

ROLES = {
    "appraisal-admin": Role(
        "appraisal-admin",
        "Appraisal administrator",
        "Appraisal administrator",
        (
            "appraisal",
            "provinces.view_administrativeunit",
            "provinces.add_administrativeunit",
            "provinces.change_administrativeunit",
        ),
        needs_province=True,
    ),
    "appraisal-chair": Role(
        "appraisal-chair",
        "Appraisal council chair",
        "Appraisal council chair",
        (*_VIEW, "appraisal.chair_campaign"),
        False,
    ),
    "appraiser": Role("appraiser", "Appraiser", "Appraiser", (*_VIEW, "appraisal.appraise_campaign"), False),
    "appraisal-reporter": Role(
        "appraisal-reporter",
        "Assessed-body reporter",
        "Assessed-body reporter",
        (*_VIEW, "appraisal.report_assessment"),
        False,
    ),
}


def roles_sync(apps: Apps) -> None:
    """Create the appraisal groups and give each exactly its permissions (an app label means all of that app's)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ROLES.values():
        group, _created = Group.objects.get_or_create(name=role.group)
        wanted = []
        for item in role.permissions:
            if "." in item:
                app_label, codename = item.split(".", 1)
                wanted += Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            else:
                wanted += Permission.objects.filter(content_type__app_label=item)
        group.permissions.set(wanted)
