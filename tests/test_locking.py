"""A locked year of an indicator group refuses every change, by form, year sheet and import,
until a national administrator unlocks it; locking and unlocking are in the history."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import ImportBatch, IndicatorGroup, Value, YearLock
from tests.factories import make_value
from tests.staff import SHEET_URL, fill_sheet, make_staff, sheet_form_data, two_provinces, value_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client, django_user_model):
    world = two_provinces()
    world["value"] = make_value(
        indicator=world["par"], unit=world["own"], year=2023, value="80", source=world["source"], status="draft"
    )
    world["editor"] = make_staff(django_user_model, "editor", "province-editor", world["own"])
    world["national"] = make_staff(django_user_model, "national", "national-admin")
    client.cookies["django_language"] = "en"
    return world


def _lock(client, world) -> YearLock:
    client.force_login(world["national"])
    response = client.post(reverse("admin:indicators_yearlock_add"), {"group": IndicatorGroup.PAR, "year": 2023})
    assert response.status_code == 302
    return YearLock.objects.get()


def test_a_national_administrator_locks_and_unlocks_and_both_are_logged(client, world):
    lock = _lock(client, world)
    assert lock.locked_by == world["national"]
    client.post(reverse("admin:indicators_yearlock_delete", args=[lock.pk]), {"post": "yes"})
    assert not YearLock.objects.exists()
    log = YearLock.history.order_by("history_date").values_list("history_type", "history_user", "history_change_reason")
    assert list(log) == [("+", world["national"].pk, "lock"), ("-", world["national"].pk, "unlock")]


def test_an_editor_cannot_lock(client, world):
    client.force_login(world["editor"])
    response = client.post(reverse("admin:indicators_yearlock_add"), {"group": IndicatorGroup.PAR, "year": 2023})
    assert response.status_code == 403
    assert not YearLock.objects.exists()


def test_the_form_refuses_changing_or_deleting_a_locked_value(client, world):
    _lock(client, world)
    value = world["value"]
    client.force_login(world["editor"])
    change = reverse("admin:indicators_value_change", args=[value.pk])
    post = value_post(world["par"], world["own"], world["source"], value="81", version=value.version)
    assert client.post(change, post).status_code == 403
    assert client.post(reverse("admin:indicators_value_delete", args=[value.pk]), {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:indicators_value_add"),
        value_post(world["par"], world["own_district"], world["source"], value="5"),
    )
    assert "is locked" in response.content.decode()
    assert Value.objects.get().value == 80 and Value.objects.count() == 1


def test_the_year_sheet_refuses_a_locked_row(client, world):
    _lock(client, world)
    client.force_login(world["editor"])
    data, rows = sheet_form_data(client.get(SHEET_URL, {"unit": world["own"].pk, "year": 2023}), "en")
    fill_sheet(data, rows, "par_index", value="81")
    response = client.post(f"{SHEET_URL}?unit={world['own'].pk}&year=2023", data)
    assert response.status_code == 200 and "is locked" in response.content.decode()
    assert Value.objects.get().value == 80


def test_the_import_refuses_a_file_with_a_locked_row_naming_it(client, world):
    _lock(client, world)
    client.force_login(world["editor"])
    upload = SimpleUploadedFile(
        "v.csv", b"unit_code,unit,year,indicator,value\n01,H\xc3\xa0 N\xe1\xbb\x99i,2023,par_index,81\n"
    )
    response = client.post(
        reverse("admin:indicators_importbatch_upload"), {"file": upload, "source": world["source"].pk}
    )
    confirmed = client.post(response["Location"])
    errors = [(e.line, e.column, e.message) for e in confirmed.context["report"].errors]
    assert errors == [
        (2, "year", "PAR Index 2023 is locked: its values cannot be changed until a national administrator unlocks it.")
    ]
    assert "is locked" in confirmed.content.decode()
    assert not ImportBatch.objects.exists() and Value.objects.get().value == 80


def test_after_unlocking_the_value_can_be_changed_again(client, world):
    lock = _lock(client, world)
    client.post(reverse("admin:indicators_yearlock_delete", args=[lock.pk]), {"post": "yes"})
    value = world["value"]
    client.force_login(world["editor"])
    post = value_post(world["par"], world["own"], world["source"], value="81", version=value.version)
    assert client.post(reverse("admin:indicators_value_change", args=[value.pk]), post).status_code == 302
    assert Value.objects.get().value == 81
