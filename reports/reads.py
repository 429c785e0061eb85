"""Reads several pages share (the rest of a page's reads live in its own selectors.py): values as a frame, series breaks.

The disputes of values are indicators.selectors.disputes_by_value (the API's ranking reads them too).
"""

import datetime
from collections.abc import Callable
from operator import itemgetter

import pandas as pd

from indicators.models import SeriesBreak
from provinces.models import AdministrativeUnit, Level

VALUE_FIELDS = {
    "unit_id": "unit_id",
    "indicator": "indicator__code",
    "year": "year",
    "value": "value",
    "rank": "rank",
    "rank_basis": "rank_basis",
    "qualifier": "qualifier",
    "note": "note",
    "source_title": "source__title",
    "source_url": "source__url",
    "source_class": "source__source_class",
    "value_id": "id",
    # A published figure that replaced an earlier one (indicators.workflow): the public note "corrected on … (was …)".
    "corrected_at": "corrected_at",
    "previous_value": "previous_value",
}


def value_rows(queryset) -> list[tuple]:
    """Return values as VALUE_FIELDS tuples, as the database gives them (numbers as Decimal, None where missing)."""
    return list(queryset.values_list(*VALUE_FIELDS.values()))


def value_columns(*names: str) -> Callable[[tuple], object]:
    """Return a getter of these VALUE_FIELDS columns of a value_rows row (one name: the value itself)."""
    return itemgetter(*(list(VALUE_FIELDS).index(name) for name in names))


def values_frame(queryset) -> pd.DataFrame:
    """Return values as a DataFrame with the VALUE_FIELDS columns (numbers as floats)."""
    return values_frame_of(value_rows(queryset))


def values_frame_of(rows: list[tuple]) -> pd.DataFrame:
    """Return value_rows' rows as values_frame gives them."""
    frame = pd.DataFrame(rows, columns=list(VALUE_FIELDS))
    frame["value"] = frame["value"].astype("Float64")
    frame["rank"] = frame["rank"].astype("Int64")
    frame["year"] = frame["year"].astype(int)
    return frame


def series_break_frame(*, codes: list[str]) -> pd.DataFrame:
    """Return the series breaks of these indicators."""
    columns = ["indicator", "year", "note_vi", "note_en"]
    rows = SeriesBreak.objects.filter(indicator__code__in=codes).values_list(
        "indicator__code", "year", "note_vi", "note_en"
    )
    return pd.DataFrame(list(rows), columns=columns)


def province_choices(*, day: datetime.date) -> list[tuple[str, str]]:
    """Return (code, label) of the provinces in force on the day, in Vietnamese order.

    The label carries the unit's validity where it has one ("Quảng Ninh (đến 30/06/2025)"), so that a
    picker never offers two units of one name alike (issue 15).
    """
    units = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        .in_force_on(day)
        .vietnamese_order()
        .only("code", "short_name", "valid_from", "valid_to")
    )
    return [(unit.code, unit.label) for unit in units]


#: The unit columns of a frame of values (the province's code, name and validity beside each figure).
UNIT_FIELDS = {
    "unit_id": "unit_id",
    "code": "unit__code",
    "name": "unit__short_name",
    "valid_from": "unit__valid_from",
    "valid_to": "unit__valid_to",
}


def unit_values_frame(values, **fields: str) -> pd.DataFrame:
    """Return the values as a frame: the unit columns, then the given columns (name=field path); values as floats."""
    paths = {**UNIT_FIELDS, **fields}
    frame = pd.DataFrame(list(values.values_list(*paths.values())), columns=list(paths))
    frame["value"] = frame["value"].astype("Float64")
    return frame
