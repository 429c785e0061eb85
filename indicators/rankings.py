"""The ranking read: one indicator-year ranked, with averages and disputes (the rankings page and the API)."""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Collate

from config.prepared_queries import PreparedQuery
from indicators.averages import Average, computed_average
from indicators.models import AverageScope, Indicator, PublishedAverage, RankingAverage, RankingRow
from indicators.preview import preview_scope
from indicators.ranking import competition_ranks
from indicators.selectors import disputes_by_value, disputes_of_values, public_values
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
    """One ranking: indicator × year × scope, rows in rank order (units without a value last).

    Read from the summary (summary_ranking_page), ``rows`` holds the shown page's rows only.
    """

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


#: The published averages a ranking shows, compiled once per process (config.prepared_queries).
_PUBLISHED_AVERAGES = PreparedQuery(
    lambda *, indicator_id, year: PublishedAverage.objects.filter(
        indicator_id=indicator_id,
        year=year,
        scope__in=[AverageScope.NATIONAL, AverageScope.REGION, AverageScope.MINISTRIES],
    ).values_list("scope", "region", "value", "source__title", "source__url", "source__source_class"),
    numbers=("indicator_id", "year"),
)


def _published_averages(*, indicator: Indicator, year: int) -> dict[tuple[str, str], Average]:
    rows = _PUBLISHED_AVERAGES.rows(indicator_id=indicator.pk, year=year)
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


# -- the summary's read: one page of a ranking -----------------------------------------------------------------
#: The summary's columns of rank, previous_rank and rank_change in each scope (indicators.models.RankingRow).
SCOPE_RANKS = {
    "national": ("rank", "previous_rank", "rank_change"),
    "province": ("province_rank", "province_previous_rank", "province_rank_change"),
    "region": ("region_rank", "region_previous_rank", "region_rank_change"),
}


@dataclass
class RankingPageRead:
    """One page of a ranking read from the summary: the ranking (counts, averages; no rows) and the page's records."""

    ranking: Ranking
    records: list[dict]  # the page's rows, in display order, as the pandas path's ranking.rows records
    page: object  # what ``paginate`` returned (reports.shared.paging.Page)
    missing: int  # units with neither a value nor a published rank
    only_with_figures: bool
    has_published_ranks: bool


def _binary(field: str) -> Collate:
    """Order by code point, as pandas sorts strings (PostgreSQL's default collation would not)."""
    return Collate(F(field), "C" if connection.vendor == "postgresql" else "BINARY")


#: The scope's average and the national one of a ranking read from the summary (RankingAverage's fields).
_AVERAGE_FIELDS = ("province_id", "region", "value", "count", "n_units", "n_figures", "n_published")


@dataclass(frozen=True)
class _ScopeAverage:
    value: float | None
    count: int
    n_units: int
    n_figures: int
    n_published: int


def _summary_averages(scope: str) -> PreparedQuery:
    """Return the query of a scope's averages (``scope_value``: the province's id or the region) and the national one."""
    national = Q(province__isnull=True, region="")

    def build(*, indicator_id: int, year: int, level: str, scope_value: object = None) -> QuerySet:
        own = {"province": Q(province_id=scope_value), "region": Q(region=scope_value), "national": national}[scope]
        return RankingAverage.objects.filter(
            Q(indicator_id=indicator_id, year=year, level=level) & (own | national)
        ).values_list(*_AVERAGE_FIELDS)

    return PreparedQuery(
        build,
        numbers=("indicator_id", "year", *(("scope_value",) if scope == "province" else ())),
        texts=("level", *(("scope_value",) if scope == "region" else ())),
    )


def _summary_columns(scope: str) -> dict[str, str | None]:
    """Return the pandas path's record's keys → the summary's columns (the ranks: the scope's)."""
    rank_column, previous_rank_column, change_column = SCOPE_RANKS[scope]
    if scope == "region":
        rank_column = "rank"
    return {
        "unit_id": "unit_id",
        "code": "unit__code",
        "name": "unit__short_name",
        "region": "region",
        "value": "value",
        "rank": rank_column,
        "region_rank": "region_rank" if scope == "region" else None,
        "previous_value": "previous_value",
        "previous_rank": previous_rank_column,
        "rank_change": change_column,
        "published_rank": "published_rank",
        "rank_basis": "rank_basis",
        "qualifier": "qualifier",
        "source_title": "source__title",
        "source_url": "source__url",
        "source_class": "source__source_class",
        "value_id": "value_id",
        "sort_key": "unit__sort_key",
        "valid_from": "unit__valid_from",
        "valid_to": "unit__valid_to",
    }


def _summary_rows(
    scope: str, only_with_figures: bool, *, indicator_id: int, year: int, level: str, scope_value: object = None
) -> QuerySet:
    """Return the summary rows of the scope in the page's order: rank (no rank last), then name and code."""
    rows = RankingRow.objects.filter(indicator_id=indicator_id, year=year, level=level)
    if scope == "province":
        rows = rows.filter(province_id=scope_value)
    elif scope == "region":
        rows = rows.filter(region=scope_value)
    if only_with_figures:
        rows = rows.filter(Q(value__isnull=False) | Q(published_rank__isnull=False))
    return rows.order_by(
        F(SCOPE_RANKS[scope][0] if scope != "region" else "rank").asc(nulls_last=True),
        _binary("unit__sort_key"),
        _binary("unit__code"),
    )


