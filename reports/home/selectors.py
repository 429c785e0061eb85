"""The home page's reads: the latest top and bottom provinces of each headline index."""

from dataclasses import dataclass

import pandas as pd
from django.db.models import Max, Q

from indicators.averages import Average, computed_average
from indicators.models import AverageScope, Indicator, PublishedAverage
from indicators.ranking import competition_ranks
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level, year_reference_date
from reports.shared.periods import count_in_force

HEADLINE_CODES = ("par_index", "sipas", "papi", "pci")


@dataclass
class Headline:
    """The home-page summary of one headline index for its latest year."""

    indicator: Indicator
    year: int
    top: pd.DataFrame
    bottom: pd.DataFrame
    average: Average
    n_with_value: int
    n_units: int


def headline_indicators() -> list[Indicator]:
    """Return the headline indices (PAR Index, SIPAS, PAPI, PCI) present in the catalogue, in display order."""
    return list(Indicator.objects.filter(code__in=HEADLINE_CODES).order_by("display_order", "code"))


def headlines(*, indicators: list[Indicator], size: int = 5) -> list[Headline]:
    """Return, for each indicator, the top and bottom provinces of its latest year with province values.

    Four queries whatever the number of indicators: latest years, values, official averages,
    and the province list (to count how many provinces the year's structure has).
    """
    province_values = public_values().filter(indicator__in=indicators, unit__level=Level.PROVINCE)
    latest = dict(
        province_values.exclude(value=None).values_list("indicator_id").annotate(latest=Max("year")).order_by()
    )
    if not latest:
        return []
    wanted = Q()
    for indicator_id, year in latest.items():
        wanted |= Q(indicator_id=indicator_id, year=year)
    values = pd.DataFrame(
        list(
            province_values.filter(wanted).values_list(
                "indicator_id", "unit__code", "unit__short_name", "unit__sort_key", "unit__valid_to", "value"
            )
        ),
        columns=["indicator_id", "code", "name", "sort_key", "valid_to", "value"],
    )
    values["value"] = values["value"].astype("Float64")
    official = {
        (indicator_id, year): Average(
            value=float(value), official=True, source_title=title, source_url=url, source_class=source_class
        )
        for indicator_id, year, value, title, url, source_class in PublishedAverage.objects.filter(
            wanted, scope=AverageScope.NATIONAL
        ).values_list("indicator_id", "year", "value", "source__title", "source__url", "source__source_class")
    }
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("valid_from", "valid_to"))
    result = []
    for indicator in indicators:
        if indicator.pk not in latest:
            continue
        year = latest[indicator.pk]
        rows = values[(values["indicator_id"] == indicator.pk) & values["value"].notna()].copy()
        rows["rank"] = competition_ranks(rows["value"], direction=indicator.direction)
        rows = rows.sort_values(["rank", "sort_key"], kind="stable")
        result.append(
            Headline(
                indicator=indicator,
                year=year,
                top=rows.head(size),
                bottom=rows.tail(min(size, max(len(rows) - size, 0))),
                average=official.get((indicator.pk, year)) or computed_average(rows["value"]),
                n_with_value=len(rows),
                n_units=count_in_force(provinces, day=year_reference_date(year)),
            )
        )
    return result
