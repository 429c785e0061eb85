"""The one gate: ``restrict(user, action)`` for reads, and write services that check everything themselves.

Each write service is called directly (no form, no admin) with an out-of-scope user, a locked year
and a stale (or missing) version: each is refused and writes nothing.
"""

from decimal import Decimal

import pytest

from indicators.models import ImportBatch, IndicatorGroup, Value, ValueStatus, YearLock
from indicators.services import (
    StaleValue,
    ValueInput,
    WriteRefused,
    value_restore,
    value_return,
    value_save,
    values_approve,
    values_delete,
    values_submit,
    values_write,
)
from indicators.yearsheet import SheetEntry, yearsheet_rows, yearsheet_save
from provinces.models import AdministrativeUnit
from tests.factories import make_value
from tests.staff import make_staff, two_provinces

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


@pytest.fixture
def world(django_user_model):
    world = two_provinces()
    world["editor"] = make_staff(django_user_model, "editor", "province-editor", world["own"])
    world["approver"] = make_staff(django_user_model, "approver", "province-approver", world["own"])
    world["viewer"] = make_staff(django_user_model, "viewer", "viewer")
    world["national"] = make_staff(django_user_model, "national", "national-admin")
    world["mine"] = make_value(indicator=world["par"], unit=world["own_district"], source=world["source"],
                               status=ValueStatus.DRAFT)  # fmt: skip
    world["theirs"] = make_value(indicator=world["par"], unit=world["other_district"], source=world["source"],
                                 status=ValueStatus.DRAFT, value="13.5791")  # fmt: skip
    return world


def _row(world, unit_key: str = "own", **fields: object) -> ValueInput:
    return ValueInput(indicator=world["par"], unit=world[unit_key], source=world["source"],
                      **{"value": Decimal("70"), "year": 2023, **fields})  # fmt: skip


# -- restrict ------------------------------------------------------------------------------------
def test_restrict_gives_each_role_the_values_its_permission_and_province_allow(world):
    mine, theirs = world["mine"], world["theirs"]

    assert set(Value.objects.restrict(world["editor"], "view")) == {mine}
    assert set(Value.objects.restrict(world["editor"], "change")) == {mine}
    assert set(Value.objects.restrict(world["editor"], "approve")) == set()
    assert set(Value.objects.restrict(world["approver"], "approve")) == {mine}
    assert set(Value.objects.restrict(world["approver"], "change")) == set()
    assert set(Value.objects.restrict(world["viewer"], "view")) == {mine, theirs}
    assert set(Value.objects.restrict(world["viewer"], "change")) == set()
    assert set(Value.objects.restrict(world["national"], "delete")) == {mine, theirs}
    assert set(Value.objects.restrict(None, "change")) == {mine, theirs}  # the system's own loaders


def test_restrict_narrows_history_records_and_units_the_same_way(world):
    histories = Value.history.restrict(world["editor"], "view")
    assert {h.id for h in histories} == {world["mine"].pk}
    units = AdministrativeUnit.objects.restrict(world["editor"], "view")
    assert set(units) == {world["own"], world["own_district"]}


def test_an_inactive_user_or_one_without_a_province_gets_nothing(world, django_user_model):
    lost = make_staff(django_user_model, "lost", "province-editor", None)
    world["editor"].is_active = False
    assert not Value.objects.restrict(world["editor"], "view").exists()
    assert not Value.objects.restrict(lost, "view").exists()


def test_import_batches_of_another_province_are_not_visible_to_its_editors(world):
    other_batch = ImportBatch.objects.create(file_name="da-nang.csv", file_format="csv", created_by=world["national"])
    Value.objects.filter(pk=world["theirs"].pk).update(import_batch=other_batch)
    own_batch = ImportBatch.objects.create(file_name="ha-noi.csv", file_format="csv", created_by=world["national"])
    Value.objects.filter(pk=world["mine"].pk).update(import_batch=own_batch)
    own_upload = ImportBatch.objects.create(file_name="mine.csv", file_format="csv", created_by=world["editor"])

    assert set(ImportBatch.objects.restrict(world["editor"], "view")) == {own_batch, own_upload}
    assert set(ImportBatch.objects.restrict(world["viewer"], "view")) == {other_batch, own_batch, own_upload}


# -- values_write --------------------------------------------------------------------------------
def test_values_write_creates_drafts_recording_user_and_channel(world):
    written = values_write(rows=[_row(world)], user=world["editor"], channel="api")

    value = Value.objects.get(pk=written[0].pk)
    assert (value.value, value.status, value.created_by) == (Decimal("70"), ValueStatus.DRAFT, world["editor"])
    record = value.history.get()
    assert (record.history_user, record.history_change_reason) == (world["editor"], "api")