def _summary_page(scope: str, only_with_figures: bool) -> PreparedQuery:
    """Return the query of a page of the scope's rows (the page: the call's ``slice_``)."""
    fields = [field for field in _summary_columns(scope).values() if field]
    return PreparedQuery(
        lambda **values: _summary_rows(scope, only_with_figures, **values).values_list(*fields),
        numbers=("indicator_id", "year", *(("scope_value",) if scope == "province" else ())),
        texts=("level", *(("scope_value",) if scope == "region" else ())),
    )


#: The summary's queries, compiled once per process (config.prepared_queries): building and compiling them
#: with the ORM cost more Python per page than the database takes to answer them.
_AVERAGES = {scope: _summary_averages(scope) for scope in SCOPE_RANKS}
_PAGES = {(scope, only): _summary_page(scope, only) for scope in SCOPE_RANKS for only in (False, True)}


def summary_ranking_page(
    *,
    indicator: Indicator,
    year: int,
    level: str,
    region: str,
    within: AdministrativeUnit | None,
    figures: str,
    highlight: str,
    find_highlight: bool,
    paginate: Callable[[int, int], object],
) -> RankingPageRead | None:
    """Return one page of the ranking from the summary (indicators.ranking_summary), or None when it cannot answer.

    The same rows, ranks, averages and counts as ``ranking`` (the reference: the pandas path, still used for
    exports, other sort orders, a staff preview and when the summary holds nothing for this indicator-year):
    one query for the scope's counts and averages, one for the page's rows (ORDER BY rank LIMIT …), the
    published averages for provinces and ministries, the disputes of the page's values, and the ranked units'
    codes only when ``find_highlight`` (the highlighted unit's page is wanted). ``paginate(n_rows, wanted_index)``
    returns the page to show (its ``shown`` slice is read);
    ``figures``: "with", "all" or "" (as the form's).
    """
    if preview_scope() is not None or (region and within is not None):
        return None
    if within is not None:
        scope, scope_value = "province", within.pk
    elif region:
        scope, scope_value = "region", region
    else:
        scope, scope_value = "national", None
    key = {"indicator_id": indicator.pk, "year": year, "level": level}
    if scope != "national":
        key["scope_value"] = scope_value
    averages = {
        (province_id, row_region): _ScopeAverage(*rest)
        for province_id, row_region, *rest in _AVERAGES[scope].rows(**key)
    }
    shown_scope = averages.get((within.pk if within else None, region if within is None else ""))
    whole_scope = averages.get((within.pk, "") if within else (None, ""))
    if shown_scope is None or whole_scope is None:
        return None
    missing = shown_scope.n_units - shown_scope.n_figures
    only_with_figures = figures == "with" or (not figures and missing * 2 > shown_scope.n_units)
    n_shown = shown_scope.n_figures if only_with_figures else shown_scope.n_units
    wanted = 0
    if highlight and find_highlight:
        ordered = _summary_rows(scope, only_with_figures, **key)
        codes = list(ordered.values_list("unit__code", flat=True))
        wanted = codes.index(highlight) if highlight in codes else 0
    page = paginate(n_shown, wanted)
    columns = _summary_columns(scope)
    fields = [field for field in columns.values() if field]
    records = [
        _summary_record(dict(zip(fields, row, strict=True)), columns)
        for row in _PAGES[(scope, only_with_figures)].rows(slice_=page.shown, **key)
    ]
    official = _published_averages(indicator=indicator, year=year) if level in OFFICIAL_AVERAGE_SCOPE else {}
    average = official.get((OFFICIAL_AVERAGE_SCOPE.get(level), "")) or Average(
        value=whole_scope.value, official=False, count=whole_scope.count
    )
    regional_average = None
    if region:
        regional_average = official.get((AverageScope.REGION, region)) or Average(
            value=shown_scope.value, official=False, count=shown_scope.count
        )
    value_ids = [r["value_id"] for r in records if r["value_id"] is not None]
    return RankingPageRead(
        ranking=Ranking(
            indicator=indicator,
            year=year,
            level=level,
            region=region,
            within=within,
            rows=pd.DataFrame(records, columns=RANKING_COLUMNS),
            average=average,
            regional_average=regional_average,
            n_units=shown_scope.n_units,
            n_with_value=shown_scope.count,
            disputes=disputes_of_values(indicator=indicator, year=year, value_ids=value_ids) if value_ids else {},
        ),
        records=records,
        page=page,
        missing=missing,
        only_with_figures=only_with_figures,
        has_published_ranks=shown_scope.n_published > 0,
    )


def _summary_record(row: dict, columns: dict[str, str | None]) -> dict:
    """Return the summary row as the pandas path's record (RANKING_COLUMNS; numbers as floats, like pandas')."""
    record = {key: row[field] if field else None for key, field in columns.items()}
    value, previous = record["value"], record["previous_value"]
    record["value"] = value = float(value) if value is not None else None
    record["previous_value"] = previous = float(previous) if previous is not None else None
    record["value_change"] = value - previous if value is not None and previous is not None else None
    return {column: record[column] for column in RANKING_COLUMNS}
