"""Read one unit's year: its figures, their ranks and change, the averages around them, and their sources.

Any unit with a profile page has a report: a province, district or commune, a ministry or a department. Its
peers are the units of its level (a province among the provinces, a ministry among the ministries), except
a department, which is appraised by its own province and so is ranked among the departments of that province.
"""

from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import get_language

from indicators.averages import national_min_units
from indicators.models import AverageScope, Direction, PublishedAverage
from provinces.models import AdministrativeUnit, Level, year_reference_date
from reports.profile.selectors import UnitProfile, averages_frame, peer_values, rank_history, unit_profile


@dataclass(frozen=True)
class Average:
    """A national or regional average: official (published), or computed over ``n`` units with a figure."""

    value: float
    official: bool
    n: int | None
    representative: bool  # official, or computed over at least the threshold of units
    source_number: int | None = None


@dataclass(frozen=True)
class ReportLine:
    """One indicator of the report: the unit's figure of the year and what puts it in context."""

    code: str
    name: str
    measure_unit: str
    decimals: int
    direction: str
    value: float | None
    qualifier: str
    previous: float | None
    computed_rank: int | None
    ranked_units: int | None
    previous_rank: int | None
    published_rank: int | None
    rank_basis: str
    national: Average | None
    regional: Average | None
    source_number: int | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def rank_change(self) -> int | None:
        """Return places gained (positive) since the previous year, among the units ranked each year."""
        if self.computed_rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.computed_rank


@dataclass(frozen=True)
class YearReport:
    unit: AdministrativeUnit
    year: int
    lines: list[ReportLine]
    sources: list[tuple[str, str]]  # (title, url), numbered from 1 in this order
    years: list[int]  # every year with a figure of the unit, newest first
    profile: UnitProfile = field(repr=False)
    national_min_units: int = 0
    averages: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # the peers', as profile.averages
    ranks: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)  # among the peers, as profile.ranks


