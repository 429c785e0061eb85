"""A province-level campaign of the Ministry (a set written for this test): published to the public ranking."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import ROLES as ACCOUNT_ROLES
from appraisal.criteria import criteria_import
from appraisal.models import Appraiser, Assessment, Campaign, CriteriaSet
from appraisal.services import (
    ScoreEntry,
    appraisal_save,
    assessment_submit,
    campaign_finalise,
    results_publish,
    self_assessment_save,
    survey_import,
)
from indicators.models import Value
from tests.appraisal_world import appraisal_user, par_catalogue
from tests.factories import make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

#: Synthetic: three areas, 100 points, a self-assessed sub-criterion tree and two survey criteria.
PROVINCE_SET = """code,parent_code,level,name_vi,max_score,kind,evidence_required,indicator
1,,area,Chỉ đạo điều hành (thử),30,,0,par_c1_direction
1.1,1,criterion,Kế hoạch (thử),12.5,self_assessed,0,
1.2,1,criterion,Kiểm tra (thử),17.5,,0,
1.2.1,1.2,subcriterion,Tỷ lệ cơ quan được kiểm tra (thử),10,self_assessed,0,
1.2.2,1.2,subcriterion,Xử lý sau kiểm tra (thử),7.5,self_assessed,0,
3,,area,Thủ tục hành chính (thử),40,,0,par_c3_procedures
3.1,3,criterion,Công bố thủ tục (thử),20,self_assessed,0,
3.2,3,criterion,Hài lòng của người dân (thử),20,survey,0,
9,,area,Khảo sát lãnh đạo (thử),30,survey,0,
"""


def test_a_province_level_campaign_ranks_and_publishes_to_the_public_ranking(django_user_model, client):
    par_catalogue()
    provinces = [make_unit(code="42", short_name="Hà Tĩnh"), make_unit(code="40", short_name="Nghệ An")]
    criteria_set = CriteriaSet.objects.create(
        name="Bộ chỉ số cấp tỉnh (thử nghiệm)", year=2023, body_group="provinces", bands="A = 85\nB = 0"
    )
    result = criteria_import(criteria_set=criteria_set, content=PROVINCE_SET.encode(), file_name="tinh.csv")
    assert result.ok, [str(e) for e in result.errors]
    chair = appraisal_user(django_user_model, "moha-chair", "appraisal-chair")
    chair.groups.add(Group.objects.get(name=ACCOUNT_ROLES["national-admin"].group))
    now = timezone.now()
    campaign = Campaign.objects.create(
        criteria_set=criteria_set, name="PAR Index 2023 (thử nghiệm)", year=2023, chair=chair,
        self_assessment_closes=now + datetime.timedelta(days=5), appraisal_closes=now + datetime.timedelta(days=9),
        decision_number="99/QĐ-TEST", decision_date=datetime.date(2024, 4, 17), decision_issuer="Bộ Nội vụ (thử)",
    )  # fmt: skip
    appraiser = appraisal_user(django_user_model, "moha-appraiser", "appraiser")
    Appraiser.objects.create(campaign=campaign, user=appraiser)
    codes = {c.code: c.pk for c in criteria_set.criteria.all()}
    for index, (province, scores) in enumerate(
        zip(provinces, [("12,5", "10", "7,5", "20"), ("10", "8", "5", "15")], strict=True)
    ):
        assessment = Assessment.objects.create(campaign=campaign, body=province)
        reporter = appraisal_user(django_user_model, f"tinh{index}", "appraisal-reporter", body=province)
        entries = {codes[c]: ScoreEntry(s, "") for c, s in zip(["1.1", "1.2.1", "1.2.2", "3.1"], scores, strict=True)}
        self_assessment_save(assessment=assessment, user=reporter, entries=entries, expected_version=1)
        assessment.refresh_from_db()
        assessment_submit(assessment=assessment, user=reporter)
    second = Assessment.objects.get(body=provinces[1])
    appraisal_save(
        assessment=second,
        user=appraiser,
        entries={codes["3.1"]: ScoreEntry("12,25", "Chưa công bố đủ")},
        expected_version=second.version,
    )
    survey = "body_code,criterion_code,points\n42,3.2,18\n42,9,25.5\n40,3.2,16\n40,9,30\n"
    assert survey_import(campaign=campaign, user=chair, content=survey.encode(), file_name="xhh.csv").ok
    campaign_finalise(campaign=campaign, user=chair)
    assert results_publish(campaign=campaign, user=chair) == 6

    values = dict(Value.objects.filter(indicator__code="par_index", year=2023).values_list("unit__code", "value"))
    # Hà Tĩnh 12.5 + 17.5 + 20 + 18 + 25.5 = 93.5; Nghệ An 10 + 13 + 12.25 + 16 + 30 = 81.25.
    assert values == {"42": Decimal("93.5"), "40": Decimal("81.25")}
    assert Value.objects.get(indicator__code="par_c1_direction", unit__code="40").value == Decimal("23")
    page = client.get("/rankings/", {"indicator": "par_index", "year": 2023}).content.decode()
    assert page.index("Hà Tĩnh") < page.index("Nghệ An") and "93,5" in page
