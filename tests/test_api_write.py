"""Staff writes through the API: the same gate as the admin and imports, row-and-field refusals, drafts.

The permission matrix: role × own/other province × locked year × stale version. Province editors and
approvers work on Hà Nội (tests.staff.two_provinces); the target is a stored draft in a district of
Hà Nội (own) or of Đà Nẵng (other). A refusal writes nothing.
"""

import itertools
import json

import pytest
from django.db.models import F

from indicators.models import IndicatorGroup, Value, ValueStatus, YearLock
from indicators.services import values_approve, values_submit
from tests.api_tokens import bearer, make_token
from tests.factories import make_value
from tests.staff import make_staff, two_provinces

pytestmark = pytest.mark.django_db

URL = "/api/v1/values/"
ROLES = ("national-admin", "province-editor", "province-approver", "viewer")
WRITERS = {"national-admin", "province-editor"}


@pytest.fixture
def world(django_user_model):
    world = two_provinces()
    world["tokens"] = {}
    for role in ROLES:
        user = make_staff(django_user_model, role, role, province=world["own"] if role.startswith("province") else None)
        world["tokens"][role] = make_token(user)[1]
    return world


def _send(client, method: str, rows: list[dict], raw: str | None):
    headers = {**(bearer(raw) if raw else {}), "HTTP_ACCEPT_LANGUAGE": "en"}
    body = json.dumps({"rows": rows})
    return getattr(client, method)(URL, body, content_type="application/json", **headers)


def _row(world, unit, **fields) -> dict:
    return {
        "indicator": "par_index",
        "unit": unit.pk,
        "year": 2023,
        "value": "75.5",
        "source": world["source"].pk,
        **fields,
    }


def _expected(role: str, own: bool, locked: bool, stale: bool) -> int:
    if role not in WRITERS:
        return 403
    if not (own or role == "national-admin") or locked:
        return 422
    return 409 if stale else 200


MATRIX = list(itertools.product(ROLES, (True, False), (False, True), (False, True)))


@pytest.mark.parametrize(("role", "own", "locked", "stale"), MATRIX)
def test_write_permission_matrix(client, world, role, own, locked, stale):
    unit = world["own_district"] if own else world["other_district"]
    target = make_value(indicator=world["par"], unit=unit, value="60", source=world["source"], status=ValueStatus.DRAFT)
    version = target.version
    if stale:  # someone else saved it since the client read it
        Value.objects.filter(pk=target.pk).update(version=F("version") + 1)
    if locked:
        YearLock.objects.create(group=IndicatorGroup.PAR, year=2023)
    response = _send(client, "put", [_row(world, unit, expected_version=version)], world["tokens"][role])
    expected = _expected(role, own, locked, stale)
    assert response.status_code == expected, response.content
    target.refresh_from_db()
    if expected == 200:
        assert str(target.value) == "75.5000"
        assert target.status == ValueStatus.DRAFT
        assert target.history.latest().history_change_reason == "api"
        assert response.json()["rows"][0]["version"] == target.version
    else:
        assert str(target.value) == "60.0000"  # nothing written
        problem = response.json()
        assert response["Content-Type"] == "application/problem+json"
        assert problem["type"] == "urn:par-dashboard:problem:write-refused"
        assert problem["errors"], problem
        assert all(error["row"] == 0 for error in problem["errors"])
        if expected == 409:
            assert [error["field"] for error in problem["errors"]] == ["version"]
        if expected == 422 and not (own or role == "national-admin"):
            assert [error["field"] for error in problem["errors"]] == ["unit"]
            assert "outside your province" in problem["errors"][0]["message"]


def test_pushed_figures_are_drafts_in_the_staff_workflow_and_not_public(client, world):
    rows = [_row(world, world["own"]), _row(world, world["own_district"], value="61", rank=3, rank_basis="stated")]
    response = _send(client, "post", rows, world["tokens"]["province-editor"])
    assert response.status_code == 200, response.content
    written = response.json()["rows"]
    assert [(row["row"], row["status"], row["version"]) for row in written] == [(0, "draft", 1), (1, "draft", 1)]
    stored = Value.objects.get(pk=written[1]["id"])
    assert (stored.rank, stored.rank_basis, stored.created_by.username) == (3, "stated", "province-editor")
    history = stored.history.latest()
    assert (history.history_change_reason, history.history_user.username) == ("api", "province-editor")
    assert Value.objects.restrict(stored.created_by, "submit").filter(pk=stored.pk).exists()
    assert client.get(URL).json()["results"] == []  # drafts are not public


def test_a_change_of_a_published_value_is_a_pending_correction(client, world):
    published = make_value(indicator=world["par"], unit=world["own"], value="80", source=world["source"])
    row = _row(world, world["own"], value="81", expected_version=published.version)
    response = _send(client, "post", [row], world["tokens"]["province-editor"])
    assert response.status_code == 200, response.content
    assert response.json()["rows"][0]["correction_of"] == published.pk
    assert [row["value"] for row in client.get(URL).json()["results"]] == [80]