def peer_averages_and_ranks(profile: UnitProfile) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the averages and the ranks of the unit among its peers (see the module's docstring).

    The profile's own are those of the whole level; a department's are recomputed over the departments of
    its province (one query for the values, one for the province's departments).
    """
    unit = profile.unit
    if unit.level == Level.MINISTRY and not profile.values.empty:
        return ministries_averages(profile), profile.ranks
    if unit.level != Level.DEPARTMENT or unit.parent_id is None or profile.values.empty:
        return profile.averages, profile.ranks
    codes = list(profile.indicators["code"])
    peers = peer_values(level=unit.level, codes=codes, years=sorted(int(y) for y in profile.values["year"].unique()))
    siblings = AdministrativeUnit.objects.filter(level=Level.DEPARTMENT, parent_id=unit.parent_id)
    peers = peers[peers["unit_id"].isin(set(siblings.values_list("pk", flat=True)))]
    averages = averages_frame(peers=peers, published=pd.DataFrame(), region="")
    ranks = rank_history(
        peers=peers, indicators=profile.indicators, unit_ids=[unit.pk, *(u.pk for u in profile.related)]
    )
    return averages, ranks


def ministries_averages(profile: UnitProfile) -> pd.DataFrame:
    """Return a ministry's peers' averages: the official average of the ministries where one is published
    (scope ``ministries``), else the mean of the ministries with a figure (one query)."""
    columns = ["indicator", "year", "scope", "value", "official", "n", "source_title", "source_url"]
    rows = PublishedAverage.objects.filter(
        scope=AverageScope.MINISTRIES, indicator__code__in=list(profile.indicators["code"])
    ).values_list("indicator__code", "year", "value", "source__title", "source__url")
    official = pd.DataFrame(
        [
            (code, year, AverageScope.NATIONAL, float(value), True, pd.NA, title, url)
            for code, year, value, title, url in rows
        ],
        columns=columns,
    )
    if official.empty:
        return profile.averages
    merged = pd.concat([official.astype(object), profile.averages.astype(object)], ignore_index=True)
    # Official rows first: where both exist, the published average wins over the computed mean.
    return merged.drop_duplicates(subset=["indicator", "year", "scope"], keep="first").reset_index(drop=True)


def report_years(profile: UnitProfile) -> list[int]:
    """Return the years in which the unit itself has a figure, newest first."""
    own = profile.values[profile.values["unit_id"] == profile.unit.pk] if not profile.values.empty else profile.values
    return sorted({int(y) for y in own["year"]}, reverse=True) if not own.empty else []


def year_report(*, unit: AdministrativeUnit, year: int, profile: UnitProfile | None = None) -> YearReport:
    """Return the report of a unit for one year (a fixed number of queries: unit_profile's, and two for a
    department's peers)."""
    profile = profile or unit_profile(unit=unit, day=year_reference_date(year))
    values = profile.values
    own = values[values["unit_id"] == unit.pk] if not values.empty else values
    this_year = own[own["year"] == year] if not own.empty else own
    last_year = own[own["year"] == year - 1] if not own.empty else own
    peer_averages, peer_ranks = peer_averages_and_ranks(profile)
    ranks = peer_ranks[peer_ranks["unit_id"] == unit.pk] if not peer_ranks.empty else peer_ranks
    threshold = national_min_units(year=year, level=unit.level) or 0
    sources: list[tuple[str, str]] = []

    def source_number(title: str, url: str) -> int | None:
        if not title:
            return None
        key = (title, url or "")
        if key not in sources:
            sources.append(key)
        return sources.index(key) + 1

    def figure(frame: pd.DataFrame, code: str) -> pd.Series | None:
        rows = frame[frame["indicator"] == code] if not frame.empty else frame
        return None if rows.empty else rows.iloc[0]

    def rank_of(code: str, y: int) -> tuple[int | None, int | None]:
        if ranks.empty:
            return None, None
        rows = ranks[(ranks["indicator"] == code) & (ranks["year"] == y)]
        if rows.empty:
            return None, None
        return int(rows.iloc[0]["computed_rank"]), int(rows.iloc[0]["ranked_units"])

    def average(code: str, scope: str) -> Average | None:
        averages = peer_averages
        if averages.empty:
            return None
        rows = averages[(averages["indicator"] == code) & (averages["year"] == year) & (averages["scope"] == scope)]
        if rows.empty:
            return None
        row = rows.iloc[0]
        official = bool(row["official"])
        n = None if official or pd.isna(row["n"]) else int(row["n"])
        # A computed mean is "national" only over enough provinces; a computed regional mean is always
        # shown as the mean of the n units that have a figure.
        representative = official or (scope == AverageScope.NATIONAL and 0 < threshold <= (n or 0))
        number = source_number(str(row["source_title"] or ""), str(row["source_url"] or "")) if official else None
        return Average(float(row["value"]), official, n, representative, number)

    lines = []
    for indicator in profile.indicators.itertuples(index=False):
        current = figure(this_year, indicator.code)
        if current is None:
            continue
        previous = figure(last_year, indicator.code)
        rank, ranked = rank_of(indicator.code, year)
        previous_rank, _ = rank_of(indicator.code, year - 1)
        # The figure's own source is numbered before the averages' sources.
        number = source_number(str(current["source_title"] or ""), str(current["source_url"] or ""))
        lines.append(
            ReportLine(
                code=indicator.code,
                name=_indicator_name(indicator),
                measure_unit=indicator.measure_unit,
                decimals=int(indicator.decimals),
                direction=indicator.direction,
                value=None if pd.isna(current["value"]) else float(current["value"]),
                qualifier=str(current["qualifier"] or ""),
                previous=None if previous is None or pd.isna(previous["value"]) else float(previous["value"]),
                computed_rank=rank if indicator.direction != Direction.NEUTRAL else None,
                ranked_units=ranked if indicator.direction != Direction.NEUTRAL else None,
                previous_rank=previous_rank,
                published_rank=None if pd.isna(current["rank"]) else int(current["rank"]),
                rank_basis=str(current["rank_basis"] or ""),
                national=average(indicator.code, AverageScope.NATIONAL),
                regional=average(indicator.code, AverageScope.REGION) if unit.region else None,
                source_number=number,
            )
        )
    return YearReport(
        unit=unit,
        year=year,
        lines=lines,
        sources=sources,
        years=report_years(profile),
        profile=profile,
        national_min_units=threshold,
        averages=peer_averages,
        ranks=peer_ranks,
    )


def _indicator_name(indicator: object) -> str:
    english = (get_language() or "vi").startswith("en")
    return (indicator.name_en if english and indicator.name_en else indicator.name_vi) or indicator.code
