"""The ranking summary: ranks and averages computed once per publication, not per request.

RankingRow and RankingAverage (see their docstrings) hold, for every indicator-year, each unit's
competition ranks in its three scopes (the level nationally, within its province, within its region),
the change from the previous year and the computed averages with their n. They are derived from the
public values only, with the same rules as the ranking page's pandas path (indicators.rankings),
which stays the reference: ``summary_differences`` compares the stored rows with a recomputation.

Written by ``refresh`` for the indicator-years a write changed (indicators.services calls it in the
write's transaction: the summary is never out of step with the values the public sees) and by
``rebuild`` for everything (``manage.py rebuildranks``, after ``loadpublished`` and bench/generate).
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
from django.db import connection, transaction
from django.db.models import Q

from indicators.models import Direction, Indicator, RankingAverage, RankingRow, Value, ValueStatus
from indicators.ranking import competition_ranks  # noqa: F401  (the rule the summary shares with the pages)
from provinces.models import AdministrativeUnit, Level

#: Levels whose rankings are within a province (the ``within`` of the ranking page).
PROVINCE_SCOPED = (Level.DISTRICT, Level.COMMUNE, Level.DEPARTMENT)

ROW_FIELDS = [
    "indicator_id",
    "year",
    "level",
    "unit_id",
    "province_id",
    "region",
    "value_id",
    "value",
    "previous_value",
    "published_rank",
    "rank_basis",
    "qualifier",
    "source_id",
    "rank",
    "previous_rank",
    "rank_change",
    "province_rank",
    "province_previous_rank",
    "province_rank_change",
    "region_rank",
    "region_previous_rank",
    "region_rank_change",
]
AVERAGE_FIELDS = [
    "indicator_id",
    "year",
    "level",
    "province_id",
    "region",
    "value",
    "count",
    "n_units",
    "n_figures",
    "n_published",
]


def _grouped_ranks(values: pd.Series, groups: pd.Series, *, direction: str) -> pd.Series:
    """Return indicators.ranking.competition_ranks within each group (rows without a group get none)."""
    ascending = direction == Direction.LOWER
    ranks = values.astype("Float64").groupby(groups).rank(method="min", ascending=ascending, na_option="keep")
    return ranks.astype("Int64")


def _mean(values: pd.Series) -> tuple[float | None, int]:
    """Return the mean and n exactly as indicators.averages.computed_average computes them."""
    known = values.dropna()
    return (float(known.mean()) if len(known) else None), len(known)


# -- reading what the summary is computed from ---------------------------------------------------------------
def _units_of_year(year: int) -> pd.DataFrame:
    """Return the units in force in the year, in the ranking page's order (level, sort_key, code), with their province."""
    rows = (
        AdministrativeUnit.objects.for_year(year)
        .order_by("level", "sort_key", "code")
        .values_list("id", "level", "region", "parent_id", "parent__level", "parent__parent_id")
    )
    units = pd.DataFrame(
        list(rows), columns=["unit_id", "level", "region", "parent_id", "parent_level", "grandparent_id"]
    )
    # The ranking page's `within`: the parent of districts and departments; a commune's parent, or its
    # district's parent before July 2025.
    commune_province = units["parent_id"].where(units["parent_level"] == Level.PROVINCE, units["grandparent_id"])
    province = units["parent_id"].where(units["level"] != Level.COMMUNE, commune_province)
    units["province_id"] = province.where(units["level"].isin(PROVINCE_SCOPED)).astype("Int64")
    return units[["unit_id", "level", "region", "province_id"]]


VALUE_COLUMNS = ["unit_id", "year", "value", "published_rank", "rank_basis", "qualifier", "source_id", "value_id"]


def _public_values(indicator_id: int, years: Iterable[int]) -> pd.DataFrame:
    """Return the public figures of the indicator in the years (never a preview's: the summary is public)."""
    rows = Value.objects.filter(
        Q(status=ValueStatus.APPROVED, correction_of__isnull=True), indicator_id=indicator_id, year__in=list(years)
    ).values_list("unit_id", "year", "value", "rank", "rank_basis", "qualifier", "source_id", "id")
    frame = pd.DataFrame(list(rows), columns=VALUE_COLUMNS)
    frame["value"] = frame["value"].astype(object)
    return frame


# -- computing ------------------------------------------------------------------------------------------------
def _scope_ranks(rows: pd.DataFrame, groups: pd.Series | None, *, direction: str) -> tuple[pd.Series, ...]:
    """Return the rank, previous_rank and rank_change of each row within its group (None: one group).

    previous_rank/rank_change compare like for like: among the units with a value in both years
    (indicators.rankings._with_rank_change).
    """
    value, previous = rows["value_f"], rows["previous_f"]
    if groups is None:
        groups = pd.Series(0, index=rows.index)
    in_scope = groups.notna()
    rank = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    previous_rank = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    rank_change = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    if in_scope.any():
        rank[in_scope] = _grouped_ranks(value[in_scope], groups[in_scope], direction=direction)
    both = in_scope & value.notna() & previous.notna()
    if both.any():
        before = _grouped_ranks(previous[both], groups[both], direction=direction)
        now = _grouped_ranks(value[both], groups[both], direction=direction)
        previous_rank[both] = before
        rank_change[both] = before - now
    return rank, previous_rank, rank_change


