"""The appraisal roles as Django groups (the pattern of accounts.roles): what each may do; the rows scope it.

A reporter is scoped to the body of their BodyAccount, an appraiser to their assignments, a chair to
the campaigns they chair, an administrator to the campaigns whose assessor is in their province scope.
"""

from django.apps.registry import Apps

from accounts.roles import Role
from accounts.roles import roles_sync as accounts_roles_sync

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
    """Create the appraisal groups with exactly their permissions (accounts.roles.roles_sync over these roles)."""
    accounts_roles_sync(apps, ROLES.values())
