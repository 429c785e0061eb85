"""The whole workflow as staff meet it: an editor fills and submits a year sheet, an approver
returns one figure with a comment and approves the rest, and only then the public sees them."""

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import Value, ValueStatus
from indicators.selectors import public_values
from tests.factories import make_indicator
from tests.staff import SHEET_URL, fill_sheet, make_staff, sheet_form_data, two_provinces

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    world = two_provinces()
    world["sipas"] = make_indicator(code="sipas", group="sipas")
    for role in ("province-editor", "province-approver"):
        client = Client()
        client.force_login(make_staff(django_user_model, role, role, world["own"]))
        client.cookies["django_language"] = "en"
        world[role] = client
    world["sheet"] = f"{SHEET_URL}?unit={world['own'].pk}&year=2023"
    return world


def _statuses() -> dict[str, str]:
    return dict(Value.objects.values_list("indicator__code", "status"))


def test_fill_submit_return_and_approve(world):
    editor, approver = world["province-editor"], world["province-approver"]
    data, rows = sheet_form_data(editor.get(SHEET_URL, {"unit": world["own"].pk, "year": 2023}), "en")
    data["sheet-source"] = str(world["source"].pk)
    fill_sheet(data, rows, "par_index", value="85.5")
    fill_sheet(data, rows, "sipas", value="80.1")
    assert editor.post(world["sheet"], data).status_code == 302
    assert _statuses() == {"par_index": "draft", "sipas": "draft"}

    page = editor.get(world["sheet"]).content.decode()
    assert "Submit this sheet's drafts for approval" in page and "Approve this sheet" not in page
    assert editor.post(world["sheet"], {"_workflow": "submit"}).status_code == 302
    assert _statuses() == {"par_index": "submitted", "sipas": "submitted"}
    assert not public_values().exists()

    sheet = approver.get(world["sheet"]).content.decode()
    assert "Approve this sheet's submitted values" in sheet and "Save the sheet" not in sheet
    sipas = Value.objects.get(indicator__code="sipas")
    workflow = reverse("admin:indicators_value_workflow", args=[sipas.pk])
    approver.post(workflow, {"_workflow": "return", "workflow_comment": "Số liệu SIPAS chưa khớp báo cáo"})
    sipas.refresh_from_db()
    assert (sipas.status, sipas.review_comment) == (ValueStatus.DRAFT, "Số liệu SIPAS chưa khớp báo cáo")
    assert "Số liệu SIPAS chưa khớp báo cáo" in editor.get(world["sheet"]).content.decode()

    assert approver.post(world["sheet"], {"_workflow": "approve"}).status_code == 302
    assert _statuses() == {"par_index": "approved", "sipas": "draft"}
    assert [v.indicator.code for v in public_values()] == ["par_index"]


def test_a_return_needs_a_comment(world):
    value = Value.objects.create(
        indicator=world["par"], unit=world["own"], year=2023, value=80, source=world["source"], status="submitted"
    )
    url = reverse("admin:indicators_value_workflow", args=[value.pk])
    world["province-approver"].post(url, {"_workflow": "return", "workflow_comment": " "})
    value.refresh_from_db()
    assert value.status == ValueStatus.SUBMITTED


def test_the_change_page_shows_the_buttons_the_role_may_use(world):
    value = Value.objects.create(
        indicator=world["par"], unit=world["own"], year=2023, value=80, source=world["source"], status="submitted"
    )
    url = reverse("admin:indicators_value_change", args=[value.pk])
    approver_page = world["province-approver"].get(url).content.decode()
    assert "Approve and publish" in approver_page and "Return to the editor with this comment" in approver_page
    editor_page = world["province-editor"].get(url).content.decode()
    assert "Approve and publish" not in editor_page and "Submit for approval" not in editor_page