def _averages(rows: pd.DataFrame, by: str | None) -> list[tuple]:
    """Return (province_id, region, mean, n, units, units with a value or a published rank, units with a
    published rank) for the level nationally (by None) or each group of ``by`` (no group: no scope)."""
    keys = pd.Series(0, index=rows.index) if by is None else rows[by]
    groups = pd.DataFrame(
        {"value": rows["value_f"], "figure": rows["value_f"].notna() | rows["published_rank"].notna()}
    ).assign(published=rows["published_rank"].notna(), key=keys)
    groups = groups[groups["key"].notna() & (groups["key"] != "")]
    counted = groups.groupby("key", sort=False).agg(
        units=("figure", "size"), figures=("figure", "sum"), published=("published", "sum")
    )
    found = []
    for key, values in groups.groupby("key", sort=False)["value"]:
        mean, count = _mean(values)
        counts = (int(counted.at[key, "units"]), int(counted.at[key, "figures"]), int(counted.at[key, "published"]))
        scope = (None, "") if by is None else (int(key), "") if by == "province_id" else (None, key)
        found.append((*scope, mean, count, *counts))
    return found


def compute(
    indicator: Indicator, year: int, *, units: pd.DataFrame, values: pd.DataFrame
) -> tuple[pd.DataFrame, list[tuple]]:
    """Return the summary rows (ROW_FIELDS) and averages (AVERAGE_FIELDS) of one indicator-year.

    ``units``: _units_of_year(year); ``values``: the indicator's public values of the year and the year before.
    """
    current = values[values["year"] == year].drop(columns="year")
    previous = values[values["year"] == year - 1][["unit_id", "value"]].rename(columns={"value": "previous_value"})
    levels = set(units.loc[units["unit_id"].isin(current["unit_id"]), "level"])
    frames, averages = [], []
    for level in sorted(levels):
        rows = units[units["level"] == level]
        rows = rows.merge(current, on="unit_id", how="left").merge(previous, on="unit_id", how="left")
        for column in ("value_id", "published_rank", "source_id"):  # ints again (a left merge makes them floats)
            rows[column] = rows[column].astype("Int64")
        rows["value_f"] = rows["value"].astype("Float64")
        rows["previous_f"] = rows["previous_value"].astype("Float64")
        rows["rank"], rows["previous_rank"], rows["rank_change"] = _scope_ranks(
            rows, None, direction=indicator.direction
        )
        scoped = level in PROVINCE_SCOPED
        provinces = rows["province_id"] if scoped else pd.Series(pd.NA, index=rows.index, dtype="Int64")
        rows["province_rank"], rows["province_previous_rank"], rows["province_rank_change"] = _scope_ranks(
            rows, provinces, direction=indicator.direction
        )
        regions = rows["region"].where(rows["region"] != "")
        rows["region_rank"], rows["region_previous_rank"], rows["region_rank_change"] = _scope_ranks(
            rows, regions, direction=indicator.direction
        )
        rows["indicator_id"], rows["year"], rows["level"] = indicator.pk, year, level
        if not scoped:
            rows["province_id"] = pd.Series(pd.NA, index=rows.index, dtype="Int64")
        frames.append(rows[ROW_FIELDS])
        for scope in [
            *_averages(rows, None),
            *(_averages(rows, "province_id") if scoped else []),
            *_averages(rows, "region"),
        ]:
            averages.append((indicator.pk, year, level, *scope))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_FIELDS)
    return frame, averages


# -- writing --------------------------------------------------------------------------------------------------
def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False, name=None)]


def _insert_rows(frame: pd.DataFrame) -> None:
    """Insert summary rows: COPY on PostgreSQL (a publication may rewrite tens of thousands), bulk_create elsewhere."""
    if frame.empty:
        return
    if connection.vendor != "postgresql":
        _insert(RankingRow, ROW_FIELDS, _records(frame))
        return
    # The text columns hold codes (levels, regions, rank bases, qualifiers): nothing to quote or escape.
    text = frame.to_csv(sep="\t", header=False, index=False, na_rep="\\N", quoting=csv.QUOTE_NONE)
    columns = ", ".join(connection.ops.quote_name(RankingRow._meta.get_field(f).column) for f in ROW_FIELDS)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(RankingRow._meta.db_table)} ({columns}) FROM STDIN", io.StringIO(text)
        )


def _insert(model: type, fields: list[str], records: list[tuple]) -> None:
    model.objects.bulk_create([model(**dict(zip(fields, record, strict=True))) for record in records], batch_size=500)


