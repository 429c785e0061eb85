"""A small appraisal world for tests: a synthetic criteria set, a campaign, two bodies and the council.

Everything here is synthetic test data (the set is the documented sample template, not a real set).
"""

import datetime
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import StaffProfile
from accounts.roles import ROLES as ACCOUNT_ROLES
from appraisal.criteria import criteria_import
from appraisal.models import Appraiser, Assessment, BodyAccount, Campaign, CriteriaSet
from appraisal.roles import ROLES, roles_sync
from indicators.models import MeasureUnit
from provinces.models import Level, UnitType
from tests.factories import make_indicator, make_unit

SAMPLE = Path(__file__).resolve().parent.parent / "appraisal" / "data" / "samples" / "criteria_template.csv"
PAR_LEVELS = "province,district,commune,ministry,department"


def par_catalogue() -> None:
    """Create par_index and the two component indicators the sample set maps to."""
    index = make_indicator(code="par_index", levels=PAR_LEVELS)
    for code in ("par_c1_direction", "par_c3_procedures"):
        make_indicator(code=code, levels=PAR_LEVELS, measure_unit=MeasureUnit.POINTS, max_value=None, parent=index)


def appraisal_user(django_user_model, username: str, role: str, *, province=None, body=None):
    """Return a user in an appraisal role; a reporter gets its body, an administrator its province."""
    user = django_user_model.objects.create_user(username, f"{username}@example.org", None, is_staff=False)
    if not Group.objects.filter(name=ROLES[role].group).exists():
        roles_sync(apps)
    user.groups.add(Group.objects.get(name=ROLES[role].group))
    if province is not None or role == "appraisal-admin":
        StaffProfile.objects.create(user=user, province=province)
    if body is not None:
        BodyAccount.objects.create(user=user, body=body)
    return user


def sample_set(*, body_group: str, assessor=None, year: int = 2023) -> CriteriaSet:
    """Return the sample criteria set imported from the template file (synthetic)."""
    criteria_set = CriteriaSet.objects.create(
        name=f"Bộ tiêu chí thử nghiệm {body_group}",
        assessor=assessor,
        year=year,
        body_group=body_group,
        bands="Tốt = 90\nKhá = 80\nTrung bình = 65\nYếu = 0",
    )
    result = criteria_import(criteria_set=criteria_set, content=SAMPLE.read_bytes(), file_name=SAMPLE.name)
    assert result.ok, (result.file_error, [str(e) for e in result.errors])
    return criteria_set


def commune_world(django_user_model) -> dict:
    """Return a commune-level campaign of a district: two communes, reporters, two appraisers, a chair."""
    par_catalogue()
    province = make_unit(short_name="Hà Tĩnh", code="42")
    district = make_unit(level=Level.DISTRICT, code="443", short_name="Hương Sơn", parent=province)
    communes = [
        make_unit(
            level=Level.COMMUNE, code="18202", short_name="Sơn Kim 1", parent=district, unit_type=UnitType.COMMUNE
        ),
        make_unit(
            level=Level.COMMUNE, code="18205", short_name="Sơn Kim 2", parent=district, unit_type=UnitType.COMMUNE
        ),
    ]
    criteria_set = sample_set(body_group="communes", assessor=district, year=2021)
    chair = appraisal_user(django_user_model, "chair", "appraisal-chair", province=province)
    # Publishing goes through the indicators' write gate: the chair enters and approves the province's values too.
    for role in ("province-editor", "province-approver"):
        chair.groups.add(Group.objects.get(name=ACCOUNT_ROLES[role].group))
    now = timezone.now()
    campaign = Campaign.objects.create(
        criteria_set=criteria_set,
        name="Chỉ số CCHC cấp xã 2021 (thử nghiệm)",
        year=2021,
        self_assessment_closes=now + datetime.timedelta(days=10),
        appraisal_closes=now + datetime.timedelta(days=20),
        chair=chair,
        decision_number="01/QĐ-TEST",
        decision_date=datetime.date(2021, 12, 30),
        decision_issuer="UBND huyện (thử nghiệm)",
    )
    assessments = [Assessment.objects.create(campaign=campaign, body=c) for c in communes]
    reporters = [
        appraisal_user(django_user_model, f"reporter{i}", "appraisal-reporter", body=c) for i, c in enumerate(communes)
    ]
    appraiser = appraisal_user(django_user_model, "appraiser", "appraiser")
    Appraiser.objects.create(campaign=campaign, user=appraiser)
    area_two = criteria_set.criteria.get(code="2")
    narrow = appraisal_user(django_user_model, "narrow", "appraiser")
    Appraiser.objects.create(campaign=campaign, user=narrow).areas.add(area_two)
    admin = appraisal_user(django_user_model, "admin", "appraisal-admin", province=province)
    return {
        "province": province,
        "district": district,
        "communes": communes,
        "set": criteria_set,
        "campaign": campaign,
        "assessments": assessments,
        "reporters": reporters,
        "appraiser": appraiser,
        "narrow": narrow,
        "chair": chair,
        "admin": admin,
    }
