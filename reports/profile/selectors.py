"""Read functions for the unit profile page.

A profile is one administrative unit (a code *at a date*, since codes were reused on 1 July
2025), its lineage across the reorganisation, every public value of it and of its
predecessors or successors, the national and regional averages around those values, its
computed and published ranks, and the latest values of its subordinate units. Every function
runs a fixed number of queries, whatever the number of years, indicators or units."""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, RowRange, Sum, When, Window
from django.db.models.functions import Rank, RowNumber

from indicators.formatting import is_missing
from indicators.models import AverageScope, Direction, Indicator, PublishedAverage, RankingRow
from indicators.selectors import disputes_by_value, public_values
from provinces.models import AGENCY_LEVELS, AdministrativeUnit
from reports.reads import VALUE_FIELDS, series_break_frame, value_columns, value_rows, values_frame_of

#: A computed average over fewer units than this says more about who reported than about the
#: country or region, so it is not drawn (official averages are always drawn).
MIN_UNITS_FOR_COMPUTED_AVERAGE = 3


INDICATOR_FIELDS = [
    "code",
    "group",
    "parent_id",
    "name_vi",
    "name_en",
    "short_name",
    "measure_unit",
    "decimals",
    "direction",
    "display_order",
    "min_value",
    "max_value",
]


@dataclass(frozen=True)
class UnitProfile:
    """Everything the profile page shows about one unit, as plain objects and DataFrames.

    The values are kept as read (``value_rows``): the page walks them once per table or chart, and a frame of
    them (``values``, for the yearly report) is built only when asked for.
    """

    unit: AdministrativeUnit
    day: datetime.date
    predecessors: list[AdministrativeUnit]
    successors: list[AdministrativeUnit]
    indicators: pd.DataFrame  # one row per indicator with data, in catalogue order
    value_rows: list[tuple]  # VALUE_FIELDS tuples for the unit and its predecessors/successors (reads.value_rows)
    averages: pd.DataFrame  # indicator, year, scope, value, official, n, source_title, source_url
    ranks: pd.DataFrame  # unit_id, indicator, year, computed_rank, ranked_units
    series_breaks: pd.DataFrame  # indicator, year, note_vi, note_en
    # The subordinate units in force on the day; their figures are read a page at a time (children_latest).
    children: list[AdministrativeUnit] = field(default_factory=list)
    children_with_values: set[int] = field(default_factory=set)  # ids of the children that have a public figure
    disputes: dict[int, list[dict]] = field(default_factory=dict)  # value id → the other readings of its figure

    @property
    def related(self) -> list[AdministrativeUnit]:
        """Return the predecessors and successors, whose series are shown beside the unit's own."""
        return [*self.predecessors, *self.successors]

    @cached_property
    def values(self) -> pd.DataFrame:
        """Return the values as reads.values_frame gives them (numbers as floats)."""
        return values_frame_of(self.value_rows)

    @cached_property
    def value_records(self) -> list[dict]:
        """Return the values as dicts by VALUE_FIELDS name (numbers as the database gives them, None where missing)."""
        names = list(VALUE_FIELDS)
        return [dict(zip(names, row, strict=True)) for row in self.value_rows]


def unit_at(*, level: str, code: str, day: datetime.date) -> AdministrativeUnit | None:
    """Return the unit with this code at this level in force on the day, or None."""
    return AdministrativeUnit.objects.filter(level=level, code=code).in_force_on(day).select_related("parent").first()


def unit_versions(*, level: str, code: str) -> list[AdministrativeUnit]:
    """Return every unit that has carried this code at this level, oldest first."""
    units = AdministrativeUnit.objects.filter(level=level, code=code)
    return sorted(units, key=lambda u: u.valid_from or datetime.date.min)


def unit_profile(*, unit: AdministrativeUnit, day: datetime.date) -> UnitProfile:
    """Return the profile of a unit: its values, its lineage's values, averages, ranks and children.

    The peers' values are not fetched: their averages (per indicator, year and region) are summed by the
    database (~23,000 rows for a 2025 province otherwise) and the ranks of the unit's own figures are read
    from the ranking summary (``summary_rank_history``).
    The children's figures are read by ``children_latest`` for the page of them that is shown.
    """
    predecessors, successors = lineage(unit)
    unit_ids = [unit.pk] + [u.pk for u in (*predecessors, *successors)]
    values = value_rows(public_values().filter(unit_id__in=unit_ids))
    codes = sorted(set(map(value_columns("indicator"), values)))
    years = sorted({int(year) for year in map(value_columns("year"), values)})
    indicators = indicator_frame(codes=codes)
    children, with_values = children_of(unit=unit, day=day)
    sums = peer_sums(level=unit.level, codes=codes, years=years)
    return UnitProfile(
        unit=unit,
        day=day,
        predecessors=predecessors,
        successors=successors,
        indicators=indicators,
        value_rows=values,
        averages=averages_frame(
            sums=sums,
            # The national averages are the provinces': an agency is compared with its peers only.
            published=published_averages(codes=codes if unit.level not in AGENCY_LEVELS else [], region=unit.region),
            region=unit.region,
        ),
        ranks=summary_rank_history(
            level=unit.level,
            codes=codes,
            years=years,
            unit_ids=unit_ids,
            values=values,
            indicators=indicators,
            sums=sums,
        ),
        series_breaks=series_break_frame(codes=codes),
        children=children,
        children_with_values=with_values,
        disputes=disputes_by_value(unit_id__in=unit_ids) if values else {},
    )