def _write(indicator_id: int, years: list[int] | None, rows: pd.DataFrame, averages: list[tuple]) -> None:
    """Replace the summary of the indicator's years (every year: None)."""
    for model in (RankingRow, RankingAverage):
        stored = model.objects.filter(indicator_id=indicator_id)
        if years is not None:
            stored = stored.filter(year__in=years)
        stored._raw_delete(model.objects.db)
    _insert_rows(rows)
    _insert(RankingAverage, AVERAGE_FIELDS, averages)


def _compute_years(
    indicator: Indicator, years: list[int], units_cache: dict[int, pd.DataFrame]
) -> tuple[pd.DataFrame, list[tuple]]:
    values = _public_values(indicator.pk, {y for year in years for y in (year, year - 1)})
    frames, averages = [], []
    for year in years:
        if year not in units_cache:
            units_cache[year] = _units_of_year(year)
        frame, year_averages = compute(indicator, year, units=units_cache[year], values=values)
        frames.append(frame)
        averages += year_averages
    frames = [frame for frame in frames if not frame.empty]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ROW_FIELDS)), averages


def refresh(keys: Iterable[tuple[int, int]]) -> None:
    """Recompute the summary of the indicator-years changed by a write, and of the years after them (their change).

    Call inside the write's transaction, after the write. The indicators' rows are locked first, so two
    publications of one indicator at once refresh one after the other, the second seeing the first's values.
    """
    by_indicator: dict[int, set[int]] = {}
    for indicator_id, year in keys:
        by_indicator.setdefault(indicator_id, set()).update((year, year + 1))
    if not by_indicator:
        return
    with transaction.atomic():
        indicators = Indicator.objects.select_for_update().filter(pk__in=by_indicator).order_by("pk")
        units_cache: dict[int, pd.DataFrame] = {}
        for indicator in indicators:
            years = sorted(by_indicator[indicator.pk])
            rows, averages = _compute_years(indicator, years, units_cache)
            _write(indicator.pk, years, rows, averages)


def _years_by_indicator() -> dict[int, list[int]]:
    pairs = (
        Value.objects.filter(status=ValueStatus.APPROVED, correction_of__isnull=True)
        .order_by()
        .values_list("indicator_id", "year")
        .distinct()
    )
    found: dict[int, set[int]] = {}
    for indicator_id, year in pairs:
        found.setdefault(indicator_id, set()).update((year, year + 1))
    return {indicator_id: sorted(years) for indicator_id, years in found.items()}


def rebuild(*, verbose: bool = False) -> int:
    """Recompute the whole summary (an indicator at a time, each in its own transaction); return the rows written."""
    years_of = _years_by_indicator()
    units_cache: dict[int, pd.DataFrame] = {}
    total = 0
    with transaction.atomic():
        RankingRow.objects.exclude(indicator_id__in=years_of)._raw_delete(RankingRow.objects.db)
        RankingAverage.objects.exclude(indicator_id__in=years_of)._raw_delete(RankingAverage.objects.db)
    for indicator in Indicator.objects.filter(pk__in=years_of).order_by("pk"):
        with transaction.atomic():
            Indicator.objects.select_for_update().filter(pk=indicator.pk).exists()
            years = years_of[indicator.pk]
            rows, averages = _compute_years(indicator, years, units_cache)
            _write(indicator.pk, None, rows, averages)
            total += len(rows)
        if verbose:
            print(f"{indicator.code}: {len(rows)} rows")
    return total


# -- checking -------------------------------------------------------------------------------------------------
def _normal(record: tuple) -> tuple:
    return tuple(Decimal(v).normalize() if isinstance(v, Decimal) else v for v in record)


def summary_differences(limit: int = 20) -> list[str]:
    """Return how the stored summary differs from a recomputation from scratch ([] when it is exact)."""
    years_of = _years_by_indicator()
    units_cache: dict[int, pd.DataFrame] = {}
    expected_rows: set[tuple] = set()
    expected_averages: set[tuple] = set()
    for indicator in Indicator.objects.filter(pk__in=years_of).order_by("pk"):
        rows, averages = _compute_years(indicator, years_of[indicator.pk], units_cache)
        expected_rows.update(_normal(r) for r in _records(rows))
        expected_averages.update(_normal(a) for a in averages)
    stored_rows = {_normal(r) for r in RankingRow.objects.values_list(*ROW_FIELDS)}
    stored_averages = {_normal(a) for a in RankingAverage.objects.values_list(*AVERAGE_FIELDS)}
    found = [f"missing row {r}" for r in sorted(expected_rows - stored_rows, key=str)[:limit]]
    found += [f"extra row {r}" for r in sorted(stored_rows - expected_rows, key=str)[:limit]]
    found += [f"missing average {a}" for a in sorted(expected_averages - stored_averages, key=str)[:limit]]
    found += [f"extra average {a}" for a in sorted(stored_averages - expected_averages, key=str)[:limit]]
    return found
