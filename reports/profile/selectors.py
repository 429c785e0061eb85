"""Read functions for the unit profile page.

A profile is one administrative unit (a code *at a date*, since codes were reused on 1 July
2025), its lineage across the reorganisation, every public value of it and of its
predecessors or successors, the national and regional averages around those values, its
computed and published ranks, and the latest values of its subordinate units. Every function
runs a fixed number of queries, whatever the number of years, indicators or units."""

import datetime
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Q

from indicators.models import AverageScope, Direction, Indicator, PublishedAverage
from indicators.ranking import grouped_competition_ranks
from indicators.selectors import disputes_by_value, public_values
from provinces.models import AGENCY_LEVELS, AdministrativeUnit
from reports.reads import VALUE_FIELDS, series_break_frame, values_frame

#: A computed average over fewer units than this says more about who reported than about the
#: country or region, so it is not drawn (official averages are always drawn).
MIN_UNITS_FOR_COMPUTED_AVERAGE = 3


INDICATOR_FIELDS = [
    "code",
    "group",
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
    """Everything the profile page shows about one unit, as plain objects and DataFrames."""

    unit: AdministrativeUnit
    day: datetime.date
    predecessors: list[AdministrativeUnit]
    successors: list[AdministrativeUnit]
    indicators: pd.DataFrame  # one row per indicator with data, in catalogue order
    values: pd.DataFrame  # VALUE_FIELDS for the unit and its predecessors/successors
    averages: pd.DataFrame  # indicator, year, scope, value, official, n, source_title, source_url
    ranks: pd.DataFrame  # unit_id, indicator, year, computed_rank, ranked_units
    series_breaks: pd.DataFrame  # indicator, year, note_vi, note_en
    children: list[AdministrativeUnit] = field(default_factory=list)
    children_values: pd.DataFrame = field(default_factory=pd.DataFrame)
    disputes: dict[int, list[dict]] = field(default_factory=dict)  # value id → the other readings of its figure

    @property
    def related(self) -> list[AdministrativeUnit]:
        """Return the predecessors and successors, whose series are shown beside the unit's own."""
        return [*self.predecessors, *self.successors]


def unit_at(*, level: str, code: str, day: datetime.date) -> AdministrativeUnit | None:
    """Return the unit with this code at this level in force on the day, or None."""
    return AdministrativeUnit.objects.filter(level=level, code=code).in_force_on(day).select_related("parent").first()


def unit_versions(*, level: str, code: str) -> list[AdministrativeUnit]:
    """Return every unit that has carried this code at this level, oldest first."""
    units = AdministrativeUnit.objects.filter(level=level, code=code)
    return sorted(units, key=lambda u: u.valid_from or datetime.date.min)


def unit_profile(*, unit: AdministrativeUnit, day: datetime.date) -> UnitProfile:
    """Return the profile of a unit: its values, its lineage's values, averages, ranks and children."""
    predecessors = list(unit.predecessors.all())
    successors = list(unit.successors.all())
    unit_ids = [unit.pk] + [u.pk for u in (*predecessors, *successors)]
    values = values_frame(public_values().filter(unit_id__in=unit_ids))
    codes = sorted(values["indicator"].unique()) if not values.empty else []
    indicators = indicator_frame(codes=codes)
    peers = peer_values(level=unit.level, codes=codes, years=sorted(values["year"].unique()) if codes else [])
    children, children_values = children_latest(unit=unit, day=day)
    return UnitProfile(
        unit=unit,
        day=day,
        predecessors=predecessors,
        successors=successors,
        indicators=indicators,
        values=values,
        averages=averages_frame(
            peers=peers,
            # The national averages are the provinces': an agency is compared with its peers only.
            published=published_averages(codes=codes if unit.level not in AGENCY_LEVELS else [], region=unit.region),
            region=unit.region,
        ),
        ranks=rank_history(peers=peers, indicators=indicators, unit_ids=unit_ids),
        series_breaks=series_break_frame(codes=codes),
        children=children,
        children_values=children_values,
        disputes=disputes_by_value(unit_id__in=unit_ids) if not values.empty else {},
    )


def indicator_frame(*, codes: list[str]) -> pd.DataFrame:
    """Return the catalogue rows of these indicators, in display order."""
    rows = Indicator.objects.filter(code__in=codes).order_by("display_order", "code").values_list(*INDICATOR_FIELDS)
    return pd.DataFrame(list(rows), columns=INDICATOR_FIELDS)


def peer_values(*, level: str, codes: list[str], years: list[int]) -> pd.DataFrame:
    """Return every numeric value at this level for these indicators and years, with the unit's region.

    Values are validated against the unit's validity, so the values of one year are those of the
    structure in force on 31 December of that year: 63 provinces up to 2024, 34 from 2025.
    """
    columns = ["unit_id", "region", "indicator", "year", "value"]
    if not codes or not years:
        return pd.DataFrame(columns=columns)
    rows = (
        public_values()
        .filter(unit__level=level, indicator__code__in=codes, year__in=[int(y) for y in years], value__isnull=False)
        .values_list("unit_id", "unit__region", "indicator__code", "year", "value")
    )
    frame = pd.DataFrame(list(rows), columns=columns)
    frame["value"] = frame["value"].astype("Float64")
    return frame


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


def averages_frame(*, peers: pd.DataFrame, published: pd.DataFrame, region: str) -> pd.DataFrame:
    """Return one national and one regional average per indicator-year: official where published.

    Where no official figure exists, the mean of the values we hold is given with the number of
    units it covers (``official`` False); it is never presented as the national figure.
    """
    columns = ["indicator", "year", "scope", "value", "official", "n", "source_title", "source_url"]
    parts = []
    if not published.empty:
        official = published.assign(official=True, n=pd.NA)[columns]
        parts.append(official)
    computed = _computed_averages(peers, scope=AverageScope.NATIONAL)
    if region:
        computed = pd.concat(
            [computed, _computed_averages(peers[peers["region"] == region], scope=AverageScope.REGION)]
        )
    if not computed.empty:
        computed = computed[computed["n"] >= MIN_UNITS_FOR_COMPUTED_AVERAGE]
        parts.append(computed.assign(official=False, source_title="", source_url="")[columns])
    if not parts:
        return pd.DataFrame(columns=columns)
    merged = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    # Official rows come first, so dropping duplicates keeps the official figure where both exist.
    merged = merged.drop_duplicates(subset=["indicator", "year", "scope"], keep="first")
    return merged.sort_values(["indicator", "scope", "year"]).reset_index(drop=True)


def _computed_averages(peers: pd.DataFrame, *, scope: str) -> pd.DataFrame:
    if peers.empty:
        return pd.DataFrame(columns=["indicator", "year", "scope", "value", "n"])
    grouped = peers.groupby(["indicator", "year"])["value"].agg(["mean", "count"]).reset_index()
    return grouped.rename(columns={"mean": "value", "count": "n"}).assign(scope=scope)


def rank_history(*, peers: pd.DataFrame, indicators: pd.DataFrame, unit_ids: list[int]) -> pd.DataFrame:
    """Return the computed rank of each of the units per indicator-year, among the units with a value.

    Ranks follow indicators.ranking.competition_ranks (1-2-2-4, direction-aware) within the units of
    the same level that have a value that year; ``ranked_units`` says how many that is. No rank is
    computed for neutral indicators (counts that measure size, not performance) nor among fewer
    than MIN_UNITS_FOR_COMPUTED_AVERAGE units ("1st of 1" says nothing).
    """
    columns = ["unit_id", "indicator", "year", "computed_rank", "ranked_units"]
    directions = dict(zip(indicators["code"], indicators["direction"], strict=True))
    ranked_codes = [code for code, direction in directions.items() if direction != Direction.NEUTRAL]
    peers = peers[peers["indicator"].isin(ranked_codes) & peers["unit_id"].notna()]
    counts = peers.groupby(["indicator", "year"])["value"].transform("count")
    peers = peers[counts >= MIN_UNITS_FOR_COMPUTED_AVERAGE]
    # Only the indicator-years in which one of our units has a value need ranking.
    wanted = peers[peers["unit_id"].isin(unit_ids)][["indicator", "year"]].drop_duplicates()
    peers = peers.merge(wanted, on=["indicator", "year"])
    if peers.empty:
        return pd.DataFrame(columns=columns)
    groups = [peers["indicator"], peers["year"]]
    ranked = peers.assign(
        computed_rank=grouped_competition_ranks(
            peers["value"], groups=groups, lower_is_better=peers["indicator"].map(directions) == Direction.LOWER
        ),
        ranked_units=peers["value"].groupby(groups).transform("count").astype(int),
    )
    # In indicator-year order, as ranking each indicator-year in turn gave them.
    ranked = ranked.sort_values(["indicator", "year"], kind="stable")
    return ranked[ranked["unit_id"].isin(unit_ids)][columns].reset_index(drop=True)


def children_latest(*, unit: AdministrativeUnit, day: datetime.date) -> tuple[list[AdministrativeUnit], pd.DataFrame]:
    """Return the unit's subordinate units in force on the day and the latest value of each per indicator."""
    children = list(
        AdministrativeUnit.objects.filter(parent=unit)
        .in_force_on(day)
        .order_by("sort_key", "code")
        .only("id", "level", "code", "short_name", "unit_type", "valid_from", "valid_to", "sort_key")
    )
    columns = [*VALUE_FIELDS, "indicator_name_vi", "indicator_name_en", "measure_unit", "decimals", "display_order"]
    rows = (
        public_values()
        .filter(unit__parent=unit)
        .filter(Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=day))
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=day))
        .values_list(
            *VALUE_FIELDS.values(),
            "indicator__name_vi",
            "indicator__name_en",
            "indicator__measure_unit",
            "indicator__decimals",
            "indicator__display_order",
        )
    )
    frame = pd.DataFrame(list(rows), columns=columns)
    if frame.empty:
        return children, frame
    frame["value"] = frame["value"].astype("Float64")
    latest = frame.sort_values("year").groupby(["unit_id", "indicator"], as_index=False).tail(1)
    return children, latest.reset_index(drop=True)
