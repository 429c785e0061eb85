"""Load the administrative units shipped in provinces/data into the database (``loadunits``).

The files (see provinces/data/SOURCES.md) are read and checked completely before anything is
written; then one transaction creates the missing units, updates the changed ones and leaves the
rest, level by level so that parents exist before their children, and links each old province
to its successor. A unit is identified by (level, code, valid_from): a GSO code alone is reused
across the 1 July 2025 reorganisation. Units that are not in the files (made by hand or by tests)
are left alone.
"""

import csv
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from provinces.models import (
    REGION_BY_OFFICIAL_NAME,
    REORGANISATION_DATE,
    TERRITORIAL_LEVELS,
    AdministrativeUnit,
    Level,
    UnitType,
)
from provinces.signals import units_loaded

DATA_DIR = Path(__file__).resolve().parent / "data"
OLD_STRUCTURE_END = REORGANISATION_DATE - datetime.timedelta(days=1)
BATCH_SIZE = 1000

Key = tuple[str, str, datetime.date | None]

#: GSO unit kinds as written in the files.
UNIT_TYPES = {
    "tỉnh": UnitType.PROVINCE,
    "thành phố trực thuộc trung ương": UnitType.CENTRAL_CITY,
    "quận": UnitType.URBAN_DISTRICT,
    "huyện": UnitType.RURAL_DISTRICT,
    "thị xã": UnitType.TOWN,
    "thành phố": UnitType.CITY,
    "phường": UnitType.WARD,
    "xã": UnitType.COMMUNE,
    "thị trấn": UnitType.TOWNSHIP,
    "đặc khu": UnitType.SPECIAL_ZONE,
}


# Fields a reload may change; compared before and after applying a row to tell updated from unchanged.
_UPDATE_FIELDS = (
    "name",
    "short_name",
    "unit_type",
    "region",
    "aliases",
    "valid_to",
    "parent",
    "search_text",
    "sort_key",
)
_COMPARED = tuple("parent_id" if f == "parent" else f for f in _UPDATE_FIELDS)


class UnitDataError(ValueError):
    """A data file is missing, malformed or inconsistent; nothing was written."""


@dataclass(frozen=True)
class UnitFile:
    """One data file: its level, the validity of its units (unless a column gives it) and its parent column."""

    name: str
    level: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent_column: str = ""
    parent_level: str = ""
    parent_valid_from: datetime.date | None = None


UNIT_FILES = (
    UnitFile("provinces_63.csv", Level.PROVINCE, None, OLD_STRUCTURE_END),
    UnitFile("provinces_34.csv", Level.PROVINCE, REORGANISATION_DATE, None),
    UnitFile("districts_2025-01.csv", Level.DISTRICT, None, OLD_STRUCTURE_END, "province_code", Level.PROVINCE),
    UnitFile("communes_2025-01.csv", Level.COMMUNE, None, OLD_STRUCTURE_END, "district_code", Level.DISTRICT),
    UnitFile(
        "communes_2025-07.csv",
        Level.COMMUNE,
        REORGANISATION_DATE,
        None,
        "province_code",
        Level.PROVINCE,
        REORGANISATION_DATE,
    ),
)


@dataclass(frozen=True)
class UnitRow:
    """One unit as the files describe it."""

    key: Key
    name: str
    short_name: str
    unit_type: str
    region: str
    aliases: str
    valid_to: datetime.date | None
    parent_key: Key | None
    successor_key: Key | None
    predecessor_keys: tuple[Key, ...]
    where: str


