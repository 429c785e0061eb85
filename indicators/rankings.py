"""The ranking read: one indicator-year ranked, with averages and disputes (the rankings page and the API)."""

from dataclasses import dataclass

import pandas as pd
from django.db.models import Q

from indicators.averages import Average, computed_average
from indicators.models import AverageScope, Indicator, PublishedAverage
from indicators.ranking import competition_ranks
from indicators.selectors import disputes_by_value, public_values
from provinces.managers import in_force_q
from provinces.models import AdministrativeUnit, Level, year_reference_date

RANKING_COLUMNS = [
    "unit_id",
    "code",
    "name",
    "region",
    "value",
    "rank",
    "region_rank",
    "previous_value",
    "previous_rank",
    "value_change",
    "rank_change",
    "published_rank",
    "rank_basis",
    "qualifier",
    "source_title",
    "source_url",
    "source_class",
    "value_id",
    "sort_key",
    "valid_from",
    "valid_to",
]


@dataclass
class Ranking:
    """One ranking: indicator × year × scope, rows in rank order (units without a value last)."""

    indicator: Indicator
    year: int
    level: str
    region: str
    within: AdministrativeUnit | None
    rows: pd.DataFrame
    average: Average
    regional_average: Average | None = None
    n_units: int = 0
    n_with_value: int = 0
    disputes: dict[int, list[dict]] | None = None  # value id → the other readings of its figure


def years_with_data(*, indicator: Indicator) -> list[int]:
    """Return the years for which the indicator has at least one public value, newest first."""
    # order_by() drops Value's default ordering, which would join the units into the DISTINCT.
    years = public_values().filter(indicator=indicator).order_by().values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def _scope_filter(*, level: str, within: AdministrativeUnit | None, prefix: str = "") -> Q:
    """Return the filter for units of a level, inside one province when `within` is given."""
    condition = Q(**{f"{prefix}level": level})
    if within is not None:
        # Communes sit under a district before July 2025 and directly under the province since.
        inside = Q(**{f"{prefix}parent": within})
        if level == Level.COMMUNE:
            inside |= Q(**{f"{prefix}parent__parent": within})
        condition &= inside
    return condition


def _units_frame(*, year: int, level: str, within: AdministrativeUnit | None) -> pd.DataFrame:
    units = (
        AdministrativeUnit.objects.filter(_scope_filter(level=level, within=within))
        .for_year(year)
        .values_list("id", "code", "short_name", "region", "sort_key", "valid_from", "valid_to")
    )
    return pd.DataFrame(
        list(units), columns=["unit_id", "code", "name", "region", "sort_key", "valid_from", "valid_to"]
    )


def _values_frame(*, indicator: Indicator, year: int, level: str, within: AdministrativeUnit | None) -> pd.DataFrame:
    """Return the values of the year and the year before, of the units ranked in the year only.

    The previous year's values of units abolished since (9,669 of 12,871 rows for the national
    commune ranking of 2025) could never be compared: they are not fetched.
    """
    rows = (
        public_values()
        .filter(
            _scope_filter(level=level, within=within, prefix="unit__"),
            in_force_q(year_reference_date(year), prefix="unit__"),
            indicator=indicator,
            year__in=[year, year - 1],
        )
        .values_list(
            "unit_id",
            "year",
            "value",
            "rank",
            "rank_basis",
            "qualifier",
            "source__title",
            "source__url",
            "source__source_class",
            "id",
        )
    )
    frame = pd.DataFrame(
        list(rows),
        columns=[
            "unit_id",
            "year",
            "value",
            "published_rank",
            "rank_basis",
            "qualifier",
            "source_title",
            "source_url",
            "source_class",
            "value_id",
        ],
    )
    frame["value"] = frame["value"].astype("Float64")
    frame["published_rank"] = frame["published_rank"].astype("Int64")
    return frame


