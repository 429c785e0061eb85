"""Load the indicator catalogue and its series breaks from the project's CSV files.

The catalogue is split over several files, ``indicators/data/indicators*.csv`` (the main file
and, for example, ``indicators_pci.csv`` with PCI sub-indices), all with the same columns. A
``parent`` may be defined in another file, so every file is read first and parents are set in
a second pass. Loading is idempotent: a second run reports every row as unchanged.
"""

import csv
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from config.params import digits_param
from indicators.models import Direction, Indicator, IndicatorGroup, MeasureUnit, SeriesBreak
from indicators.services import history_channel

DATA_DIR = Path(__file__).resolve().parent / "data"

INDICATOR_COLUMNS = (
    "code",
    "group",
    "parent",
    "name_vi",
    "name_en",
    "short_name",
    "description_vi",
    "description_en",
    "measure_unit",
    "min",
    "max",
    "decimals",
    "direction",
    "levels",
    "methodology",
    "display_order",
)
BREAK_COLUMNS = ("indicator", "year", "note_vi", "note_en")


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded; the message names the file, line and column."""


@dataclass
class LoadReport:
    """What a load did, by kind of object: created, updated and unchanged counts."""

    indicators: Counter = field(default_factory=Counter)
    series_breaks: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) pairs of a UTF-8 CSV file, refusing missing columns."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError(f"{path.name}: missing column(s) {', '.join(missing)}.")
        return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


def _decimal(text: str, *, where: str) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise CatalogueError(f"{where}: “{text}” is not a number (use a decimal point).") from exc


def _integer(text: str, *, where: str) -> int:
    if digits_param(text, max_length=9) is None:  # isdigit() would let "²" through to int()
        raise CatalogueError(f"{where}: “{text}” is not a whole number.")
    return int(text)


def _choice(text: str, choices: type, *, where: str) -> str:
    if text not in choices.values:
        raise CatalogueError(f"{where}: “{text}” is not one of {', '.join(choices.values)}.")
    return text


def _indicator_fields(row: dict[str, str], *, where: str) -> dict[str, object]:
    """Return the model fields (except parent) of one catalogue row, validated."""
    fields = {
        "group": _choice(row["group"], IndicatorGroup, where=f"{where}, group"),
        "name_vi": row["name_vi"],
        "name_en": row["name_en"],
        "short_name": row["short_name"],
        "description_vi": row["description_vi"],
        "description_en": row["description_en"],
        "measure_unit": _choice(row["measure_unit"], MeasureUnit, where=f"{where}, measure_unit"),
        "min_value": _decimal(row["min"], where=f"{where}, min"),
        "max_value": _decimal(row["max"], where=f"{where}, max"),
        "decimals": _integer(row["decimals"], where=f"{where}, decimals"),
        "direction": _choice(row["direction"], Direction, where=f"{where}, direction"),
        # Same normalisation as Indicator.clean, so that a rerun compares equal.
        "levels": ",".join(lv.strip() for lv in row["levels"].replace(";", ",").split(",") if lv.strip()),
        "methodology": row["methodology"],
        "display_order": _integer(row["display_order"], where=f"{where}, display_order"),
    }
    if not fields["name_vi"] or not fields["name_en"]:
        raise CatalogueError(f"{where}: name_vi and name_en are required.")
    return fields


def _read_catalogue(data_dir: Path) -> dict[str, tuple[str, dict[str, object], str]]:
    """Return {code: (where, fields, parent code)} from every indicators*.csv file."""
    paths = sorted(data_dir.glob("indicators*.csv"))
    if not paths:
        raise CatalogueError(f"No indicators*.csv file in {data_dir}.")
    rows: dict[str, tuple[str, dict[str, object], str]] = {}
    for path in paths:
        for line, row in _read_rows(path, INDICATOR_COLUMNS):
            where = f"{path.name} line {line}"
            code = row["code"]
            if not code:
                raise CatalogueError(f"{where}: code is empty.")
            if code in rows:
                raise CatalogueError(f"{where}: code {code} is already defined in {rows[code][0]}.")
            rows[code] = (where, _indicator_fields(row, where=where), row["parent"])
    return rows


def _save_indicator(code: str, fields: dict[str, object], *, where: str) -> str:
    """Create or update one indicator (parent excluded); return 'created', 'updated' or 'unchanged'."""
    indicator = Indicator.objects.filter(code=code).first()
    status = "created" if indicator is None else "unchanged"
    indicator = indicator or Indicator(code=code)
    for name, new in fields.items():
        if getattr(indicator, name) != new:
            setattr(indicator, name, new)
            status = "updated" if status == "unchanged" else status
    if status != "unchanged":
        try:
            indicator.full_clean(exclude=["parent"])
        except ValidationError as exc:
            raise CatalogueError(f"{where}: {'; '.join(exc.messages)}") from exc
        indicator.save()
    return status


@transaction.atomic
def catalogue_load(*, data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update the indicators and series breaks described by the files in data_dir.

    Raise CatalogueError (and change nothing) when a file is malformed or a parent is unknown.
    """
    with history_channel("loadcatalogue"):
        return _catalogue_load(data_dir)


def _catalogue_load(data_dir: Path) -> LoadReport:
    report = LoadReport(files=[p.name for p in sorted(data_dir.glob("indicators*.csv"))])
    rows = _read_catalogue(data_dir)
    status = {code: _save_indicator(code, fields, where=where) for code, (where, fields, _parent) in rows.items()}
    # Second pass: a parent may come from another file, so it exists only now.
    by_code = Indicator.objects.in_bulk(list(rows), field_name="code")
    for code, (where, _fields, parent_code) in rows.items():
        if parent_code and parent_code not in by_code:
            raise CatalogueError(f"{where}: parent {parent_code} is not defined in any indicators*.csv file.")
        if parent_code == code:
            raise CatalogueError(f"{where}: {code} cannot be its own parent.")
        parent_id = by_code[parent_code].pk if parent_code else None
        indicator = by_code[code]
        if indicator.parent_id != parent_id:
            indicator.parent_id = parent_id
            indicator.save(update_fields=["parent"])
            status[code] = "updated" if status[code] == "unchanged" else status[code]
    report.indicators.update(status.values())
    breaks_path = data_dir / "series_breaks.csv"
    if breaks_path.exists():
        report.series_breaks.update(_load_series_breaks(breaks_path))
    return report


def _load_series_breaks(path: Path) -> list[str]:
    """Create or update the series breaks of one file; return the status of each row."""
    statuses = []
    indicators = Indicator.objects.in_bulk(field_name="code")
    for line, row in _read_rows(path, BREAK_COLUMNS):
        where = f"{path.name} line {line}"
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            raise CatalogueError(f"{where}: unknown indicator {row['indicator']}.")
        if not row["note_vi"] or not row["note_en"]:
            raise CatalogueError(f"{where}: note_vi and note_en are required.")
        year = _integer(row["year"], where=f"{where}, year")
        notes = {"note_vi": row["note_vi"], "note_en": row["note_en"]}
        existing = SeriesBreak.objects.filter(indicator=indicator, year=year).first()
        if existing is None:
            SeriesBreak.objects.create(indicator=indicator, year=year, **notes)
            statuses.append("created")
        elif any(getattr(existing, k) != v for k, v in notes.items()):
            SeriesBreak.objects.filter(pk=existing.pk).update(**notes)
            statuses.append("updated")
        else:
            statuses.append("unchanged")
    return statuses