@dataclass
class LoadResult:
    """What a load did, for the command's summary and for tests."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.links_added or self.links_removed)

    def summary(self) -> str:
        """Return the counts as one translated sentence."""
        text = _(
            "Units: %(created)d created, %(updated)d updated, %(unchanged)d unchanged; "
            "successor links: %(added)d added, %(removed)d removed."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "added": self.links_added,
            "removed": self.links_removed,
        }
        if not self.changed:
            text += " " + _("Nothing changed.")
        return text


def _date(text: str, where: str) -> datetime.date | None:
    if not text.strip():
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        message = _("%(where)s: %(text)r is not a date (YYYY-MM-DD).") % {"where": where, "text": text}
        raise UnitDataError(message) from None


def _file_rows(spec: UnitFile, data_dir: Path) -> Iterable[UnitRow]:
    """Yield the rows of one data file, checking types, regions and dates."""
    path = data_dir / spec.name
    if not path.exists():
        raise UnitDataError(_("Data file %(path)s is missing.") % {"path": path})
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            where = f"{spec.name}:{line}"
            try:
                yield _row_parse(spec, record, where)
            except KeyError as error:
                message = _("%(where)s: column %(column)s is missing.") % {"where": where, "column": error}
                raise UnitDataError(message) from None


def _row_parse(spec: UnitFile, record: dict[str, str], where: str) -> UnitRow:
    kind = record["type"].strip()
    if kind not in UNIT_TYPES:
        raise UnitDataError(_("%(where)s: unknown unit type %(type)r.") % {"where": where, "type": kind})
    region_name = record.get("region", "").strip()
    if region_name and region_name not in REGION_BY_OFFICIAL_NAME:
        raise UnitDataError(_("%(where)s: unknown region %(region)r.") % {"where": where, "region": region_name})
    valid_from = _date(record["valid_from"], where) if "valid_from" in record else spec.valid_from
    valid_to = _date(record["valid_to"], where) if "valid_to" in record else spec.valid_to
    parent_key = None
    if spec.parent_column:
        parent_key = (spec.parent_level, record[spec.parent_column].strip(), spec.parent_valid_from)
    successor = record.get("successor_code", "").strip()
    predecessors = [c.strip() for c in record.get("predecessor_codes", "").split(";") if c.strip()]
    return UnitRow(
        key=(spec.level, record["code"].strip(), valid_from),
        name=record["name"],
        short_name=record["short_name"],
        unit_type=UNIT_TYPES[kind],
        region=REGION_BY_OFFICIAL_NAME.get(region_name, ""),
        aliases=record.get("aliases", ""),
        valid_to=valid_to,
        parent_key=parent_key,
        # Successors start the day after their predecessor ends.
        successor_key=(spec.level, successor, REORGANISATION_DATE) if successor else None,
        predecessor_keys=tuple((spec.level, code, None) for code in predecessors),
        where=where,
    )


def unit_rows_read(*, data_dir: Path = DATA_DIR) -> list[UnitRow]:
    """Return every unit row of the data files, parents before children; raise UnitDataError if inconsistent."""
    rows: dict[Key, UnitRow] = {}
    for spec in UNIT_FILES:
        for row in _file_rows(spec, data_dir):
            if row.key in rows:
                raise UnitDataError(
                    _("%(where)s: unit %(code)s is already given at %(first)s.")
                    % {"where": row.where, "code": row.key[1], "first": rows[row.key].where}
                )
            rows[row.key] = row
    for row in rows.values():
        for label, key in ((_("parent"), row.parent_key), (_("successor"), row.successor_key)):
            if key is not None and key not in rows:
                raise UnitDataError(
                    _("%(where)s: the %(what)s %(level)s %(code)s is not in the data files.")
                    % {"where": row.where, "what": label, "level": key[0], "code": key[1]}
                )
        for key in row.predecessor_keys:
            if key not in rows or rows[key].successor_key != row.key:
                raise UnitDataError(
                    _("%(where)s: predecessor %(code)s does not name this unit as its successor.")
                    % {"where": row.where, "code": key[1]}
                )
    return list(rows.values())


def _row_apply(unit: AdministrativeUnit, row: UnitRow, parent: AdministrativeUnit | None) -> None:
    unit.name = row.name
    unit.short_name = row.short_name
    unit.unit_type = row.unit_type
    unit.region = row.region
    unit.aliases = row.aliases
    unit.valid_to = row.valid_to
    unit.parent = parent
    unit.derive_fields()


def _level_write(rows: list[UnitRow], existing: dict[Key, AdministrativeUnit], result: LoadResult) -> None:
    """Create and update the units of one level; its parents are already in ``existing``."""
    to_create, to_update = [], []
    for row in rows:
        parent = existing[row.parent_key] if row.parent_key else None
        unit = existing.get(row.key)
        if unit is None:
            level, code, valid_from = row.key
            unit = AdministrativeUnit(level=level, code=code, valid_from=valid_from)
            _row_apply(unit, row, parent)
            to_create.append(unit)
            continue
        before = tuple(getattr(unit, name) for name in _COMPARED)
        _row_apply(unit, row, parent)
        if tuple(getattr(unit, name) for name in _COMPARED) == before:
            result.unchanged += 1
        else:
            to_update.append(unit)
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    for unit in to_create:
        existing[(unit.level, unit.code, unit.valid_from)] = unit
    AdministrativeUnit.objects.bulk_update(to_update, _UPDATE_FIELDS, batch_size=BATCH_SIZE)
    result.created += len(to_create)
    result.updated += len(to_update)


def _successors_write(rows: list[UnitRow], existing: dict[Key, AdministrativeUnit], result: LoadResult) -> None:
    """Make the successor links of the old provinces exactly those of the files."""
    link = AdministrativeUnit.successors.through
    wanted = {(existing[r.key].pk, existing[r.successor_key].pk) for r in rows if r.successor_key}
    sources = {source for source, _target in wanted}
    present = set(
        link.objects.filter(from_administrativeunit_id__in=sources).values_list(
            "from_administrativeunit_id", "to_administrativeunit_id"
        )
    )
    link.objects.bulk_create(
        [link(from_administrativeunit_id=s, to_administrativeunit_id=t) for s, t in sorted(wanted - present)]
    )
    for source, target in present - wanted:
        link.objects.filter(from_administrativeunit_id=source, to_administrativeunit_id=target).delete()
    result.links_added = len(wanted - present)
    result.links_removed = len(present - wanted)


def units_load(*, data_dir: Path = DATA_DIR) -> LoadResult:
    """Load every unit of the data files in one transaction: create missing, update changed, keep the rest."""
    rows = unit_rows_read(data_dir=data_dir)
    result = LoadResult()
    with transaction.atomic():
        # Only the GSO levels: ministries and departments (agencies) are never read, changed or unlinked here.
        territorial = AdministrativeUnit.objects.filter(level__in=TERRITORIAL_LEVELS).order_by()
        existing = {(u.level, u.code, u.valid_from): u for u in territorial}
        for level in TERRITORIAL_LEVELS:
            level_rows = [row for row in rows if row.key[0] == level]
            _level_write(level_rows, existing, result)
        _successors_write(rows, existing, result)
        if result.changed:
            units_loaded.send(sender=AdministrativeUnit)
    return result