def lineage(unit: AdministrativeUnit) -> tuple[list[AdministrativeUnit], list[AdministrativeUnit]]:
    """Return the unit's predecessors and successors (one query over the succession links), each in unit order."""
    link = AdministrativeUnit.successors.through
    rows = link.objects.filter(Q(from_administrativeunit=unit) | Q(to_administrativeunit=unit)).select_related(
        "from_administrativeunit", "to_administrativeunit"
    )
    predecessors, successors = [], []
    for row in rows:
        if row.to_administrativeunit_id == unit.pk:
            predecessors.append(row.from_administrativeunit)
        if row.from_administrativeunit_id == unit.pk:
            successors.append(row.to_administrativeunit)

    def order(u: AdministrativeUnit) -> tuple[str, str, str]:
        return (u.level, u.sort_key, u.code)  # AdministrativeUnit.Meta.ordering

    return sorted(predecessors, key=order), sorted(successors, key=order)


def indicator_frame(*, codes: list[str]) -> pd.DataFrame:
    """Return the catalogue rows of these indicators, in display order."""
    rows = Indicator.objects.filter(code__in=codes).order_by("display_order", "code").values_list(*INDICATOR_FIELDS)
    return pd.DataFrame(list(rows), columns=INDICATOR_FIELDS)


def _peers(*, level: str, codes: list[str], years: list[int], parent_id: int | None = None):
    """Return the public numeric values at this level for these indicators and years (unordered).

    Values are validated against the unit's validity, so the values of one year are those of the
    structure in force on 31 December of that year: 63 provinces up to 2024, 34 from 2025. With a
    ``parent_id``, only the values of that unit's subordinate units (a department among its province's).
    """
    values = public_values().filter(unit__level=level, indicator__code__in=codes, year__in=years, value__isnull=False)
    if parent_id is not None:
        values = values.filter(unit__parent_id=parent_id)
    return values.order_by()


#: A row of peer_sums: (indicator code, year, region, sum of the values as a float, number of values).
PeerSum = tuple[str, int, str, float, int]


def peer_sums(*, level: str, codes: list[str], years: list[int], parent_id: int | None = None) -> list[PeerSum]:
    """Return the sum and count of the values at this level per indicator, year and region (one query).

    Plain tuples in the database's order (which the averages' summation keeps): ~2,200 rows for a province,
    read by two loops, which a frame of them only slowed down.
    """
    if not codes or not years:
        return []
    rows = (
        _peers(level=level, codes=codes, years=years, parent_id=parent_id)
        .values("indicator__code", "year", "unit__region")
        .annotate(total=Sum("value"), n=Count("value"))
        .values_list("indicator__code", "year", "unit__region", "total", "n")
    )
    return [(c, y, r, float(t), n) for c, y, r, t, n in rows]


def published_averages(*, codes: list[str], region: str) -> pd.DataFrame:
    """Return the official national averages and the official averages of the region."""
    columns = ["indicator", "year", "scope", "region", "value", "source_title", "source_url"]
    scopes = Q(scope=AverageScope.NATIONAL)
    if region:
        scopes |= Q(scope=AverageScope.REGION, region=region)
    rows = (
        PublishedAverage.objects.filter(scopes, indicator__code__in=codes)
        .values_list("indicator__code", "year", "scope", "region", "value", "source__title", "source__url")
        .order_by("indicator__code", "year")
    )
    frame = pd.DataFrame(list(rows), columns=columns)
    frame["value"] = frame["value"].astype("Float64")
    return frame


AVERAGE_COLUMNS = ["indicator", "year", "scope", "value", "official", "n", "source_title", "source_url"]


