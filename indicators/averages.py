"""Averages shown beside a ranking or a headline: the official figure with its source, or one computed over N units."""

from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from indicators.formatting import format_value
from indicators.models import Indicator, MeasureUnit
from provinces.models import REORGANISATION_DATE, Level, year_reference_date


@dataclass(frozen=True)
class Average:
    """A national (or regional) average: the official figure with its source, or one computed over N units."""

    value: float | None
    official: bool
    count: int = 0
    source_title: str = ""
    source_url: str = ""
    source_class: str = ""


def computed_average(values: pd.Series) -> Average:
    known = values.dropna()
    return Average(value=float(known.mean()) if len(known) else None, official=False, count=len(known))


def measure_label(indicator: Indicator) -> str:
    """Return the axis label of an indicator: its short name and unit of measure."""
    name = indicator.short_name or indicator.name
    unit = MeasureUnit(indicator.measure_unit).label if indicator.measure_unit in MeasureUnit.values else ""
    return f"{name} ({unit})" if unit else name


def average_text(
    average: Average, *, indicator: Indicator, scope: str = "national", year: int | None = None, level: str = ""
) -> str:
    """Return the average as a sentence that says whether it is official or computed over N units."""
    if average.value is None:
        return _("No average: no unit has a value.")
    shown = format_value(average.value, decimals=indicator.decimals, measure_unit=indicator.measure_unit)
    if average.official:
        if scope == "region":
            return _("Regional average (official): %(value)s") % {"value": shown}
        if scope == "ministries":
            return _("Average of the ministries and ministry-level agencies (official): %(value)s") % {"value": shown}
        return _("National average (official): %(value)s") % {"value": shown}
    if (
        scope == "national"
        and year is not None
        and not stands_for_the_country(count=average.count, year=year, level=level or Level.PROVINCE)
    ):
        return _(
            "Mean of the only %(n)s units with a value here: too few to stand for the country (not an official "
            "figure): %(value)s"
        ) % {"n": average.count, "value": shown}
    return _("Average computed over the %(n)s units with a value here (not an official figure): %(value)s") % {
        "n": average.count,
        "value": shown,
    }


def average_short(average: Average, *, indicator: Indicator, scope: str = "national") -> str:
    """Return a short label for the average line of a chart."""
    shown = format_value(average.value, decimals=indicator.decimals, measure_unit=indicator.measure_unit)
    if average.official and scope == "ministries":
        return _("average of the ministries (official) %(value)s") % {"value": shown}
    if average.official:
        return _("national average (official) %(value)s") % {"value": shown}
    return _("average computed over %(n)s units %(value)s") % {"n": average.count, "value": shown}


def national_min_units(*, year: int, level: str = Level.PROVINCE) -> int | None:
    """Return how many provinces a computed average must cover to be called national (issue 15).

    settings.NATIONAL_AVERAGE_MIN_UNITS: 20 of the 63 provinces (years up to 2024), 12 of the 34 (from 2025).
    None at other levels: no such rule is set for them, so a computed mean there is never called national.
    """
    if level != Level.PROVINCE:
        return None
    thresholds = settings.NATIONAL_AVERAGE_MIN_UNITS
    return thresholds[63] if year_reference_date(year) < REORGANISATION_DATE else thresholds[34]


def stands_for_the_country(*, count: int, year: int, level: str = Level.PROVINCE) -> bool:
    """Return whether a computed average over ``count`` units may be called national."""
    threshold = national_min_units(year=year, level=level)
    return threshold is not None and count >= threshold
