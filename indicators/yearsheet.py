"""The year sheet: every indicator of one unit for one year, read and saved together.

Reform staff fill in a province's (or district's, or commune's) figures for a year on one page.
``yearsheet_rows`` pulls what the page shows; ``yearsheet_save`` writes the validated rows all
together or not at all.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from indicators.models import Indicator, Qualifier, Source, Value
from indicators.services import CHANNEL_YEAR_SHEET, ValueInput, values_delete, values_write
from provinces.models import AdministrativeUnit

CHANNEL = CHANNEL_YEAR_SHEET


@dataclass(frozen=True)
class SheetRow:
    """One line of the sheet: an indicator that applies to the unit, and its stored value if any."""

    indicator: Indicator
    existing: Value | None


@dataclass(frozen=True)
class SheetEntry:
    """What the user asked for on one line, after validation."""

    row: SheetRow
    delete: bool = False
    value: Decimal | None = None
    rank: int | None = None
    rank_basis: str = ""
    qualifier: str = Qualifier.EXACT
    source: Source | None = None
    note: str = ""
    version: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.value is None and self.rank is None


def yearsheet_rows(*, unit: AdministrativeUnit, year: int) -> list[SheetRow]:
    """Return one row per indicator applicable to the unit's level, grouped by indicator group.

    Groups come in the order of their first indicator's display order (headline indices
    first), and indicators in display order within a group. Two queries whatever the size.
    """
    indicators = [i for i in Indicator.objects.order_by("display_order", "code") if i.applies_to(unit.level)]
    group_rank: dict[str, int] = {}
    for position, indicator in enumerate(indicators):
        group_rank.setdefault(indicator.group, position)
    indicators.sort(key=lambda i: group_rank[i.group])  # stable: display order kept inside a group
    existing: dict[int, Value] = {}
    # A pending correction of a published figure is what the sheet edits, so it wins over the published row.
    for value in Value.objects.filter(unit=unit, year=year).select_related("source").order_by("correction_of"):
        if value.correction_of_id is not None or value.indicator_id not in existing:
            existing[value.indicator_id] = value
    return [SheetRow(indicator=i, existing=existing.get(i.pk)) for i in indicators]


def rows_by_group(rows: list[SheetRow]) -> list[tuple[str, list[int]]]:
    """Return (group label, row positions) pairs in sheet order."""
    return [
        (group_rows[0][1].indicator.get_group_display(), [pos for pos, _row in group_rows])
        for group_rows in (list(g) for _key, g in groupby(enumerate(rows), key=lambda pr: pr[1].indicator.group))
    ]


def _differs(value: Value, entry: SheetEntry) -> bool:
    return (
        value.value != entry.value
        or value.rank != entry.rank
        or value.rank_basis != entry.rank_basis
        or value.qualifier != entry.qualifier
        or value.source_id != (entry.source.pk if entry.source else None)
        or value.note != entry.note
    )


def yearsheet_save(
    *, unit: AdministrativeUnit, year: int, entries: list[SheetEntry], user: AbstractBaseUser
) -> Counter:
    """Create, update or delete the values of validated sheet lines, all of them or none.

    Empty lines without a stored value are skipped; a stored value is deleted only when its
    line asks for it. A hand edit detaches the value from the import batch that wrote it; a
    published value's edit becomes its pending correction. The write services check scope, locks,
    data rules and each stored value's version (the one the sheet showed; required): a refusal
    raises WriteRefused (StaleValue for a value changed meanwhile) and nothing is written.
    Return the count of lines by outcome: created, updated, deleted, unchanged, skipped.
    """
    counts: Counter = Counter()
    rows: list[ValueInput] = []
    deletes: list[Value] = []
    versions: dict[int, int | None] = {}
    for entry in entries:
        existing = entry.row.existing
        if entry.delete and existing is not None:
            deletes.append(existing)
            versions[existing.pk] = entry.version
            counts["deleted"] += 1
        elif entry.is_empty:
            # Never a silent delete: the form refuses a cleared stored value without the delete box.
            counts["skipped"] += 1
        elif existing is None or _differs(existing, entry):
            rows.append(
                ValueInput(
                    indicator=entry.row.indicator,
                    unit=unit,
                    year=year,
                    expected_version=entry.version if existing is not None else None,
                    row=entry.row.indicator.code,
                    **_entry_fields(entry),
                )
            )
            counts["created" if existing is None else "updated"] += 1
        else:
            counts["unchanged"] += 1
    with transaction.atomic():
        if deletes:
            values_delete(values=deletes, user=user, channel=CHANNEL, expected_versions=versions)
        values_write(rows=rows, user=user, channel=CHANNEL)
    return counts


def _entry_fields(entry: SheetEntry) -> dict[str, object]:
    return {
        "value": entry.value,
        "rank": entry.rank,
        "rank_basis": entry.rank_basis,
        "qualifier": entry.qualifier,
        "source": entry.source,
        "note": entry.note,
    }