def test_values_write_stores_every_field_and_its_history_as_given(world):
    """New rows and their history rows hold exactly what was written (on PostgreSQL they go in by COPY)."""
    note = "tab\there, a line\nbreak, a backslash \\N and \\t, quotes \"' and ; , — “đủ”"
    written = values_write(
        rows=[_row(world, value=Decimal("70.1235"), rank=3, rank_basis="stated", qualifier=">", note=note)],
        user=world["editor"],
        channel="import: tab\tname.csv",
    )

    value = Value.objects.get(pk=written[0].pk)
    assert (value.value, value.rank, value.rank_basis, value.qualifier, value.note) == (
        Decimal("70.1235"), 3, "stated", ">", note
    )  # fmt: skip
    assert (value.version, value.created_by, value.updated_by, value.source) == (
        1, world["editor"], world["editor"], world["source"]
    )  # fmt: skip
    assert value.created_at is not None and value.updated_at is not None
    record = value.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+", world["editor"], "import: tab\tname.csv"
    )  # fmt: skip
    assert (record.value, record.note, record.version, record.status) == (value.value, note, 1, ValueStatus.DRAFT)
    assert written[0].pk == value.pk and written[0].note == note


def test_values_write_updates_every_field_and_records_its_history_as_given(world):
    """A changed stored row and its "~" history hold exactly what was written (on PostgreSQL by COPY + UPDATE)."""
    first = values_write(rows=[_row(world)], user=world["editor"], channel="api")[0]
    note = "tab\there, a line\nbreak, a backslash \\N, “đủ”"
    written = values_write(
        rows=[_row(world, value=Decimal("71.5"), rank=2, rank_basis="stated", qualifier="<", note=note,
                   expected_version=first.version)],
        user=world["editor"],
        channel="import: again.csv",
    )  # fmt: skip

    value = Value.objects.get(pk=first.pk)
    assert written[0].pk == value.pk
    assert (value.value, value.rank, value.rank_basis, value.qualifier, value.note, value.version) == (
        Decimal("71.5"), 2, "stated", "<", note, first.version + 1
    )  # fmt: skip
    assert value.updated_by == world["editor"] and value.updated_at >= first.updated_at
    record = value.history.order_by("-history_id").first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~", world["editor"], "import: again.csv"
    )  # fmt: skip
    assert (record.value, record.note, record.version, record.rank) == (Decimal("71.5"), note, value.version, 2)
    assert value.history.count() == 2


@pytest.mark.parametrize("returning", [True, False])
def test_values_write_refuses_the_whole_batch_naming_every_bad_row(world, returning):
    YearLock.objects.create(group=IndicatorGroup.PAR, year=2022)
    rows = [
        _row(world, row=1),
        _row(world, "other", row=2),
        _row(world, year=2022, row=3),
        _row(world, "own_district", row=4),  # stored: no version given
        _row(world, "own_district", year=2024, value=Decimal("170"), row=5),  # above the indicator's maximum
    ]

    with pytest.raises(WriteRefused) as refused:
        values_write(rows=rows, user=world["editor"], channel="api", returning=returning)

    by_row = {e.row: e for e in refused.value.errors}
    assert set(by_row) == {2, 3, 4, 5}
    assert "outside your province" in by_row[2].message
    assert "13.5791" not in str(refused.value)  # nothing stored about another province is told
    assert (by_row[3].field, by_row[4].field, by_row[5].field) == ("year", "version", "value")
    assert Value.objects.count() == 2  # nothing written, not even row 1


@pytest.mark.parametrize("returning", [True, False])
def test_values_write_refuses_a_stale_version_naming_what_changed(world, returning):
    mine = world["mine"]
    values_write(rows=[_row(world, "own_district", value=Decimal("81"), expected_version=1)],
                 user=world["editor"], channel="api", returning=returning)  # fmt: skip

    with pytest.raises(WriteRefused) as refused:
        values_write(rows=[_row(world, "own_district", value=Decimal("82"), expected_version=1, row="0")],
                     user=world["editor"], channel="api", returning=returning)  # fmt: skip

    assert refused.value.errors[0].field == "version"
    assert "80 → 81" in refused.value.errors[0].message
    mine.refresh_from_db()
    assert (mine.value, mine.version) == (Decimal("81"), 2)


def test_values_write_changes_a_published_value_through_its_correction(world):
    published = make_value(indicator=world["par"], unit=world["own"], source=world["source"], value="60")

    written = values_write(rows=[_row(world, value=Decimal("61"), expected_version=1)], user=world["editor"],
                           channel="api")  # fmt: skip

    published.refresh_from_db()
    assert (published.value, published.status, published.version) == (Decimal("60"), ValueStatus.APPROVED, 2)
    assert written[0].correction_of == published and written[0].value == Decimal("61")


