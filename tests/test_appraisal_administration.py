"""The administrator's workspace forms: campaigns with their bodies and council, reporter accounts, return deadlines."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from appraisal.models import Assessment, BodyAccount, Campaign, ReturnRequest
from appraisal.services import (
    AppraisalRefused,
    ScoreEntry,
    assessment_submit,
    criterion_return,
    return_answer,
    scores_of,
    self_assessment_save,
)
from provinces.models import Level, UnitType
from tests.appraisal_world import appraisal_user
from tests.appraisal_world import signed_in as _as
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(appraisal_world):
    world = appraisal_world
    # A third commune of the district, not yet assessed, and one merged before the campaign's year.
    world["third"] = make_unit(
        level=Level.COMMUNE, code="18208", short_name="Sơn Tây", parent=world["district"], unit_type=UnitType.COMMUNE
    )
    world["merged"] = make_unit(
        level=Level.COMMUNE,
        code="18211",
        short_name="Sơn Trường",
        parent=world["district"],
        unit_type=UnitType.COMMUNE,
        valid_to=datetime.date(2019, 12, 31),
    )
    return world


def _campaign_post(world, **changes) -> dict:
    area_two = world["set"].criteria.get(code="2")
    data = {
        "criteria_set": world["set"].pk,
        "name": "Đợt đánh giá 2021 (thử nghiệm)",
        "year": "2021",
        "bodies": [c.pk for c in world["communes"]] + [world["third"].pk],
        "self_assessment_closes": "2099-01-10T17:00",
        "appraisal_closes": "2099-01-20T17:00",
        "chair": world["chair"].pk,
        "decision_number": "12/QĐ-TEST",
        "decision_date": "2099-02-01",
        "decision_issuer": "UBND huyện (thử nghiệm)",
        "decision_url": "",
        "council-TOTAL_FORMS": "2",
        "council-INITIAL_FORMS": "0",
        "council-MIN_NUM_FORMS": "0",
        "council-MAX_NUM_FORMS": "1000",
        "council-0-user": world["appraiser"].pk,
        "council-0-bodies": [world["third"].pk],
        "council-1-user": world["narrow"].pk,
        "council-1-areas": [area_two.pk],
    }
    data.update(changes)
    return data


def test_the_administrator_chooses_a_set_then_sees_only_its_level_bodies_in_force_that_year(client, world):
    _as(client, world["admin"])
    assert "Bộ tiêu chí thử nghiệm communes" in client.get(reverse("appraisal:campaign-new")).content.decode()
    response = client.get(reverse("appraisal:campaign-new"), {"set": world["set"].pk})
    page = response.content.decode()
    assert "Sơn Tây" in page and "Sơn Kim 1" in page
    assert "Sơn Trường" not in page  # merged before 2021
    offered = {u.code for u in response.context["form"].fields["bodies"].queryset}
    assert offered == {"18202", "18205", "18208"}  # communes only, not the district


def test_the_administrator_creates_a_campaign_with_bodies_council_and_decision(client, world):
    _as(client, world["admin"])
    response = client.post(
        reverse("appraisal:campaign-new") + f"?set={world['set'].pk}", _campaign_post(world), follow=True
    )
    assert response.status_code == 200
    campaign = Campaign.objects.get(name="Đợt đánh giá 2021 (thử nghiệm)")
    assert campaign.decision_label == "12/QĐ-TEST 01/02/2099 UBND huyện (thử nghiệm)"
    assert sorted(campaign.assessments.values_list("body__code", flat=True)) == ["18202", "18205", "18208"]
    first = campaign.appraisers.get(user=world["appraiser"])
    assert [b.code for b in first.bodies.all()] == ["18208"] and not first.areas.exists()
    assert [a.code for a in campaign.appraisers.get(user=world["narrow"]).areas.all()] == ["2"]
    assert campaign.history.get().history_user == world["admin"]
    assert first.history.first().history_user == world["admin"]


def test_errors_show_at_their_field_and_the_typing_is_kept(client, world):
    _as(client, world["admin"])
    post = _campaign_post(
        world, appraisal_closes="2099-01-01T17:00", bodies=[world["merged"].pk], chair=world["appraiser"].pk
    )
    response = client.post(reverse("appraisal:campaign-new") + f"?set={world['set'].pk}", post)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Campaign.objects.filter(name="Đợt đánh giá 2021 (thử nghiệm)").exists()
    # The merged commune is not offered at all: the choice itself is refused at the bodies field.
    assert page.count('class="field-error"') >= 2
    assert "Đợt đánh giá 2021 (thử nghiệm)" in page and "12/QĐ-TEST" in page
    form = response.context["form"]
    assert form.errors["bodies"] and form.errors["chair"]  # neither choice is offered


def test_the_service_refuses_the_rules_at_their_fields(client, world):
    _as(client, world["admin"])
    post = _campaign_post(world, appraisal_closes="2099-01-01T17:00")
    response = client.post(reverse("appraisal:campaign-new") + f"?set={world['set'].pk}", post)
    form = response.context["form"]
    assert "đánh giá" in str(form.errors["appraisal_closes"]) or "appraisal" in str(form.errors["appraisal_closes"])
    assert not Campaign.objects.filter(name="Đợt đánh giá 2021 (thử nghiệm)").exists()


def test_the_service_refuses_a_chair_or_appraiser_without_the_role(world):
    from appraisal.services import CampaignData, CouncilMember, campaign_save

    now = timezone.now()
    data = CampaignData(
        criteria_set=world["set"],
        name="x",
        year=2021,
        self_assessment_closes=now,
        appraisal_closes=now,
        chair=world["appraiser"],
        bodies=list(world["communes"]),
        council=[CouncilMember(user=world["reporters"][0])],
    )
    with pytest.raises(AppraisalRefused) as refused:
        campaign_save(user=world["admin"], data=data)
    assert set(refused.value.errors) == {"chair", "council"}
    with pytest.raises(AppraisalRefused):
        campaign_save(user=world["chair"], data=data)


def test_an_appraiser_given_a_body_outside_the_campaign_is_refused(client, world):
    _as(client, world["admin"])
    post = _campaign_post(world, bodies=[c.pk for c in world["communes"]])  # the third commune left out
    response = client.post(reverse("appraisal:campaign-new") + f"?set={world['set'].pk}", post)
    assert "không được đánh giá trong đợt này" in response.content.decode()  # at the top of the form, in Vietnamese
    assert not Campaign.objects.filter(name="Đợt đánh giá 2021 (thử nghiệm)").exists()


def test_editing_adds_a_body_and_refuses_removing_one_that_has_started(client, world):
    campaign = world["campaign"]
    reporter = world["reporters"][0]
    leaf = world["set"].criteria.get(code="1.1")
    self_assessment_save(
        assessment=world["assessments"][0], user=reporter, entries={leaf.pk: ScoreEntry("1")}, expected_version=1
    )
    _as(client, world["admin"])
    url = reverse("appraisal:campaign-edit", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "Chỉ số CCHC cấp xã 2021 (thử nghiệm)" in page and "01/QĐ-TEST" in page
    post = _campaign_post(world, name=campaign.name, bodies=[world["communes"][1].pk, world["third"].pk])
    response = client.post(url, post)
    assert "Sơn Kim 1 đã bắt đầu tự đánh giá" in str(response.context["form"].errors["bodies"])
    assert campaign.assessments.count() == 2
    post = _campaign_post(world, name=campaign.name)
    assert client.post(url, post).status_code == 302
    assert campaign.assessments.count() == 3
    assert Assessment.history.filter(body=world["third"]).get().history_user == world["admin"]


def test_an_administrator_of_another_province_may_not_create_or_change_this_campaign(client, world, django_user_model):
    other = make_unit(short_name="Nghệ An", code="40")
    stranger = appraisal_user(django_user_model, "stranger", "appraisal-admin", province=other)
    _as(client, stranger)
    assert client.get(reverse("appraisal:campaign-edit", args=[world["campaign"].pk])).status_code == 403
    # The set is not offered, and posting it anyway is refused by the service.
    page = client.get(reverse("appraisal:campaign-new"), {"set": world["set"].pk}).content.decode()
    assert "pick-list" not in page
    client.post(reverse("appraisal:campaign-new") + f"?set={world['set'].pk}", _campaign_post(world))
    assert not Campaign.objects.filter(name="Đợt đánh giá 2021 (thử nghiệm)").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("reporter0", 403), ("appraiser", 403), ("narrow", 403), ("chair", 403), ("admin", 200)],
)
def test_permission_matrix_of_the_administration_pages(client, world, django_user_model, who, status):
    if who is not None:  # anonymous visitors are sent to the workspace's login
        _as(client, django_user_model.objects.get(username=who))
    assert client.get(reverse("appraisal:campaign-new")).status_code == status
    assert client.get(reverse("appraisal:campaign-edit", args=[world["campaign"].pk])).status_code == status
    assert client.get(reverse("appraisal:reporters")).status_code == status


def test_the_administrator_creates_a_reporter_with_a_password(client, world):
    _as(client, world["admin"])
    response = client.post(
        reverse("appraisal:reporters"),
        {
            "body": world["communes"][1].pk,
            "username": "sonkim2b",
            "name": "Nguyễn Thị Hà",
            "email": "ha@example.org",
            "password_mode": "set",
            "password1": "Kiem-tra-2021!",
            "password2": "Kiem-tra-2021!",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="sonkim2b")
    assert user.check_password("Kiem-tra-2021!") and user.first_name == "Nguyễn Thị Hà"
    assert user.has_perm("appraisal.report_assessment") and not user.is_staff
    account = BodyAccount.objects.get(user=user)
    assert account.body == world["communes"][1]
    assert account.history.get().history_user == world["admin"]
    client.force_login(user)
    assert client.get(reverse("appraisal:assessment", args=[world["assessments"][1].pk])).status_code == 200
    assert client.get(reverse("appraisal:assessment", args=[world["assessments"][0].pk])).status_code == 403


def test_a_reporter_set_by_link_sets_the_password_once(client, world):
    _as(client, world["admin"])
    response = client.post(
        reverse("appraisal:reporters"),
        {"body": world["communes"][0].pk, "username": "sonkim1b", "name": "Lê Văn Bình", "password_mode": "link"},
    )
    link = response.context["link"]
    assert link and link in response.content.decode()
    user = get_user_model().objects.get(username="sonkim1b")
    assert not user.has_usable_password()
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-moi-2021!", "new_password2": "Mat-khau-moi-2021!"},
        follow=True,
    )
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Mat-khau-moi-2021!")
    assert not client.get(link, follow=True).context["validlink"]  # one time only


def test_the_reporter_form_keeps_the_typing_and_shows_errors_at_the_fields(client, world):
    _as(client, world["admin"])
    response = client.post(
        reverse("appraisal:reporters"),
        {
            "body": world["communes"][0].pk,
            "username": "reporter0",
            "name": "Trần Văn Cường",
            "password_mode": "set",
            "password1": "abc",
            "password2": "abc",
        },
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["username"] and form.errors["password1"]
    assert "Trần Văn Cường" in response.content.decode()


def test_a_reporter_for_a_body_outside_the_administrators_campaigns_is_refused(client, world):
    _as(client, world["admin"])
    response = client.post(
        reverse("appraisal:reporters"),
        {"body": world["merged"].pk, "username": "x", "name": "X", "password_mode": "link"},
    )
    assert response.context["form"].errors["body"]
    assert not get_user_model().objects.filter(username="x").exists()


def _returned(world) -> ReturnRequest:
    assessment, reporter = world["assessments"][0], world["reporters"][0]
    leaves = [s.criterion for s in scores_of(assessment).values() if s.criterion.kind != "survey"]
    self_assessment_save(
        assessment=assessment,
        user=reporter,
        entries={c.pk: ScoreEntry("0", "không có") for c in leaves},
        expected_version=1,
    )
    assessment.refresh_from_db()
    assessment_submit(assessment=assessment, user=reporter)
    score = scores_of(assessment)[leaves[0].pk]
    return criterion_return(
        score=score,
        user=world["appraiser"],
        comment="Giải trình",
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )


def test_an_answer_after_the_return_deadline_is_refused(world):
    request = _returned(world)
    late = timezone.now() + datetime.timedelta(days=5)
    with pytest.raises(AppraisalRefused, match="gia hạn"):
        return_answer(request=request, user=world["reporters"][0], answer="Đã bổ sung", now=late)
    request.refresh_from_db()
    assert request.is_open


def test_the_administrator_extends_a_return_deadline_and_it_is_recorded(client, world):
    request = _returned(world)
    url = reverse("appraisal:assessment", args=[world["assessments"][0].pk])
    new = timezone.localdate() + datetime.timedelta(days=10)
    _as(client, world["reporters"][0])
    assert client.post(url, {"action": "extend", "return": request.pk, "deadline": new.isoformat(), "reason": "x"})
    request.refresh_from_db()
    assert request.deadline != new  # a reporter may not extend
    _as(client, world["admin"])
    page = client.get(url).content.decode()
    assert f"extend-form-{request.pk}" in page
    client.post(url, {"action": "extend", "return": request.pk, "deadline": new.isoformat(), "reason": "Nghỉ lễ"})
    request.refresh_from_db()
    assert request.deadline == new
    latest = request.history.first()
    assert latest.history_user == world["admin"] and "Nghỉ lễ" in latest.history_change_reason
    return_answer(
        request=request,
        user=world["reporters"][0],
        answer="Đã bổ sung",
        now=timezone.now() + datetime.timedelta(days=5),
    )
    request.refresh_from_db()
    assert not request.is_open


def test_the_reporter_page_says_the_deadline_has_passed(client, world):
    request = _returned(world)
    ReturnRequest.objects.filter(pk=request.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    _as(client, world["reporters"][0])
    page = client.get(reverse("appraisal:assessment", args=[world["assessments"][0].pk])).content.decode()
    assert f'id="answer-{request.pk}"' not in page
    response = client.post(
        reverse("appraisal:assessment", args=[world["assessments"][0].pk]),
        {"action": "answer", "return": request.pk, "answer": "muộn"},
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.is_open


def test_a_return_cannot_be_due_in_the_past(world):
    request = _returned(world)
    with pytest.raises(AppraisalRefused, match="Hạn giải trình đã qua"):
        criterion_return(
            score=request.score,
            user=world["appraiser"],
            comment="Lần hai",
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )


def test_the_administration_pages_run_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    _as(client, world["admin"])
    # Constant in the number of bodies and council rows: the rows share their choice lists.
    with django_assert_max_num_queries(22):
        assert client.get(reverse("appraisal:campaign-edit", args=[world["campaign"].pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("appraisal:reporters")).status_code == 200


def test_a_new_one_time_link_is_issued_only_for_the_administrators_bodies(client, world, django_user_model):
    account = BodyAccount.objects.get(user=world["reporters"][0])
    _as(client, world["admin"])
    response = client.post(reverse("appraisal:reporters"), {"account": account.pk})
    assert response.status_code == 200 and "/appraisal/password/" in response.context["link"]
    other = make_unit(short_name="Nghệ An", code="40")
    _as(client, appraisal_user(django_user_model, "stranger", "appraisal-admin", province=other))
    assert client.post(reverse("appraisal:reporters"), {"account": account.pk}).status_code == 403