def averages_frame(*, sums: list[PeerSum], published: pd.DataFrame, region: str) -> pd.DataFrame:
    """Return one national and one regional average per indicator-year: official where published.

    Where no official figure exists, the mean of the values we hold is given with the number of
    units it covers (``official`` False); it is never presented as the national figure. ``sums``
    holds the sum and count of the values per indicator, year and region (``peer_sums``).
    Columns AVERAGE_COLUMNS (objects), sorted by indicator, scope and year.
    """
    computed = _computed_averages(sums, scope=AverageScope.NATIONAL)
    if region:
        computed += _computed_averages([row for row in sums if row[2] == region], scope=AverageScope.REGION)
    # Missing numbers of official rows as the frame-based version left them: NaN once concatenated with
    # the computed rows, pandas NA when there were none (the yearly report reads this frame too).
    missing = float("nan") if computed else pd.NA
    rows: dict[tuple[str, int, str], tuple] = {}
    if not published.empty:
        columns = ("indicator", "year", "scope", "value", "source_title", "source_url")
        for code, year, scope, value, title, url in zip(*(published[c].tolist() for c in columns), strict=True):
            value = missing if value is pd.NA else value
            # The first official figure of an indicator-year and scope is kept, as the computed mean never is.
            rows.setdefault((code, year, scope), (code, year, scope, value, True, missing, title, url))
    for code, year, scope, value, n in computed:
        if n >= MIN_UNITS_FOR_COMPUTED_AVERAGE:
            rows.setdefault((code, year, scope), (code, year, scope, value, False, n, "", ""))
    ordered = sorted(rows.values(), key=lambda row: (row[0], row[2], row[1]))
    return pd.DataFrame(ordered, columns=AVERAGE_COLUMNS, dtype=object)


def _computed_averages(sums: list[PeerSum], *, scope: str) -> list[tuple[str, int, str, float, int]]:
    """Return (indicator, year, scope, mean, n) per indicator-year of the sums, in indicator and year order.

    The totals of one indicator-year are added in their rows' order with compensated (Kahan) summation,
    as pandas' groupby sum does, so the means are those of the frame-based computation to the last bit.
    """
    groups: dict[tuple[str, int], list] = {}
    for code, year, _region, total, n in sums:
        group = groups.setdefault((code, year), [0.0, 0.0, 0])  # sum, compensation, n
        y = total - group[1]
        t = group[0] + y
        group[1] = t - group[0] - y
        group[0] = t
        group[2] += n
    return [(code, year, scope, total / n, n) for (code, year), (total, _c, n) in sorted(groups.items())]


def rank_history(
    *, level: str, codes: list[str], years: list[int], unit_ids: list[int], parent_id: int | None = None
) -> pd.DataFrame:
    """Return the computed rank of each of the units per indicator-year, among the units with a value (one query).

    Ranks are standard competition ranks (1-2-2-4, as indicators.ranking.competition_ranks: ``RANK()``
    over the values, best first by the indicator's direction) within the units of the same level that
    have a value that year; ``ranked_units`` says how many that is. No rank is computed for neutral
    indicators (counts that measure size, not performance) nor among fewer than
    MIN_UNITS_FOR_COMPUTED_AVERAGE units ("1st of 1" says nothing). The database ranks the peers and
    sends only the rows of these units; ``parent_id`` ranks them among that unit's subordinates only.
    """
    columns = ["unit_id", "indicator", "year", "computed_rank", "ranked_units"]
    if not codes or not years:
        return pd.DataFrame(columns=columns)
    each_year = [F("indicator_id"), F("year")]
    best_first = Case(When(indicator__direction=Direction.LOWER, then=F("value")), default=F("value") * -1).asc()
    rows = (
        _peers(level=level, codes=codes, years=years, parent_id=parent_id)
        .exclude(indicator__direction=Direction.NEUTRAL)
        .annotate(
            computed_rank=Window(Rank(), partition_by=each_year, order_by=best_first),
            ranked_units=Window(Count("pk"), partition_by=each_year),
            # The row's own unit as a window value (a frame of the row itself, in the ranking's own window, so
            # no second sort): a filter on it applies after the ranking, where a filter on unit_id would rank
            # our units among themselves.
            ranked_unit=Window(Max("unit_id"), partition_by=each_year, order_by=best_first, frame=RowRange(0, 0)),
        )
        .filter(ranked_unit__in=unit_ids, ranked_units__gte=MIN_UNITS_FOR_COMPUTED_AVERAGE)
        .values_list("unit_id", "indicator__code", "year", "computed_rank", "ranked_units")
    )
    frame = pd.DataFrame(list(rows), columns=columns)
    return frame.sort_values(["indicator", "year", "unit_id"], kind="stable").reset_index(drop=True)


RANK_HISTORY_COLUMNS = ["unit_id", "indicator", "year", "computed_rank", "ranked_units"]