@pytest.mark.parametrize("returning", [True, False])
def test_values_write_stores_corrections_changes_and_new_rows_with_their_history_either_way(world, returning):
    """An import's write (``returning=False``: on PostgreSQL from tuples, no model instances) stores the same rows.

    Each row's latest history record holds exactly the stored row, field by field.
    """
    published = make_value(indicator=world["par"], unit=world["own"], source=world["source"], value="60")
    batch = ImportBatch.objects.create(file_name="f.csv", file_format="csv", created_by=world["editor"])
    note = "tab\there, a line\nbreak, a backslash \\N, “đủ”"
    rows = [
        _row(world, value=Decimal("61.25"), rank=4, rank_basis="stated", note=note, expected_version=1, row=0),
        _row(world, "own_district", value=Decimal("81"), qualifier=">", expected_version=1, row=1),  # a draft
        _row(world, year=2022, value=Decimal("59"), row=2),
    ]

    written = values_write(rows=rows, user=world["editor"], channel="import: f.csv", import_batch=batch,
                           returning=returning)  # fmt: skip

    published.refresh_from_db()
    assert (published.value, published.status, published.version) == (Decimal("60"), ValueStatus.APPROVED, 2)
    correction = Value.objects.get(correction_of=published)
    changed = Value.objects.get(pk=world["mine"].pk)
    created = Value.objects.get(unit=world["own"], year=2022)
    assert [v.pk for v in written] == ([correction.pk, changed.pk, created.pk] if returning else [])
    draft = ValueStatus.DRAFT
    expected = {
        correction.pk: (Decimal("61.25"), 4, "stated", "eq", note, draft, 1, published.pk, "+"),
        changed.pk: (Decimal("81"), None, "", ">", "", draft, 2, None, "~"),
        created.pk: (Decimal("59"), None, "", "eq", "", draft, 1, None, "+"),
    }
    for value in (correction, changed, created):
        record = value.history.order_by("-history_id").first()
        assert (value.value, value.rank, value.rank_basis, value.qualifier, value.note, value.status, value.version,
                value.correction_of_id, record.history_type) == expected[value.pk]  # fmt: skip
        assert (value.source, value.updated_by, value.import_batch) == (world["source"], world["editor"], batch)
        assert (record.history_user, record.history_change_reason) == (world["editor"], "import: f.csv")
        fields = [f.attname for f in Value._meta.concrete_fields]
        assert {f: getattr(record, f) for f in fields} == {f: getattr(value, f) for f in fields}
    assert value.history.count() == 1 and changed.history.count() == 2


def test_values_write_publishes_only_for_the_system_or_an_approver(world):
    with pytest.raises(WriteRefused):
        values_write(rows=[_row(world)], user=world["editor"], channel="api", publish=True)

    [value] = values_write(rows=[_row(world)], user=None, channel="import: published.csv", publish=True)
    assert value.status == ValueStatus.APPROVED


# -- every service refuses an out-of-scope user, a locked year and a stale version -----------------
def _lock_par() -> None:
    YearLock.objects.create(group=IndicatorGroup.PAR, year=2023)


def test_value_save_refuses_out_of_scope_locked_stale_and_versionless_changes(world):
    theirs, mine = world["theirs"], world["mine"]
    theirs.value = Decimal("1")
    with pytest.raises(WriteRefused, match="outside your province"):
        value_save(value=theirs, user=world["editor"], channel="form", expected_version=1)
    mine.value = Decimal("2")
    with pytest.raises(WriteRefused, match="give the version you read"):
        value_save(value=mine, user=world["editor"], channel="form", expected_version=None)
    with pytest.raises(StaleValue):
        value_save(value=mine, user=world["editor"], channel="form", expected_version=7)
    _lock_par()
    with pytest.raises(WriteRefused, match="locked"):
        value_save(value=mine, user=world["editor"], channel="form", expected_version=1)
    assert Value.objects.get(pk=mine.pk).value == Decimal("80")
    assert Value.objects.get(pk=theirs.pk).value == Decimal("13.5791")


def test_value_restore_is_for_national_administrators_only(world):
    mine = world["mine"]
    with pytest.raises(WriteRefused):
        value_restore(value=mine, user=world["editor"], expected_version=1)
    restored = value_restore(value=mine, user=world["national"], expected_version=1)
    assert restored.history.first().history_change_reason == "restore"


def _sheet_entry(world, unit_key: str, **fields: object) -> tuple[list, SheetEntry]:
    rows = yearsheet_rows(unit=world[unit_key], year=2023)
    [row] = [r for r in rows if r.indicator == world["par"]]
    return rows, SheetEntry(row=row, value=Decimal("55"), source=world["source"], **fields)


