"""The permission matrix through the HTTP client: role × action × own/other province.

Province editors and approvers work on Hà Nội (and its districts); Đà Nẵng is the other province.
A refusal is a 403 (the role may not do this at all) or a 404 (another province's value does not
exist for them), and never writes anything.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ImportBatch, Value, ValueStatus
from tests.factories import make_value
from tests.staff import make_staff, two_provinces, value_post

pytestmark = pytest.mark.django_db

OK, NO = "allowed", "refused"
#: role → action → (own province, other province)
MATRIX = {
    "national-admin": {
        "read": (OK, OK),
        "create": (OK, OK),
        "change": (OK, OK),
        "delete": (OK, OK),
        "submit": (OK, OK),
        "approve": (OK, OK),
        "import": (OK, OK),
        "export": (OK, OK),
        "history": (OK, OK),
        "import preview": (OK, OK),
        "batches": (OK, OK),
    },
    "province-editor": {
        "read": (OK, NO),
        "create": (OK, NO),
        "change": (OK, NO),
        "delete": (OK, NO),
        "submit": (OK, NO),
        "approve": (NO, NO),
        "import": (OK, NO),
        "export": (OK, NO),
        "history": (OK, NO),
        "import preview": (OK, NO),
        "batches": (OK, NO),
    },
    "province-approver": {
        "read": (OK, NO),
        "create": (NO, NO),
        "change": (NO, NO),
        "delete": (NO, NO),
        "submit": (NO, NO),
        "approve": (OK, NO),
        "import": (NO, NO),
        "export": (OK, NO),
        "history": (OK, NO),
        "import preview": (NO, NO),
        "batches": (OK, NO),
    },
    "viewer": {
        "read": (OK, OK),
        "create": (NO, NO),
        "change": (NO, NO),
        "delete": (NO, NO),
        "submit": (NO, NO),
        "approve": (NO, NO),
        "import": (NO, NO),
        "export": (OK, OK),
        "history": (OK, OK),
        "import preview": (NO, NO),
        "batches": (OK, OK),
    },
}


@pytest.fixture
def world(django_user_model):
    world = two_provinces()
    world["users"] = {
        role: make_staff(django_user_model, role, role, province=world["own"] if role.startswith("province") else None)
        for role in MATRIX
    }
    return world


def _target(world, own: bool, status: str = ValueStatus.DRAFT) -> Value:
    unit = world["own_district"] if own else world["other_district"]
    par = world["par"]
    return make_value(indicator=par, unit=unit, year=2023, value="80", source=world["source"], status=status)


def _refused(response) -> bool:
    return response.status_code in (403, 404)


def act_read(client, world, own):
    response = client.get(reverse("admin:indicators_value_change", args=[_target(world, own).pk]))
    assert response.status_code in (200, 403, 404)
    return response.status_code == 200


def act_create(client, world, own):
    unit = world["own"] if own else world["other"]
    response = client.post(
        reverse("admin:indicators_value_add"), value_post(world["par"], unit, world["source"], value="70")
    )
    created = Value.objects.filter(unit=unit, year=2023).exists()
    assert created or _refused(response) or response.status_code == 200  # 200: the form refused the unit
    return created


def act_change(client, world, own):
    value = _target(world, own)
    response = client.post(
        reverse("admin:indicators_value_change", args=[value.pk]),
        value_post(world["par"], value.unit, world["source"], value="81", version=value.version),
    )
    value.refresh_from_db()
    assert value.value == 81 or _refused(response)
    return value.value == 81


def act_delete(client, world, own):
    value = _target(world, own)
    response = client.post(reverse("admin:indicators_value_delete", args=[value.pk]), {"post": "yes"})
    gone = not Value.objects.filter(pk=value.pk).exists()
    assert gone or _refused(response)
    return gone


def _workflow(client, world, own, action, status):
    value = _target(world, own, status=status)
    response = client.post(reverse("admin:indicators_value_workflow", args=[value.pk]), {"_workflow": action})
    value.refresh_from_db()
    changed = value.status != status
    assert changed or _refused(response)
    return changed


def act_submit(client, world, own):
    return _workflow(client, world, own, "submit", ValueStatus.DRAFT)


def act_approve(client, world, own):
    return _workflow(client, world, own, "approve", ValueStatus.SUBMITTED)


def act_import(client, world, own):
    unit = world["own"] if own else world["other"]
    upload = SimpleUploadedFile(
        "values.csv", f"unit_code,unit,year,indicator,value\n{unit.code},{unit.short_name},2023,par_index,75\n".encode()
    )
    response = client.post(
        reverse("admin:indicators_importbatch_upload"), {"file": upload, "source": world["source"].pk}
    )
    if _refused(response):
        return False
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"])
    confirmed = client.post(response["Location"])
    written = ImportBatch.objects.exists()
    if not written:
        text = preview.content.decode()
        assert unit.short_name in text and "outside your province" in text  # the row is named
    assert confirmed.status_code in (200, 302)
    return written


def act_export(client, world, own):
    value = _target(world, own)
    response = client.post(
        reverse("admin:indicators_value_changelist"),
        {"action": "export_selected", "_selected_action": [value.pk], "index": 0},
    )
    if _refused(response):
        return False
    return (
        response.get("Content-Type", "").startswith("text/csv") and value.unit.short_name in response.content.decode()
    )


def act_history(client, world, own):
    value = _target(world, own)
    value.value, value._change_reason = "81", "form"
    value.save()
    record = value.history.first()
    pages = [
        reverse("admin:indicators_value_history", args=[value.pk]),
        reverse("admin:indicators_value_simple_history", args=[value.pk, record.history_id]),
        reverse("admin:indicators_historicalvalue_change", args=[record.history_id]),
    ]
    shown = [client.get(url) for url in pages]
    assert all(r.status_code in (200, 404) for r in shown)
    assert len({r.status_code for r in shown}) == 1  # all three pages agree
    return shown[0].status_code == 200


def act_import_preview(client, world, own):
    """Whether the preview of a file changing the value shows the stored figure (80 → 75)."""
    value = _target(world, own)
    upload = SimpleUploadedFile(
        "values.csv",
        f"unit_code,unit,year,indicator,value\n{value.unit.code},{value.unit.short_name},2023,par_index,75\n".encode(),
    )
    response = client.post(
        reverse("admin:indicators_importbatch_upload"), {"file": upload, "source": world["source"].pk}
    )
    if _refused(response):
        return False
    text = client.get(response["Location"]).content.decode()
    return "80 → 75" in text


def act_batches(client, world, own):
    value = _target(world, own)
    batch = ImportBatch.objects.create(file_name="batch-of-the-target.csv", file_format="csv")
    Value.objects.filter(pk=value.pk).update(import_batch=batch)
    response = client.get(reverse("admin:indicators_importbatch_changelist"))
    if _refused(response):
        return False
    listed = batch in response.context["cl"].result_list
    page = client.get(reverse("admin:indicators_importbatch_change", args=[batch.pk]))
    assert (page.status_code == 200) == listed
    return listed


ACTIONS = {
    "read": act_read,
    "create": act_create,
    "change": act_change,
    "delete": act_delete,
    "submit": act_submit,
    "approve": act_approve,
    "import": act_import,
    "export": act_export,
    "history": act_history,
    "import preview": act_import_preview,
    "batches": act_batches,
}


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(client, world, role, action, own, english_messages):
    client.force_login(world["users"][role])
    client.cookies["django_language"] = "en"
    expected = MATRIX[role][action][0 if own else 1]
    assert (OK if ACTIONS[action](client, world, own) else NO) == expected


def test_an_editors_unit_autocomplete_offers_only_their_province(client, world):
    client.force_login(world["users"]["province-editor"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "indicators", "model_name": "value", "field_name": "unit", "term": ""},
    )
    # Each unit is named with its validity, kind and parent (provinces/admin.py): the names come first.
    names = {item["text"].split(" (")[0].split(" · ")[0] for item in response.json()["results"]}
    assert names == {"Hà Nội", "Ba Đình"}


def test_an_editors_list_and_province_filter_show_only_their_province(client, world):
    _target(world, True)
    _target(world, False)
    client.force_login(world["users"]["province-editor"])
    response = client.get(reverse("admin:indicators_value_changelist"))
    assert [v.unit.short_name for v in response.context["cl"].result_list] == ["Ba Đình"]
    assert "Đà Nẵng" not in response.content.decode()


def test_another_provinces_year_sheet_is_not_found(client, world):
    client.force_login(world["users"]["province-editor"])
    url = reverse("admin:indicators_value_yearsheet")
    assert client.get(url, {"unit": world["own"].pk, "year": 2023}).status_code == 200
    assert client.get(url, {"unit": world["other"].pk, "year": 2023}).status_code == 404


def test_an_editor_cannot_delete_a_published_value(client, world):
    value = _target(world, True, status=ValueStatus.APPROVED)
    client.force_login(world["users"]["province-editor"])
    response = client.post(reverse("admin:indicators_value_delete", args=[value.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Value.objects.filter(pk=value.pk).exists()


def test_the_bulk_delete_action_refuses_a_published_value_among_the_selection(client, world):
    draft, published = (
        _target(world, True),
        make_value(
            indicator=world["par"], unit=world["own"], year=2023, source=world["source"], status=ValueStatus.APPROVED
        ),
    )
    client.force_login(world["users"]["province-editor"])
    response = client.post(
        reverse("admin:indicators_value_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Value.objects.count() == 2