def test_a_batch_is_all_or_nothing_and_refusals_name_row_and_field(client, world):
    rows = [
        _row(world, world["own"]),
        _row(world, world["own_district"], value="150"),
        _row(world, world["own"], year=2022),
    ]
    response = _send(client, "post", rows, world["tokens"]["national-admin"])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"row": 1, "field": "value", "message": "150 is above the maximum 100 for par_index."} in errors
    assert not Value.objects.exists()


def test_a_stored_value_without_its_version_is_refused(client, world):
    make_value(indicator=world["par"], unit=world["own"], value="60", source=world["source"], status=ValueStatus.DRAFT)
    response = _send(client, "post", [_row(world, world["own"])], world["tokens"]["province-editor"])
    assert response.status_code == 409
    assert [error["field"] for error in response.json()["errors"]] == ["version"]


@pytest.mark.parametrize(
    ("body", "row", "field"),
    [
        ({"rows": [{"unit": 1, "year": 2023}]}, 0, "indicator"),
        ({"rows": [{"indicator": "par_index", "unit": "x", "year": 2023}]}, 0, "unit"),
        ({"rows": [{}, {"indicator": "par_index", "unit": 1, "year": 1800}]}, 1, "year"),
        ({"rows": [{"indicator": "par_index", "unit": 1, "year": 2023, "value": "1.23456"}]}, 0, "value"),
        ({"rows": [{"indicator": "par_index", "unit": 1, "year": 2023, "qualifier": "roughly"}]}, 0, "qualifier"),
        ({"rows": []}, None, "rows"),
        ({"values": []}, None, "rows"),
    ],
)
def test_malformed_rows_are_400_naming_row_and_field(client, world, body, row, field):
    raw = world["tokens"]["national-admin"]
    response = client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **bearer(raw)
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(error["field"] == field and error.get("row") == row for error in errors), errors


def test_unknown_indicator_unit_or_source_is_422_naming_each(client, world):
    rows = [
        _row(world, world["own"], indicator="nope"),
        {**_row(world, world["own"]), "unit": 999999, "source": 999999},
    ]
    response = _send(client, "post", rows, world["tokens"]["national-admin"])
    assert response.status_code == 422
    found = {(error["row"], error["field"]) for error in response.json()["errors"]}
    assert found == {(0, "indicator"), (1, "unit"), (1, "source")}


def test_put_needs_a_version_on_every_row(client, world):
    response = _send(client, "put", [_row(world, world["own"])], world["tokens"]["national-admin"])
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"row": 0, "field": "expected_version", "message": "This field is required."}


def test_writes_need_a_token_not_a_session(client, world, django_user_model):
    assert _send(client, "post", [_row(world, world["own"])], None).status_code == 401
    client.force_login(make_staff(django_user_model, "session-admin", "national-admin"))
    response = _send(client, "post", [_row(world, world["own"])], None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Value.objects.exists()


def test_non_json_and_oversized_batches_are_refused(client, world, settings):
    raw = world["tokens"]["national-admin"]
    assert client.post(URL, "rows=1", content_type="text/plain", **bearer(raw)).status_code == 415
    assert client.post(URL, "{not json", content_type="application/json", **bearer(raw)).status_code == 400
    assert client.post(URL, "[1, 2]", content_type="application/json", **bearer(raw)).status_code == 400
    settings.API_MAX_WRITE_ROWS = 1
    response = _send(client, "post", [_row(world, world["own"]), _row(world, world["own_district"])], raw)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "rows"


def test_a_batch_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    rows = [_row(world, world["own_district"], year=year) for year in range(2015, 2025)]
    with django_assert_max_num_queries(16):  # token, resolving (3 kinds), the gate in bulk: not per row
        response = _send(client, "post", rows, world["tokens"]["national-admin"])
    assert response.status_code == 200, response.content
    assert Value.objects.count() == 10


def test_pushed_drafts_go_through_the_workflow_and_reach_a_mirroring_client(client, world, django_user_model):
    """Done when: a province system pushes drafts; once approved in the staff workflow, a mirror sees them."""
    first = client.get(URL)
    assert first.json()["results"] == []
    response = _send(client, "post", [_row(world, world["own"], value="86.12")], world["tokens"]["province-editor"])
    assert response.status_code == 200, response.content
    draft = Value.objects.get(pk=response.json()["rows"][0]["id"])
    editor = draft.created_by
    approver = make_staff(django_user_model, "approver-2", "province-approver", province=world["own"])
    assert values_submit(values=[draft], user=editor, channel="form")[0] == 1
    assert values_approve(values=[Value.objects.get(pk=draft.pk)], user=approver, channel="form")[0] == 1
    changed = client.get(URL, {"changed_since": draft.created_at.isoformat()})
    assert [(row["id"], row["value"], row["source_title"]) for row in changed.json()["results"]] == [
        (draft.pk, 86.12, "Báo cáo PAR INDEX 2023")
    ]
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200  # the poll sees the change
