"""Recognise the header of an import file: which column is which, and whether the layout is long or wide.

Header names are matched folded (no diacritics, any case, any punctuation), so "Tỉnh/Thành phố",
"tinh thanh pho" and "TINH_THANH_PHO" are one name. Long layout: one row per unit, year and
indicator (an ``indicator`` column). Wide layout: one row per unit and year, one column per
indicator code (and optionally ``<code>_rank`` for its published rank).
"""

import difflib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from provinces.text import fold

LONG, WIDE = "long", "wide"

#: Folded header names accepted for each field; the first is the documented English name.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "unit": (
        "unit",
        "unit name",
        "name",
        "province",
        "district",
        "commune",
        "tinh",
        "tinh thanh",
        "tinh thanh pho",
        "tinh tp",
        "ten tinh",
        "don vi",
        "ten don vi",
        "dia phuong",
        "huyen",
        "quan huyen",
        "xa",
        "phuong xa",
        "ten",
    ),
    "unit_code": ("unit code", "code", "gso code", "ma", "ma don vi", "ma tinh", "ma dvhc", "ma so"),
    "level": ("level", "cap", "cap hanh chinh"),
    "parent": ("parent", "parent unit", "thuoc", "thuoc tinh", "don vi cap tren"),
    "year": ("year", "nam"),
    "indicator": ("indicator", "indicator code", "chi so", "chi tieu", "ma chi so", "ma chi tieu"),
    "value": ("value", "score", "gia tri", "diem", "diem so", "ket qua"),
    "rank": ("rank", "xep hang", "thu hang", "hang", "vi tri"),
    "rank_basis": ("rank basis", "co so xep hang"),
    "qualifier": ("qualifier", "tinh chat"),
    "note": ("note", "source note", "ghi chu"),
    "source_title": ("source title", "source", "nguon", "ten nguon", "nguon so lieu"),
    "source_url": ("source url", "url", "link", "duong dan", "duong dan nguon"),
    "source_publisher": ("source publisher", "publisher", "co quan cong bo"),
    "source_date": ("source date", "published on", "ngay cong bo"),
    "source_details": ("source details", "mo ta nguon"),
    "source_class": ("source class", "loai nguon"),
}
#: The optional text columns of a figure: how its rank was made, its qualifier and note, and its source.
FIGURE_TEXT_COLUMNS = (
    "rank_basis",
    "qualifier",
    "note",
    "source_title",
    "source_url",
    "source_publisher",
    "source_date",
    "source_details",
    "source_class",
)
_ALIAS_TO_FIELD = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}
#: Columns people keep in their sheets that carry nothing to import (row numbers, regions).
IGNORED = frozenset({"stt", "tt", "no", "so tt", "region", "vung", "khu vuc", "region 6"})
#: Unit column names that say the level of the units (a "Tỉnh" column holds provinces).
LEVEL_OF_UNIT_HEADER = {
    "province": "province", "tinh": "province", "tinh thanh": "province", "tinh thanh pho": "province",
    "tinh tp": "province", "ten tinh": "province", "ma tinh": "province",
    "district": "district", "huyen": "district", "quan huyen": "district",
    "commune": "commune", "xa": "commune", "phuong xa": "commune",
}  # fmt: skip


@dataclass
class Layout:
    """Where each field is (column index), and for wide files, which columns hold which indicator."""

    kind: str
    fields: dict[str, int] = field(default_factory=dict)
    value_columns: dict[str, int] = field(default_factory=dict)
    rank_columns: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    unit_level: str | None = None


def layout_detect(*, header: list[str], indicator_codes: set[str]) -> Layout:
    """Return the layout of a header row, with an error per unusable or missing column."""
    fields: dict[str, int] = {}
    errors: list[tuple[str, str]] = []
    unknown: list[tuple[int, str]] = []
    codes = {code.lower(): code for code in indicator_codes}
    value_columns: dict[str, int] = {}
    rank_columns: dict[str, int] = {}
    ignored: list[str] = []
    unit_level: str | None = None
    for index, name in enumerate(header):
        folded = fold(name)
        if not folded:
            continue
        key = _ALIAS_TO_FIELD.get(folded)
        if key and key in fields:
            errors.append(
                (
                    name,
                    _("Two columns mean “%(field)s”: %(first)s and %(second)s.")
                    % {"field": key, "first": header[fields[key]], "second": name},
                )
            )
        elif key:
            fields[key] = index
            if key in ("unit", "unit_code") and folded in LEVEL_OF_UNIT_HEADER:
                unit_level = LEVEL_OF_UNIT_HEADER[folded]
        elif name.strip().lower() in codes:
            value_columns[codes[name.strip().lower()]] = index
        elif (code := _rank_column_code(name, codes)) is not None:
            rank_columns[code] = index
        elif folded in IGNORED:
            ignored.append(name)
        else:
            unknown.append((index, name))
    kind = LONG if "indicator" in fields else WIDE
    layout = Layout(kind, fields, value_columns, rank_columns, ignored, errors, unit_level)
    _check_required(layout, header)
    for _index, name in unknown:
        if kind == WIDE:
            layout.errors.append((name, _unknown_column_message(name, codes)))
        else:
            layout.ignored.append(name)
    return layout


def _rank_column_code(name: str, codes: dict[str, str]) -> str | None:
    lowered = name.strip().lower()
    for suffix in ("_rank", " rank", ":rank", " (rank)", " xếp hạng", " (xếp hạng)"):
        if lowered.endswith(suffix) and lowered[: -len(suffix)].strip() in codes:
            return codes[lowered[: -len(suffix)].strip()]
    return None


def _check_required(layout: Layout, header: list[str]) -> None:
    found = ", ".join(h for h in header if h) or _("(none)")
    if "unit" not in layout.fields and "unit_code" not in layout.fields:
        layout.errors.append(
            (
                "unit",
                _("No unit column: name one column “unit” (or “Tỉnh”) or “unit_code”. Columns found: %(found)s.")
                % {"found": found},
            )
        )
    if "year" not in layout.fields:
        layout.errors.append(
            (
                "year",
                _("No year column: name one column “year” (or “Năm”). Columns found: %(found)s.") % {"found": found},
            )
        )
    if layout.kind == LONG and "value" not in layout.fields and "rank" not in layout.fields:
        layout.errors.append(
            ("value", _("No value or rank column: add “value” (or “Giá trị”) and/or “rank” (or “Xếp hạng”)."))
        )
    if layout.kind == WIDE and not layout.value_columns and not layout.rank_columns and not layout.errors:
        layout.errors.append(
            (
                "indicator",
                _(
                    "No indicator column: add an “indicator” column (long layout) or one column per "
                    "indicator code such as par_index (wide layout). Columns found: %(found)s."
                )
                % {"found": found},
            )
        )


def _unknown_column_message(name: str, codes: dict[str, str]) -> str:
    close = difflib.get_close_matches(name.strip().lower(), list(codes), n=3, cutoff=0.6)
    if close:
        return _("Unknown indicator code “%(name)s”; did you mean %(close)s?") % {
            "name": name,
            "close": ", ".join(codes[c] for c in close),
        }
    return _("Unknown column “%(name)s”: it is neither a known column name nor an indicator code.") % {"name": name}


def close_codes(text: str, codes: set[str]) -> list[str]:
    """Return up to three indicator codes spelled like text."""
    lowered = {c.lower(): c for c in codes}
    return [lowered[c] for c in difflib.get_close_matches(text.strip().lower(), list(lowered), n=3, cutoff=0.6)]
