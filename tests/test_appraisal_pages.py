"""The appraisal workspace over HTTP: the permission matrix of the roles, the forms, downloads and public scorecards."""

import datetime

import pytest
from django.urls import reverse

from appraisal.models import AssessmentStatus, Evidence
from appraisal.services import ScoreEntry, scores_of, self_assessment_save
from tests.appraisal_world import PDF
from tests.appraisal_world import criterion_ids as _ids
from tests.appraisal_world import signed_in as _as

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(appraisal_world):
    return appraisal_world


def test_anonymous_visitors_are_sent_to_the_workspace_login(client, world):
    response = client.get(reverse("appraisal:assessment", args=[world["assessments"][0].pk]))
    assert response.status_code == 302 and reverse("appraisal:login") in response["Location"]


@pytest.mark.parametrize(
    ("who", "own_assessment", "other_assessment", "campaign"),
    [
        ("reporter0", 200, 403, 403),
        ("appraiser", 200, 200, 403),
        ("narrow", 200, 200, 403),
        ("chair", 200, 200, 200),
        ("admin", 200, 200, 200),
    ],
)
def test_permission_matrix(client, world, django_user_model, who, own_assessment, other_assessment, campaign):
    user = django_user_model.objects.get(username=who)
    _as(client, user)
    first, second = world["assessments"]
    assert client.get(reverse("appraisal:assessment", args=[first.pk])).status_code == own_assessment
    assert client.get(reverse("appraisal:assessment", args=[second.pk])).status_code == other_assessment
    assert client.get(reverse("appraisal:campaign", args=[world["campaign"].pk])).status_code == campaign
    assert client.get(reverse("appraisal:results-xlsx", args=[world["campaign"].pk])).status_code == campaign


def test_an_appraiser_of_other_bodies_sees_nothing_of_this_one(client, world):
    assignment = world["campaign"].appraisers.get(user=world["appraiser"])
    assignment.bodies.add(world["communes"][1])
    _as(client, world["appraiser"])
    assert client.get(reverse("appraisal:assessment", args=[world["assessments"][0].pk])).status_code == 403