def test_yearsheet_save_refuses_out_of_scope_locked_stale_and_versionless_rows(world):
    _rows, other = _sheet_entry(world, "other_district", version=1)
    with pytest.raises(WriteRefused, match="outside your province"):
        yearsheet_save(unit=world["other_district"], year=2023, entries=[other], user=world["editor"])
    _rows, no_version = _sheet_entry(world, "own_district", version=None)
    with pytest.raises(WriteRefused, match="give the version you read"):
        yearsheet_save(unit=world["own_district"], year=2023, entries=[no_version], user=world["editor"])
    _rows, stale = _sheet_entry(world, "own_district", version=5)
    with pytest.raises(WriteRefused, match="since you read it"):
        yearsheet_save(unit=world["own_district"], year=2023, entries=[stale], user=world["editor"])
    _lock_par()
    _rows, locked = _sheet_entry(world, "own_district", version=1)
    with pytest.raises(WriteRefused, match="locked"):
        yearsheet_save(unit=world["own_district"], year=2023, entries=[locked], user=world["editor"])
    assert Value.objects.get(pk=world["mine"].pk).value == Decimal("80")


def test_workflow_transitions_refuse_out_of_scope_and_locked_values(world):
    theirs, mine = world["theirs"], world["mine"]
    done, refused = values_submit(values=[theirs], user=world["editor"], channel="form")
    assert done == 0 and "not yours" in refused[0].reason
    Value.objects.filter(pk__in=[theirs.pk, mine.pk]).update(status=ValueStatus.SUBMITTED)
    theirs.refresh_from_db()
    done, refused = values_approve(values=[theirs], user=world["approver"], channel="form")
    assert done == 0 and "not yours" in refused[0].reason
    assert value_return(value=theirs, user=world["approver"], comment="no", channel="form")
    _lock_par()
    mine.refresh_from_db()
    done, refused = values_approve(values=[mine], user=world["approver"], channel="form")
    assert done == 0 and "locked" in refused[0].reason
    assert Value.objects.filter(status=ValueStatus.SUBMITTED).count() == 2


def test_a_transition_acts_on_the_stored_status_not_a_stale_instance(world):
    mine = world["mine"]
    Value.objects.filter(pk=mine.pk).update(status=ValueStatus.SUBMITTED)  # the caller's instance still says draft

    done, refused = values_submit(values=[mine], user=world["editor"], channel="form")

    assert done == 0 and "submitted" in refused[0].reason


def test_every_transition_advances_the_version(world):
    mine = world["mine"]
    values_submit(values=[mine], user=world["editor"], channel="form")
    mine.refresh_from_db()
    assert mine.version == 2
    value_return(value=mine, user=world["approver"], comment="Check the source.", channel="form")
    mine.refresh_from_db()
    assert mine.version == 3


def test_values_delete_refuses_out_of_scope_locked_and_stale_deletes(world):
    theirs, mine = world["theirs"], world["mine"]
    with pytest.raises(WriteRefused, match="not yours"):
        values_delete(values=[theirs], user=world["editor"], channel="admin delete")
    with pytest.raises(WriteRefused, match="since you read it"):
        values_delete(values=[mine], user=world["editor"], channel="year sheet", expected_versions={mine.pk: 4})
    _lock_par()
    with pytest.raises(WriteRefused, match="locked"):
        values_delete(values=[mine], user=world["editor"], channel="admin delete")
    assert Value.objects.count() == 2


def test_values_delete_records_user_and_channel(world):
    mine = world["mine"]
    values_delete(values=[mine], user=world["editor"], channel="admin delete")
    record = Value.history.filter(id=mine.pk).latest("history_date")
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        world["editor"],
        "admin delete",
    )


def test_the_import_confirm_refuses_out_of_scope_locked_and_stale_rows(world):
    from indicators.importing import values_import

    def confirm(unit, version_seen: dict | None = None):
        line = f"unit_code,unit,year,indicator,value\n{unit.code},{unit.short_name},2023,par_index,55\n"
        return values_import(content=line.encode(), file_name="f.csv", user=world["editor"], source=world["source"],
                             seen_versions=version_seen)  # fmt: skip

    outside = confirm(world["other_district"])
    assert [e.column for e in outside.errors] == ["unit"] and not outside.written
    key = f"{world['par'].pk}:{world['own_district'].pk}:2023"
    stale = confirm(world["own_district"], {key: 0})
    assert [e.column for e in stale.errors] == ["version"] and not stale.written
    _lock_par()
    locked = confirm(world["own_district"])
    assert [e.column for e in locked.errors] == ["year"] and not locked.written
    assert Value.objects.get(pk=world["mine"].pk).value == Decimal("80")
    assert not ImportBatch.objects.exists()


def test_restore_refuses_a_locked_year_and_a_stale_version(world):
    mine = world["mine"]
    with pytest.raises(StaleValue):
        value_restore(value=mine, user=world["national"], expected_version=3)
    _lock_par()
    with pytest.raises(WriteRefused, match="locked"):
        value_restore(value=mine, user=world["national"], expected_version=1)
