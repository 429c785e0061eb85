"""The appraisal cycle through its services: self-assessment, evidence, appraisal, return, survey, finalise, publish."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from appraisal.models import AssessmentStatus, CampaignStatus, Evidence, Score
from appraisal.results import campaign_results
from appraisal.services import (
    AppraisalRefused,
    ScoreEntry,
    StaleAssessment,
    appraisal_save,
    assessment_reopen,
    assessment_submit,
    campaign_finalise,
    criterion_return,
    evidence_add,
    evidence_remove,
    results_publish,
    return_answer,
    scores_of,
    self_assessment_save,
    survey_import,
)
from indicators.models import Value, ValueStatus
from tests.appraisal_world import PDF
from tests.appraisal_world import criterion_ids as _ids

# The services' messages are checked by their English wording.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def world(appraisal_world):
    return appraisal_world


def _self_assess(world, index: int, scores: dict[str, str], texts: dict[str, str] | None = None) -> None:
    assessment, reporter = world["assessments"][index], world["reporters"][index]
    ids = _ids(world)
    entries = {ids[code]: ScoreEntry(score, (texts or {}).get(code, "")) for code, score in scores.items()}
    assessment.refresh_from_db()
    self_assessment_save(assessment=assessment, user=reporter, entries=entries, expected_version=assessment.version)


def _complete_submission(world, index: int, scores: dict[str, str]) -> None:
    _self_assess(world, index, scores, {"1.1": "Kế hoạch số 12/KH-UBND"})
    assessment = world["assessments"][index]
    score = scores_of(assessment)[_ids(world)["2.1.1"]]
    evidence_add(score=score, user=world["reporters"][index], content=PDF, file_name="cong-khai.pdf")
    assessment.refresh_from_db()
    assessment_submit(assessment=assessment, user=world["reporters"][index])


def test_vietnamese_decimals_are_saved_and_a_score_above_the_maximum_is_refused_at_its_criterion(world):
    _self_assess(world, 0, {"1.1": "1,5", "1.2": "20"})
    scores = scores_of(world["assessments"][0])
    assert scores[_ids(world)["1.1"]].self_score == Decimal("1.5")
    with pytest.raises(AppraisalRefused) as refused:
        _self_assess(world, 0, {"1.1": "25", "1.2": "-1", "2.1.2": "10"})
    assert set(refused.value.errors) == {"1.1", "1.2"}
    assert scores_of(world["assessments"][0])[_ids(world)["2.1.2"]].self_score is None  # nothing of the refused save


def test_a_stale_draft_is_refused_and_says_what_changed(world):
    assessment = world["assessments"][0]
    opened = assessment.version
    _self_assess(world, 0, {"1.1": "10"})
    with pytest.raises(StaleAssessment) as stale:
        self_assessment_save(
            assessment=assessment,
            user=world["reporters"][0],
            entries={_ids(world)["1.2"]: ScoreEntry("5", "")},
            expected_version=opened,
        )
    assert ("1.1", "self-score", "10.00", "reporter0") in stale.value.changes


def test_another_bodys_reporter_cannot_save(world):
    assessment = world["assessments"][0]
    with pytest.raises(AppraisalRefused):
        self_assessment_save(
            assessment=assessment,
            user=world["reporters"][1],
            entries={_ids(world)["1.1"]: ScoreEntry("5", "")},
            expected_version=assessment.version,
        )


def test_submission_needs_every_score_and_an_explanation_where_evidence_is_missing(world):
    _self_assess(world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    assessment = world["assessments"][0]
    assessment.refresh_from_db()
    with pytest.raises(AppraisalRefused) as refused:
        assessment_submit(assessment=assessment, user=world["reporters"][0])
    assert set(refused.value.errors) == {"1.1", "2.1.1"}
    assert "2.2" not in refused.value.errors  # survey criteria are not self-assessed


def test_the_deadline_closes_the_self_assessment_server_side(world):
    campaign = world["campaign"]
    campaign.self_assessment_closes = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save()
    with pytest.raises(AppraisalRefused, match="closed"):
        _self_assess(world, 0, {"1.1": "10"})


def test_submission_locks_and_an_administrator_reopens_with_a_recorded_reason(world):
    _complete_submission(world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    with pytest.raises(AppraisalRefused, match="submitted"):
        _self_assess(world, 0, {"1.2": "5"})
    assessment = world["assessments"][0]
    with pytest.raises(AppraisalRefused):
        assessment_reopen(assessment=assessment, user=world["chair"], reason="sai sót")
    assessment_reopen(assessment=assessment, user=world["admin"], reason="Xã báo nhầm điểm 1.2")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    latest = assessment.history.latest()
    assert latest.history_user == world["admin"] and "Xã báo nhầm" in latest.history_change_reason


def test_evidence_of_a_refused_type_or_a_wrong_name_or_too_large_is_not_stored(world, settings):
    score = scores_of(world["assessments"][0])[_ids(world)["1.1"]]
    reporter = world["reporters"][0]
    for content, name, reason in [
        (b"MZ\x90\x00 an executable", "ke-hoach.pdf", "not a PDF"),
        (PDF, "ke-hoach.docx", "content is PDF"),
        (b"", "trong.pdf", "empty"),
    ]:
        with pytest.raises(AppraisalRefused, match=reason):
            evidence_add(score=score, user=reporter, content=content, file_name=name)
    settings.APPRAISAL_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(AppraisalRefused, match="largest"):
        evidence_add(score=score, user=reporter, content=PDF, file_name="ke-hoach.pdf")
    assert not Evidence.objects.exists()


def test_evidence_upload_and_removal_are_in_the_history(world):
    score = scores_of(world["assessments"][0])[_ids(world)["1.1"]]
    reporter = world["reporters"][0]
    evidence = evidence_add(score=score, user=reporter, content=PDF, file_name="ke-hoach.pdf")
    assert evidence.file_type == "pdf" and evidence.file.storage.exists(evidence.file.name)
    name = evidence.file.name
    evidence_remove(evidence=evidence, user=reporter)
    reasons = list(Evidence.history.order_by("history_date").values_list("history_type", "history_change_reason"))
    assert reasons == [("+", "appraisal: evidence uploaded"), ("-", "appraisal: evidence removed")]
    assert not score.evidence.exists() and not evidence.file.storage.exists(name)


def test_the_whole_cycle_publishes_ranked_results_with_the_decision_as_source(world):
    _complete_submission(world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    _complete_submission(world, 1, {"1.1": "20", "1.2": "15", "2.1.1": "15", "2.1.2": "10"})
    ids = _ids(world)
    first = world["assessments"][0]
    first.refresh_from_db()
    # A changed score needs a reason; the narrow appraiser may appraise area 2 only.
    with pytest.raises(AppraisalRefused, match="reason"):
        appraisal_save(
            assessment=first,
            user=world["appraiser"],
            entries={ids["1.2"]: ScoreEntry("15", "")},
            expected_version=first.version,
        )
    with pytest.raises(AppraisalRefused):
        appraisal_save(
            assessment=first,
            user=world["narrow"],
            entries={ids["1.2"]: ScoreEntry("15", "x")},
            expected_version=first.version,
        )
    appraisal_save(
        assessment=first,
        user=world["appraiser"],
        entries={ids["1.2"]: ScoreEntry("15", "Thiếu báo cáo quý III")},
        expected_version=first.version,
    )
    score = scores_of(first)[ids["2.1.2"]]
    returned = criterion_return(
        score=score,
        user=world["narrow"],
        comment="Giải trình việc cập nhật",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    first.refresh_from_db()
    assert first.status == AssessmentStatus.RETURNED
    with pytest.raises(AppraisalRefused):
        campaign_finalise(campaign=world["campaign"], user=world["chair"])
    return_answer(request=returned, user=world["reporters"][0], answer="Đã cập nhật trong ngày, có nhật ký hệ thống")
    first.refresh_from_db()
    assert first.status == AssessmentStatus.SUBMITTED
    bad = 'body_code,criterion_code,points\n18202,2.2,"25,5"\n18205,2.2,40\n99999,2.2,1\n'
    refused = survey_import(campaign=world["campaign"], user=world["chair"], content=bad.encode(), file_name="xhh.csv")
    assert not refused.ok and len(refused.errors) == 2
    assert not Score.objects.filter(survey_score__isnull=False).exists()
    good = 'body_code,criterion_code,points\n18202,2.2,"25,5"\n18205,2.2,"25,5"\n'
    assert (
        survey_import(
            campaign=world["campaign"], user=world["chair"], content=good.encode(), file_name="xhh.csv"
        ).written
        == 2
    )
    with pytest.raises(AppraisalRefused):
        campaign_finalise(campaign=world["campaign"], user=world["appraiser"])
    campaign_finalise(campaign=world["campaign"], user=world["chair"])

    results = campaign_results(world["campaign"])
    by_code = {b.assessment.body.code: b for b in results.bodies}
    assert by_code["18202"].total == Decimal("90.5") and by_code["18205"].total == Decimal("85.5")
    assert (by_code["18202"].rank, by_code["18205"].rank) == (1, 2)
    assert (by_code["18202"].band, by_code["18205"].band) == ("Tốt", "Khá")
    assert Value.objects.count() == 0  # nothing public before the chair's approval

    written = results_publish(campaign=world["campaign"], user=world["chair"])
    assert written == 6
    index = Value.objects.get(indicator__code="par_index", unit__code="18202", year=2021)
    assert (index.value, index.rank, index.status) == (Decimal("90.5"), 1, ValueStatus.APPROVED)
    assert index.source.title.startswith("Decision 01/QĐ-TEST of 30/12/2021")
    assert index.history.latest().history_user == world["chair"]
    area = Value.objects.get(indicator__code="par_c1_direction", unit__code="18202")
    assert area.value == Decimal("35")
    world["campaign"].refresh_from_db()
    assert world["campaign"].status == CampaignStatus.PUBLISHED


def _both_submitted_with_equal_scores(world) -> None:
    """Submit both bodies with the same self-scores and import the same survey points for each."""
    for index in (0, 1):
        _complete_submission(world, index, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    survey = "body_code,criterion_code,points\n18202,2.2,20\n18205,2.2,20\n"
    survey_import(campaign=world["campaign"], user=world["chair"], content=survey.encode(), file_name="xhh.csv")


def test_a_chair_without_the_approval_permission_is_refused_by_the_write_gate(world):
    from django.contrib.auth.models import Group

    from appraisal.publication import PublicationRefused

    _both_submitted_with_equal_scores(world)
    campaign_finalise(campaign=world["campaign"], user=world["chair"])
    world["chair"].groups.remove(Group.objects.get(name="Province approver"))
    chair = type(world["chair"]).objects.get(pk=world["chair"].pk)  # fresh permission cache
    with pytest.raises(PublicationRefused):
        results_publish(campaign=world["campaign"], user=chair)
    assert not Value.objects.exists()
    world["campaign"].refresh_from_db()
    assert world["campaign"].status == CampaignStatus.FINALISED


def test_ties_share_a_rank(world):
    _both_submitted_with_equal_scores(world)
    assert [b.rank for b in campaign_results(world["campaign"]).bodies] == [1, 1]


def test_a_returned_criterion_takes_new_evidence_and_other_criteria_stay_locked(world):
    _complete_submission(world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    ids, assessment = _ids(world), world["assessments"][0]
    scores = scores_of(assessment)
    criterion_return(
        score=scores[ids["2.1.2"]], user=world["appraiser"], comment="Bổ sung", deadline=datetime.date(2030, 1, 1)
    )
    reporter = world["reporters"][0]
    evidence_add(score=scores_of(assessment)[ids["2.1.2"]], user=reporter, content=PDF, file_name="bo-sung.pdf")
    with pytest.raises(AppraisalRefused, match="returned criteria"):
        evidence_add(score=scores_of(assessment)[ids["1.2"]], user=reporter, content=PDF, file_name="khac.pdf")
    assessment.refresh_from_db()
    with pytest.raises(AppraisalRefused, match="submitted"):
        self_assessment_save(
            assessment=assessment,
            user=reporter,
            entries={ids["1.2"]: ScoreEntry("1", "")},
            expected_version=assessment.version,
        )


def test_finalisation_and_publication_are_in_the_history_with_the_chair(world):
    _both_submitted_with_equal_scores(world)
    campaign_finalise(campaign=world["campaign"], user=world["chair"])
    results_publish(campaign=world["campaign"], user=world["chair"])
    reasons = list(
        world["campaign"].history.order_by("history_date").values_list("history_change_reason", "history_user")
    )
    assert reasons[-2:] == [("appraisal: finalised", world["chair"].pk), ("appraisal: published", world["chair"].pk)]
    survey_rows = Score.history.filter(history_change_reason="appraisal: survey points imported")
    assert survey_rows.count() == 2 and {r.history_user_id for r in survey_rows} == {world["chair"].pk}


def test_the_full_appraisal_table_has_one_row_per_body_and_one_column_per_criterion(world):
    import io

    from openpyxl import load_workbook

    from appraisal.reports import results_xlsx

    _complete_submission(world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    _complete_submission(world, 1, {"1.1": "10", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    survey = "body_code,criterion_code,points\n18202,2.2,30\n18205,2.2,30\n"
    survey_import(campaign=world["campaign"], user=world["chair"], content=survey.encode(), file_name="xhh.csv")
    sheet = load_workbook(io.BytesIO(results_xlsx(world["campaign"]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Rank", "Code", "Body", "1.1 (≤20)") and rows[0][-1] == "Band"
    assert len(rows[0]) == 3 + 5 + 2 + 5  # rank, code, body; 5 leaves; 2 areas; appraised, survey, total, %, band
    assert rows[1][:3] == (1, "18202", "Sơn Kim 1") and rows[1][-3:] == (100.0, 100.0, "Tốt")
    assert rows[2][:3] == (2, "18205", "Sơn Kim 2") and rows[2][-1] == "Tốt"


def test_the_appraisal_deadline_closes_appraising_and_returning(world):
    _complete_submission(world, 0, {"1.1": "20", "1.2": "20", "2.1.1": "15", "2.1.2": "15"})
    campaign = world["campaign"]
    campaign.appraisal_closes = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save()
    assessment, ids = world["assessments"][0], _ids(world)
    assessment.refresh_from_db()
    with pytest.raises(AppraisalRefused, match="appraisal closed"):
        appraisal_save(
            assessment=assessment,
            user=world["appraiser"],
            entries={ids["1.2"]: ScoreEntry("20", "")},
            expected_version=assessment.version,
        )
    with pytest.raises(AppraisalRefused, match="appraisal closed"):
        criterion_return(
            score=scores_of(assessment)[ids["1.2"]],
            user=world["appraiser"],
            comment="x",
            deadline=datetime.date(2030, 1, 1),
        )