def test_the_reporter_form_keeps_the_typing_and_marks_the_criterion_when_a_score_is_too_high(client, world):
    ids = _ids(world)
    _as(client, world["reporters"][0])
    url = reverse("appraisal:assessment", args=[world["assessments"][0].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Kế hoạch cải cách hành chính năm" in page.content.decode()
    response = client.post(
        url,
        {
            "version": "1",
            "action": "save",
            f"score-{ids['1.1']}": "25",
            f"score-{ids['1.2']}": "1,5",
            f"text-{ids['1.2']}": "giữ nguyên",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Chưa lưu gì" in body
    assert "25" in body and "giữ nguyên" in body and 'id="code-1.1"' in body
    assert scores_of(world["assessments"][0])[ids["1.2"]].self_score is None
    response = client.post(url, {"version": "1", "action": "save", f"score-{ids['1.2']}": "1,5"})
    assert response.status_code == 302
    assert str(scores_of(world["assessments"][0])[ids["1.2"]].self_score) == "1.50"


def test_a_concurrent_save_is_refused_showing_what_changed(client, world):
    ids = _ids(world)
    assessment = world["assessments"][0]
    self_assessment_save(
        assessment=assessment,
        user=world["reporters"][0],
        entries={ids["1.1"]: ScoreEntry("12", "")},
        expected_version=1,
    )
    _as(client, world["reporters"][0])
    response = client.post(
        reverse("appraisal:assessment", args=[assessment.pk]), {"version": "1", f"score-{ids['1.2']}": "7"}
    )
    body = response.content.decode()
    assert (
        response.status_code == 200 and "Chưa lưu gì" in body and "1.1" in body and "12" in body and 'value="7"' in body
    )


@pytest.mark.parametrize("version", ["abc", "1.5", "-1", "٣", "99999999999999999999"])
def test_a_broken_version_field_is_refused_with_its_own_message_and_keeps_the_typing(client, world, version):
    ids = _ids(world)
    _as(client, world["reporters"][0])
    url = reverse("appraisal:assessment", args=[world["assessments"][0].pk])
    response = client.post(url, {"version": version, "action": "save", f"score-{ids['1.2']}": "1,5"})
    body = response.content.decode()
    assert response.status_code == 200 and "Biểu mẫu gửi lên không đầy đủ" in body and 'value="1,5"' in body
    assert "Nhập hạn giải trình là một ngày" not in body
    assert scores_of(world["assessments"][0])[ids["1.2"]].self_score is None


def test_evidence_is_uploaded_checked_and_downloaded_only_by_those_allowed(client, world, django_user_model):
    score = scores_of(world["assessments"][0])[_ids(world)["1.1"]]
    _as(client, world["reporters"][0])
    url = reverse("appraisal:evidence-upload", args=[score.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(url, {"file": SimpleUploadedFile("bao-cao.pdf", b"not really a pdf")})
    assert not Evidence.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("bao-cao.pdf", PDF)})
    evidence = Evidence.objects.get()
    download = reverse("appraisal:evidence", args=[evidence.pk])
    assert client.get(download).status_code == 200
    assert _as(client, world["reporters"][1]).get(download).status_code == 403
    assert _as(client, world["appraiser"]).get(download).status_code == 200
    client.logout()
    assert client.get(download).status_code == 302


def test_an_unpublished_scorecard_is_on_no_public_page(client, world):
    url = reverse("appraisal:scorecard", args=[world["assessments"][0].pk])
    assert client.get(url).status_code == 404
    assert _as(client, world["chair"]).get(url).status_code == 200


def test_the_home_page_lands_each_person_on_their_work(client, world):
    body = _as(client, world["reporters"][0]).get(reverse("appraisal:home")).content.decode()
    assert "Sơn Kim 1" in body and "Sơn Kim 2" not in body
    body = _as(client, world["appraiser"]).get(reverse("appraisal:home")).content.decode()
    assert "Sơn Kim 1" in body and "Sơn Kim 2" in body


def test_an_appraiser_returns_a_criterion_and_the_body_answers_it(client, world):
    ids = _ids(world)
    assessment = world["assessments"][0]
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save()
    score = scores_of(assessment)[ids["2.1.2"]]
    url = reverse("appraisal:assessment", args=[assessment.pk])
    deadline = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    _as(client, world["narrow"]).post(
        url, {"action": "return", "score": score.pk, "comment": "Giải trình", "deadline": deadline}
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    returned = score.returns.get()
    _as(client, world["reporters"][0]).post(url, {"action": "answer", "return": returned.pk, "answer": "Đã bổ sung"})
    returned.refresh_from_db()
    assert returned.answer == "Đã bổ sung"


@pytest.mark.parametrize("who", ["reporter0", "narrow", "chair"])
def test_the_assessment_page_runs_a_fixed_number_of_queries(
    client, world, django_user_model, who, django_assert_max_num_queries
):
    user = django_user_model.objects.get(username=who)
    assessment = world["assessments"][0]
    assessment.status = AssessmentStatus.SUBMITTED if who != "reporter0" else AssessmentStatus.DRAFT
    assessment.save()
    client.force_login(user)
    url = reverse("appraisal:assessment", args=[assessment.pk])
    client.get(url)  # warm the per-process caches (content types, permissions)
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


def test_the_campaign_page_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["chair"])
    url = reverse("appraisal:campaign", args=[world["campaign"].pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_an_administrator_of_another_province_cannot_see_or_import_this_districts_set(client, world, django_user_model):
    from tests.appraisal_world import appraisal_user
    from tests.factories import make_unit

    other = appraisal_user(django_user_model, "other-admin", "appraisal-admin", province=make_unit(code="40"))
    client.force_login(other)
    assert client.get(reverse("appraisal:criteria-set", args=[world["set"].pk])).status_code == 403
    assert world["set"].name not in client.get(reverse("appraisal:criteria-sets")).content.decode()
    assert client.get(reverse("appraisal:campaign", args=[world["campaign"].pk])).status_code == 403
    client.force_login(world["admin"])
    assert client.get(reverse("appraisal:criteria-set", args=[world["set"].pk])).status_code == 200


def test_the_chair_enters_survey_points_by_hand_and_they_are_checked_against_the_maximum(client, world):
    ids = _ids(world)
    assessment = world["assessments"][0]
    url = reverse("appraisal:assessment", args=[assessment.pk])
    client.force_login(world["chair"])
    body = client.post(url, {"version": "1", f"score-{ids['2.2']}": "31"}).content.decode()
    assert "Chưa lưu gì" in body and 'value="31"' in body
    assert client.post(url, {"version": "1", f"score-{ids['2.2']}": "27,5"}).status_code == 302
    score = scores_of(assessment)[ids["2.2"]]
    assert str(score.survey_score) == "27.50" and score.history.latest().history_user == world["chair"]


def test_the_campaign_page_shows_the_change_against_last_years_published_index(client, world):
    from indicators.models import Indicator
    from tests.factories import make_value

    make_value(indicator=Indicator.objects.get(code="par_index"), unit=world["communes"][0], year=2020, value="12.5")
    client.force_login(world["chair"])
    body = client.get(reverse("appraisal:campaign", args=[world["campaign"].pk])).content.decode()
    assert "Thay đổi so với năm trước" in body and "-12,50" in body  # nothing scored yet: 0 % against 12,5 %


def test_a_campaign_assesses_only_bodies_of_its_sets_level_in_force_that_year(world):
    from django.core.exceptions import ValidationError

    from appraisal.models import Assessment

    with pytest.raises(ValidationError, match="Hương Sơn"):
        Assessment(campaign=world["campaign"], body=world["district"]).full_clean()
    Assessment(campaign=world["campaign"], body=world["communes"][0]).clean()


def test_the_group_report_is_internal_until_published(client, world):
    url = reverse("appraisal:group-report", args=[world["campaign"].pk])
    assert client.get(url).status_code == 404
    body = _as(client, world["chair"]).get(url).content.decode()
    assert "Sơn Kim 1" in body and "Nội bộ" in body and "appraisal-heatmap" in body and "appraisal-distribution" in body
    world["campaign"].status = "published"
    world["campaign"].save()
    client.logout()
    body = client.get(url).content.decode()
    assert "Sơn Kim 2" in body and "Nội bộ" not in body


def test_the_workspace_is_vietnamese_first_and_english_on_request(client, world, settings):
    _as(client, world["reporters"][0])
    url = reverse("appraisal:assessment", args=[world["assessments"][0].pk])
    assert "Lưu nháp" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(url).content.decode()
    assert "Save draft" in body and "Lưu nháp" not in body
