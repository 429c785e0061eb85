"""Two staff editing the same value or year sheet: the second, stale save is refused with what
changed meanwhile, keeps what the second person typed, and writes nothing (compare-and-set)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import Value
from indicators.workflow import StaleValue, value_save, version_claim
from tests.factories import make_value
from tests.staff import SHEET_URL, fill_sheet, make_staff, sheet_form_data, two_provinces, value_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):
    world = two_provinces()
    world["value"] = make_value(
        indicator=world["par"], unit=world["own"], year=2023, value="80", source=world["source"], status="draft"
    )
    world["first"], world["second"] = Client(), Client()
    for name in ("first", "second"):
        world[name].force_login(make_staff(django_user_model, f"editor_{name}", "province-editor", world["own"]))
        world[name].cookies["django_language"] = "en"
    return world


def test_the_second_stale_form_save_is_refused_keeping_what_was_typed(world):
    value, url = world["value"], reverse("admin:indicators_value_change", args=[world["value"].pk])
    opened_at = world["second"].get(url).context["adminform"].form["expected_version"].value()
    post = value_post(world["par"], world["own"], world["source"], value="81", version=value.version)

    assert world["first"].post(url, post).status_code == 302
    response = world["second"].post(url, {**post, "value": "82.5", "expected_version": opened_at})

    assert response.status_code == 200
    page = response.content.decode()
    assert "editor_first saved this value while you were editing it" in page
    assert "value: 80 → 81" in page
    assert 'value="82.5"' in page  # the second person's typing is kept
    assert Value.objects.get().value == 81


def test_the_second_stale_year_sheet_save_is_refused_keeping_what_was_typed(world):
    query = {"unit": world["own"].pk, "year": 2023}
    first_data, rows = sheet_form_data(world["first"].get(SHEET_URL, query), "en")
    second_data, _rows = sheet_form_data(world["second"].get(SHEET_URL, query), "en")
    fill_sheet(first_data, rows, "par_index", value="81")
    fill_sheet(second_data, rows, "par_index", value="82.5")
    post_url = f"{SHEET_URL}?unit={world['own'].pk}&year=2023"

    assert world["first"].post(post_url, first_data).status_code == 302
    response = world["second"].post(post_url, second_data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "changed this value (now version 2) since you read it" in page and "80 → 81" in page
    assert 'value="82.5"' in page
    assert Value.objects.get().value == 81


def test_the_version_is_compared_in_the_update_itself(world):
    """A save that passed the form's check but lost the race is refused by the compare-and-set."""
    value = Value.objects.get()
    user = value.created_by  # not used on the refused path
    stale = value.version
    version_claim(value=Value.objects.get(), expected=stale)  # someone else's save moved the version on
    value.value = 99
    with pytest.raises(StaleValue):
        value_save(value=value, user=user, channel="form", expected_version=stale)
    assert Value.objects.get().value == 80


# serialized_rollback: the flush after a transactional test would drop the role groups of the migration.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_saves_on_postgresql_cannot_both_win(django_user_model):
    """Two transactions claim the same version at once: the second waits for the first, then loses."""
    import threading

    from django.db import connection, transaction

    from tests.conftest import is_postgres

    if not is_postgres():
        pytest.skip("needs concurrent writers: SQLite serialises whole-database writes (covered above)")
    world = two_provinces()
    value = make_value(indicator=world["par"], unit=world["own"], year=2023, value="80", source=world["source"])
    claimed, outcomes = threading.Event(), []

    def first() -> None:
        with transaction.atomic():
            version_claim(value=Value.objects.get(pk=value.pk), expected=1)
            claimed.set()
            threading.Event().wait(0.5)  # hold the row while the second writer tries
        outcomes.append("first saved")
        connection.close()

    def second() -> None:
        claimed.wait()
        try:
            with transaction.atomic():
                version_claim(value=Value.objects.get(pk=value.pk), expected=1)
            outcomes.append("second saved")
        except StaleValue:
            outcomes.append("second refused")
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["first saved", "second refused"]
    assert Value.objects.get(pk=value.pk).version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_import_confirms_on_postgresql_cannot_both_win(django_user_model):
    """Both files were previewed at version 1 and are confirmed at once: one is written, the other refused."""
    import threading

    from django.db import connection

    from indicators.importing import values_import
    from tests.conftest import is_postgres

    if not is_postgres():
        pytest.skip("needs concurrent writers: SQLite serialises whole-database writes")
    world = two_provinces()
    editor = make_staff(django_user_model, "editor", "province-editor", world["own"])
    value = make_value(indicator=world["par"], unit=world["own"], year=2023, value="80", source=world["source"],
                       status="draft")  # fmt: skip
    files = {name: f"unit,year,indicator,value\nHà Nội,2023,par_index,{number}\n".encode()
             for name, number in (("a.csv", "81"), ("b.csv", "82"))}  # fmt: skip
    seen = {}
    for name, content in files.items():
        preview = values_import(content=content, file_name=name, user=editor, source=world["source"], dry_run=True)
        assert preview.ok, preview.errors
        seen[name] = preview.versions
    start, reports = threading.Barrier(2), {}

    def confirm(name: str) -> None:
        start.wait()
        try:
            reports[name] = values_import(content=files[name], file_name=name, user=editor, source=world["source"],
                                          seen_versions=seen[name])  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(r.written for r in reports.values()) == [False, True]
    [loser] = [r for r in reports.values() if not r.written]
    assert [e.column for e in loser.errors] == ["version"]
    value.refresh_from_db()
    assert value.version == 2
    assert value.value == (Decimal("81") if reports["a.csv"].written else Decimal("82"))


# -- the version is required on every change path (issue 10, defect 7) ---------------------------------
def test_a_form_post_with_an_empty_expected_version_is_refused(world):
    value = world["value"]
    url = reverse("admin:indicators_value_change", args=[value.pk])
    post = value_post(world["par"], world["own"], world["source"], value="99", expected_version="")

    response = world["first"].post(url, post)

    assert response.status_code == 200
    assert "give the version you read" in response.content.decode()
    value.refresh_from_db()
    assert (value.value, value.version) == (80, 1)


def test_a_year_sheet_post_with_an_emptied_version_is_refused(world):
    query = {"unit": world["own"].pk, "year": 2023}
    data, rows = sheet_form_data(world["first"].get(SHEET_URL, query), "en")
    fill_sheet(data, rows, "par_index", value="99", version="")

    response = world["first"].post(f"{SHEET_URL}?unit={world['own'].pk}&year=2023", data)

    assert response.status_code == 200
    assert "give the version you read" in response.content.decode()
    assert 'value="99"' in response.content.decode()  # what was typed is kept
    world["value"].refresh_from_db()
    assert (world["value"].value, world["value"].version) == (80, 1)