def summary_rank_history(
    *,
    level: str,
    codes: list[str],
    years: list[int],
    unit_ids: list[int],
    values: list[tuple],
    indicators: pd.DataFrame,
    sums: list[PeerSum],
) -> pd.DataFrame:
    """Return ``rank_history``'s frame with the ranks read from the ranking summary (RankingRow: one query).

    The summary holds the national ranks of the public figures, computed once per publication with the
    same rule (competition ranks among the units of the level with a value that year), so the peers'
    values are not scanned again; ``ranked_units`` is the count of those values, which ``peer_sums``
    (``sums``) already holds. The same filters apply: no neutral indicators, no rank among fewer than
    MIN_UNITS_FOR_COMPUTED_AVERAGE units. An indicator-year where one of the units' figures (``values``: their
    VALUE_FIELDS rows, reads.value_rows) has no rank in the summary is ranked by ``rank_history`` instead (one more query, only then).
    """
    if not codes or not years:
        return pd.DataFrame(columns=RANK_HISTORY_COLUMNS)
    rows = RankingRow.objects.filter(
        unit_id__in=unit_ids, indicator__code__in=codes, year__in=years, level=level, rank__isnull=False
    ).values_list("unit_id", "indicator__code", "year", "rank")
    # Plain tuples, not merged frames: a province's ~900 ranks went through three pandas merges and filters.
    counted: dict[tuple[str, int], int] = {}
    for code, year, _region, _total, n in sums:
        counted[code, year] = counted.get((code, year), 0) + n
    held = [(*row, counted[row[1], row[2]]) for row in rows if (row[1], row[2]) in counted]
    ranked = set(indicators.loc[indicators["direction"] != Direction.NEUTRAL, "code"])
    found = {(unit_id, code, year) for unit_id, code, year, _rank, _n in held}
    missing = {
        f"{code}:{year}"
        for unit_id, code, year, value in map(value_columns("unit_id", "indicator", "year", "value"), values)
        if not is_missing(value) and code in ranked and (unit_id, code, year) not in found
    }
    held = [
        row
        for row in held
        if row[1] in ranked and row[4] >= MIN_UNITS_FOR_COMPUTED_AVERAGE and f"{row[1]}:{row[2]}" not in missing
    ]
    held.sort(key=lambda row: (row[1], row[2], row[0]))
    frame = pd.DataFrame(held, columns=RANK_HISTORY_COLUMNS).astype({"computed_rank": "int64", "ranked_units": "int64"})
    if missing:
        pairs = [key.rsplit(":", 1) for key in missing]
        fresh = rank_history(
            level=level,
            codes=sorted({code for code, _ in pairs}),
            years=sorted({int(year) for _, year in pairs}),
            unit_ids=unit_ids,
        )
        fresh = fresh[(fresh["indicator"] + ":" + fresh["year"].astype(str)).isin(missing)]
        frame = pd.concat([frame, fresh], ignore_index=True) if not frame.empty else fresh
        frame = frame.sort_values(["indicator", "year", "unit_id"], kind="stable").reset_index(drop=True)
    return frame


def children_of(*, unit: AdministrativeUnit, day: datetime.date) -> tuple[list[AdministrativeUnit], set[int]]:
    """Return the unit's subordinate units in force on the day and the ids of those with a public figure."""
    children = list(
        AdministrativeUnit.objects.filter(parent=unit)
        .in_force_on(day)
        .order_by("sort_key", "code")
        .only("id", "level", "code", "short_name", "unit_type", "valid_from", "valid_to", "sort_key")
        .annotate(has_values=Exists(public_values().filter(unit_id=OuterRef("pk"))))
    )
    return children, {child.pk for child in children if child.has_values}


CHILD_VALUE_COLUMNS = [
    *VALUE_FIELDS,
    "indicator_name_vi",
    "indicator_name_en",
    "measure_unit",
    "decimals",
    "display_order",
]


def children_latest(*, parent: AdministrativeUnit, unit_ids: list[int]) -> list[dict]:
    """Return the latest public value of each of these subordinate units per indicator (one query).

    The database picks the latest year (``ROW_NUMBER()`` per unit and indicator, newest first), so only
    the cells shown are sent. Without units the query still runs (and finds nothing): a fixed count.
    One dict per value with the CHILD_VALUE_COLUMNS (numbers as floats, a missing one None): plain rows,
    as the page's table reads them one by one (a frame of them cost more than it saved).
    """
    shown = Q(unit_id__in=unit_ids) if unit_ids else Q(pk__isnull=True)
    rows = (
        public_values()
        .filter(shown, unit__parent=parent)
        .order_by()
        .annotate(newest=Window(RowNumber(), partition_by=[F("unit_id"), F("indicator_id")], order_by=F("year").desc()))
        .filter(newest=1)
        .values_list(
            *VALUE_FIELDS.values(),
            "indicator__name_vi",
            "indicator__name_en",
            "indicator__measure_unit",
            "indicator__decimals",
            "indicator__display_order",
        )
    )
    records = [dict(zip(CHILD_VALUE_COLUMNS, row, strict=True)) for row in rows]
    for record in records:
        if record["value"] is not None:
            record["value"] = float(record["value"])
    return records