def _published_averages(*, indicator: Indicator, year: int) -> dict[tuple[str, str], Average]:
    rows = PublishedAverage.objects.filter(
        indicator=indicator, year=year, scope__in=[AverageScope.NATIONAL, AverageScope.REGION, AverageScope.MINISTRIES]
    ).values_list("scope", "region", "value", "source__title", "source__url", "source__source_class")
    return {
        (scope, region): Average(
            value=float(value), official=True, source_title=title, source_url=url, source_class=source_class
        )
        for scope, region, value, title, url, source_class in rows
    }


#: The published average that a national ranking of each level shows (provinces; ministries).
OFFICIAL_AVERAGE_SCOPE = {Level.PROVINCE: AverageScope.NATIONAL, Level.MINISTRY: AverageScope.MINISTRIES}


def ranking(
    *,
    indicator: Indicator,
    year: int,
    level: str = Level.PROVINCE,
    region: str = "",
    within: AdministrativeUnit | None = None,
) -> Ranking:
    """Return the ranking of the units of one level for one indicator-year.

    Provinces are ranked nationally (``region`` narrows the rows shown and adds the rank within
    the region); districts and communes are ranked within the province ``within``. The change
    from the previous year compares the same unit only: a province created in 2025 has none.
    Runs four queries whatever the number of units (the last: the disputed readings of the year's values).
    """
    units = _units_frame(year=year, level=level, within=within)
    values = _values_frame(indicator=indicator, year=year, level=level, within=within)
    current = values[values["year"] == year].drop(columns="year")
    previous = values[values["year"] == year - 1][["unit_id", "value"]].rename(columns={"value": "previous_value"})
    rows = units.merge(current, on="unit_id", how="left").merge(previous, on="unit_id", how="left")
    rows["value"] = rows["value"].astype("Float64")
    rows["rank"] = competition_ranks(rows["value"], direction=indicator.direction)
    official = _published_averages(indicator=indicator, year=year) if level in OFFICIAL_AVERAGE_SCOPE else {}
    average = official.get((OFFICIAL_AVERAGE_SCOPE.get(level), "")) or computed_average(rows["value"])
    regional_average = None
    if region:
        rows = rows[rows["region"] == region].copy()
        rows["region_rank"] = competition_ranks(rows["value"], direction=indicator.direction)
        regional_average = official.get((AverageScope.REGION, region)) or computed_average(rows["value"])
    else:
        rows["region_rank"] = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rows["previous_value"] = rows["previous_value"].astype("Float64")
    rows["value_change"] = rows["value"] - rows["previous_value"]
    rows = _with_rank_change(rows, direction=indicator.direction)
    rows["missing"] = rows["value"].isna()
    rows = rows.sort_values(["missing", "rank", "sort_key", "code"], na_position="last", kind="stable")
    return Ranking(
        indicator=indicator,
        year=year,
        level=level,
        region=region,
        within=within,
        rows=rows.reindex(columns=RANKING_COLUMNS).reset_index(drop=True),
        average=average,
        regional_average=regional_average,
        n_units=len(rows),
        n_with_value=int(rows["value"].notna().sum()),
        disputes=disputes_by_value(indicator=indicator, year=year) if rows["value_id"].notna().any() else {},
    )


def _with_rank_change(rows: pd.DataFrame, *, direction: str) -> pd.DataFrame:
    """Add previous_rank and rank_change, compared like for like: among the units with a value in both years.

    Coverage differs from year to year (a source may list 3 provinces one year and 25 the next),
    so ranks computed over each year's own values are not comparable; ranks within the common
    set are. A positive rank_change means the unit moved up (a smaller rank number is better).
    """
    both = rows["value"].notna() & rows["previous_value"].notna()
    rows["previous_rank"] = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rows["rank_change"] = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    if both.any():
        previous_rank = competition_ranks(rows.loc[both, "previous_value"], direction=direction)
        current_rank = competition_ranks(rows.loc[both, "value"], direction=direction)
        rows.loc[both, "previous_rank"] = previous_rank
        rows.loc[both, "rank_change"] = previous_rank - current_rank
    return rows
