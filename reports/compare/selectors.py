"""Read functions for the comparison page: a few provinces side by side, and two indicators across all.

Province codes mean a unit only at a date (codes were reused on 1 July 2025), so every function
takes the codes together with the date at which each is to be read.
"""

import datetime

import pandas as pd
from django.db.models import Max, Q

from indicators.models import Indicator
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level
from reports.reads import unit_values_frame, values_frame

#: The PAR Index component areas (par_c1 … par_c8), drawn on the component chart.
PAR_COMPONENTS = Q(parent__code="par_index") | Q(code__startswith="par_c")


def provinces_at(
    *, wanted: list[tuple[str, datetime.date]]
) -> tuple[list[AdministrativeUnit], list[tuple[str, datetime.date]]]:
    """Return the provinces in force for each (code, date), in the order asked, and the pairs not found."""
    candidates = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE, code__in={c for c, _ in wanted}))
    found, missing = [], []
    for code, day in wanted:
        unit = next((u for u in candidates if u.code == code and u.in_force_on(day)), None)
        if unit is None:
            missing.append((code, day))
        elif unit not in found:
            found.append(unit)
    return found, missing


def indicator_choices() -> pd.DataFrame:
    """Return the catalogue rows of the indicators that have at least one province value."""
    codes = public_values().filter(unit__level=Level.PROVINCE).values("indicator_id")
    rows = (
        Indicator.objects.filter(pk__in=codes)
        .order_by("display_order", "code")
        .values_list("code", "name_vi", "name_en", "short_name", "measure_unit", "decimals", "direction")
    )
    columns = ["code", "name_vi", "name_en", "short_name", "measure_unit", "decimals", "direction"]
    return pd.DataFrame(list(rows), columns=columns)


def year_most_units_have(*, unit_codes: list[str], codes: list[str]) -> int | None:
    """Return the latest year in which more than half of these province codes have a figure of the indicators.

    A figure belongs to the unit in force on 31 December of its year, so a code counts in a year whatever
    structure it had then. None when no year reaches the majority (the caller falls back to latest_year).
    """
    if not unit_codes or not codes:
        return None
    pairs = (
        public_values()
        .filter(unit__level=Level.PROVINCE, unit__code__in=unit_codes, indicator__code__in=codes, value__isnull=False)
        .values_list("year", "unit__code")
        .distinct()
    )
    per_year: dict[int, set[str]] = {}
    for year, code in pairs:
        per_year.setdefault(int(year), set()).add(code)
    wanted = len(set(unit_codes))
    majority = [year for year, found in per_year.items() if len(found) * 2 > wanted]
    return max(majority) if majority else None


def latest_year(*, codes: list[str]) -> int | None:
    """Return the latest year with a province value of any of these indicators."""
    return public_values().filter(unit__level=Level.PROVINCE, indicator__code__in=codes).aggregate(y=Max("year"))["y"]


def unit_values(*, unit_ids: list[int], codes: list[str]) -> pd.DataFrame:
    """Return every public value of these units for these indicators (VALUE_FIELDS columns)."""
    return values_frame(public_values().filter(unit_id__in=unit_ids, indicator__code__in=codes))


def year_values(*, codes: list[str], year: int) -> pd.DataFrame:
    """Return the numeric values of every province for these indicators in one year, with unit names."""
    values = public_values().filter(
        unit__level=Level.PROVINCE, indicator__code__in=codes, year=year, value__isnull=False
    )
    return unit_values_frame(values, indicator="indicator__code", value="value")


def component_values(*, unit_ids: list[int], year: int) -> pd.DataFrame:
    """Return the PAR Index component scores of these units in one year, in component order."""
    columns = ["unit_id", "indicator", "name_vi", "name_en", "short_name", "value"]
    rows = (
        public_values()
        .filter(indicator__in=Indicator.objects.filter(PAR_COMPONENTS))
        .filter(unit_id__in=unit_ids, year=year, value__isnull=False)
        .order_by("indicator__display_order", "indicator__code")
        .values_list(
            "unit_id", "indicator__code", "indicator__name_vi", "indicator__name_en", "indicator__short_name", "value"
        )
    )
    frame = pd.DataFrame(list(rows), columns=columns)
    frame["value"] = frame["value"].astype("Float64")
    return frame
