"""Read functions for the home page, rankings and search (selectors pull; nothing here writes).

Every figure starts from ``indicators.selectors.public_values()``. Rankings are computed here
with ``competition_ranks`` over the values we hold for the units in scope; a unit without a
value is listed after the ranked ones and gets no rank. The rank a source published is kept
apart (``published_rank`` with its ``rank_basis``) and is never replaced by the computed one.
"""

import datetime
from dataclasses import dataclass

import pandas as pd
from django.db.models import BooleanField, Case, ExpressionWrapper, Max, Q, Value, When

from indicators.models import AverageScope, DisputedFigure, Indicator, PublishedAverage
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level, year_reference_date
from reports.ranking import competition_ranks

HEADLINE_CODES = ("par_index", "sipas", "papi", "pci")
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


@dataclass(frozen=True)
class Average:
    """A national (or regional) average: the official figure with its source, or one computed over N units."""

    value: float | None
    official: bool
    count: int = 0
    source_title: str = ""
    source_url: str = ""
    source_class: str = ""


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


def _values_frame(
    *, indicator: Indicator, years: list[int], level: str, within: AdministrativeUnit | None
) -> pd.DataFrame:
    rows = (
        public_values()
        .filter(_scope_filter(level=level, within=within, prefix="unit__"), indicator=indicator, year__in=years)
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


DISPUTE_FIELDS = {
    "value_id": "value_id",
    "figure": "figure",
    "rank": "rank",
    "source_title": "source__title",
    "source_url": "source__url",
    "source_class": "source__source_class",
    "note": "note",
}


def disputes_by_value(**value_filters: object) -> dict[int, list[dict]]:
    """Return the disputed readings of the public values matching the filters, by value id (one query)."""
    found: dict[int, list[dict]] = {}
    rows = DisputedFigure.objects.filter(value__in=public_values().filter(**value_filters).values("pk"))
    for row in rows.order_by("source__title").values(*DISPUTE_FIELDS.values()):
        item = {name: row[field] for name, field in DISPUTE_FIELDS.items()}
        item["figure"] = float(item["figure"]) if item["figure"] is not None else None
        found.setdefault(item["value_id"], []).append(item)
    return found


def _computed_average(values: pd.Series) -> Average:
    known = values.dropna()
    return Average(value=float(known.mean()) if len(known) else None, official=False, count=len(known))


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
    values = _values_frame(indicator=indicator, years=[year, year - 1], level=level, within=within)
    current = values[values["year"] == year].drop(columns="year")
    previous = values[values["year"] == year - 1][["unit_id", "value"]].rename(columns={"value": "previous_value"})
    rows = units.merge(current, on="unit_id", how="left").merge(previous, on="unit_id", how="left")
    rows["value"] = rows["value"].astype("Float64")
    rows["rank"] = competition_ranks(rows["value"], direction=indicator.direction)
    official = _published_averages(indicator=indicator, year=year) if level in OFFICIAL_AVERAGE_SCOPE else {}
    average = official.get((OFFICIAL_AVERAGE_SCOPE.get(level), "")) or _computed_average(rows["value"])
    regional_average = None
    if region:
        rows = rows[rows["region"] == region].copy()
        rows["region_rank"] = competition_ranks(rows["value"], direction=indicator.direction)
        regional_average = official.get((AverageScope.REGION, region)) or _computed_average(rows["value"])
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
                average=official.get((indicator.pk, year)) or _computed_average(rows["value"]),
                n_with_value=len(rows),
                n_units=_count_in_force(provinces, day=year_reference_date(year)),
            )
        )
    return result


def _count_in_force(periods: list[tuple[datetime.date | None, datetime.date | None]], *, day: datetime.date) -> int:
    return sum(1 for start, end in periods if (start is None or start <= day) and (end is None or day <= end))


def unit_search(*, query: str, limit: int = 60) -> list[dict]:
    """Return units whose names match the query without diacritics: provinces first, then Vietnamese order.

    Units of both structures are returned (a search for 'bac giang' finds the former province),
    units in force first; each row says when the unit was in force.
    """
    level_order = Case(
        When(level=Level.PROVINCE, then=Value(0)), When(level=Level.DISTRICT, then=Value(1)), default=Value(2)
    )
    return list(
        AdministrativeUnit.objects.search(query)
        .annotate(
            level_order=level_order, ended=ExpressionWrapper(Q(valid_to__isnull=False), output_field=BooleanField())
        )
        .order_by("level_order", "ended", "sort_key", "code")
        .values(
            "id",
            "level",
            "code",
            "short_name",
            "name",
            "unit_type",
            "valid_from",
            "valid_to",
            "parent__short_name",
            "parent__parent__short_name",
        )[:limit]
    )
