"""Read functions for the indicator pages: the catalogue with its coverage, one indicator in depth."""

import pandas as pd
from django.db.models import Count

from indicators.models import AverageScope, Indicator, PublishedAverage, Source
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level
from reports.reads import unit_values_frame


def catalogue_with_coverage() -> tuple[list[Indicator], pd.DataFrame]:
    """Return every indicator in display order and the number of public values per indicator and year."""
    indicators = list(Indicator.objects.order_by("group", "display_order", "code"))
    rows = public_values().values_list("indicator_id", "year").annotate(n=Count("id")).order_by("indicator_id", "year")
    return indicators, pd.DataFrame(list(rows), columns=["indicator_id", "year", "n"])


def indicator_by_code(*, code: str) -> Indicator | None:
    """Return the indicator with its series breaks, or None."""
    return Indicator.objects.filter(code=code).prefetch_related("series_breaks").select_related("parent").first()


def indicator_sources(*, indicator: Indicator) -> list[dict]:
    """Return the sources cited by the indicator's public values, with how many values each gives."""
    cited = public_values().filter(indicator=indicator).values("source_id")
    return list(
        Source.objects.filter(pk__in=cited)
        .annotate(n=Count("values", distinct=True))
        .order_by("-n", "title")
        .values("title", "publisher", "url", "published_on", "source_class", "n")
    )


def indicator_province_values(*, indicator: Indicator) -> pd.DataFrame:
    """Return every public province value of the indicator, with the unit's code, name and validity."""
    values = public_values().filter(indicator=indicator, unit__level=Level.PROVINCE)
    return unit_values_frame(values, year="year", value="value", rank="rank", rank_basis="rank_basis")


def provinces_of_year(*, year: int) -> pd.DataFrame:
    """Return code, name and validity of the provinces whose figures belong to the year's structure."""
    rows = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        .for_year(year)
        .values_list("id", "code", "short_name", "valid_from", "valid_to")
    )
    return pd.DataFrame(list(rows), columns=["unit_id", "code", "name", "valid_from", "valid_to"])


def national_averages(*, indicator: Indicator) -> pd.DataFrame:
    """Return the official national averages of the indicator by year, with their sources."""
    rows = PublishedAverage.objects.filter(indicator=indicator, scope=AverageScope.NATIONAL).values_list(
        "year", "value", "source__title", "source__url", "source__source_class"
    )
    frame = pd.DataFrame(list(rows), columns=["year", "value", "source_title", "source_url", "source_class"])
    frame["value"] = frame["value"].astype("Float64")
    return frame
