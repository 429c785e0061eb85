"""The coverage page's reads: which indicator has figures for which years and provinces, from which kinds of source.

For each indicator and year: how many units have a value, a published rank, a derived rank and a
source with a web address, the share of the provinces in force that year that have a figure, and
from which kinds of source (official, news, republished, other); for one chosen indicator a
province × year grid in which every gap is visible; and a CSV list of the missing province-years
(/coverage/missing.csv), a work list for whoever holds the official tables. A fixed number of
queries whatever the amount of data."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from indicators.formatting import format_value
from indicators.models import Indicator, MeasureUnit, RankBasis, SourceClass
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level, Region, year_reference_date
from reports.shared.sources import source_badge

DEFAULT_INDICATOR = "par_index"


#: Cell states of the grid, from the most to the least complete; the template's legend follows this order.
FULL, VALUE_ONLY, RANK_ONLY, DERIVED_ONLY, MISSING, NOT_IN_FORCE = (
    "full", "value", "rank", "derived", "missing", "not-in-force",
)  # fmt: skip


LEGEND = [
    (FULL, _("value and published rank")),
    (VALUE_ONLY, _("value, no rank")),
    (RANK_ONLY, _("published rank only")),
    (DERIVED_ONLY, _("derived rank only (not an official rank)")),
    (MISSING, _("missing")),
    (NOT_IN_FORCE, _("province did not exist that year")),
]


@dataclass
class CoverageRow:
    """Counts for one indicator-year."""

    indicator: Indicator
    year: int
    units: int
    with_value: int
    with_rank: int
    with_derived_rank: int
    with_source_url: int
    sources: int
    provinces: int = 0  # provinces with a figure
    provinces_in_force: int = 0  # provinces that existed in the year (31 December)
    official: int = 0  # figures by the class of their source
    major_news: int = 0
    republisher: int = 0
    other: int = 0
    unclassified: int = 0

    @property
    def province_share(self) -> float | None:
        """Return the share of the year's provinces that have a figure (None when none was in force)."""
        return self.provinces / self.provinces_in_force if self.provinces_in_force else None

    @property
    def province_share_text(self) -> str:
        """Return the share as the reader's language writes it (49%, 49 %)."""
        share = self.province_share
        return "" if share is None else format_value(share * 100, decimals=0, measure_unit=MeasureUnit.PERCENT)

    @property
    def by_class(self) -> list[tuple[str, int]]:
        """Return (badge, count) for each kind of source that gives figures of this indicator-year."""
        counts = [(c, getattr(self, c)) for c in SourceClass.values] + [("", self.unclassified)]
        return [(source_badge(c), n) for c, n in counts if n]


@dataclass
class Grid:
    """Province × year states for one indicator."""

    indicator: Indicator
    years: list[int] = field(default_factory=list)
    rows: list[tuple[AdministrativeUnit, list[tuple[int, str]]]] = field(default_factory=list)
    filled: int = 0
    possible: int = 0


def _provinces_in_force() -> list[tuple[datetime.date | None, datetime.date | None]]:
    return list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("valid_from", "valid_to"))


def _in_force(periods: list[tuple[datetime.date | None, datetime.date | None]], *, year: int) -> int:
    day = year_reference_date(year)
    return sum(1 for start, end in periods if (start is None or start <= day) and (end is None or day <= end))


def coverage_summary(*, indicators: dict[int, Indicator]) -> list[CoverageRow]:
    """Return the counts of every indicator-year that has at least one figure (two queries)."""
    official_rank = Q(rank__isnull=False) & ~Q(rank_basis=RankBasis.DERIVED)
    by_class = {c: Count("id", filter=Q(source__source_class=c)) for c in SourceClass.values}
    rows = (
        public_values()
        .values("indicator_id", "year")
        .annotate(
            units=Count("unit", distinct=True),
            with_value=Count("id", filter=Q(value__isnull=False)),
            with_rank=Count("id", filter=official_rank),
            with_derived_rank=Count("id", filter=Q(rank_basis=RankBasis.DERIVED)),
            with_source_url=Count("id", filter=~Q(source__url="")),
            sources=Count("source", distinct=True),
            provinces=Count("unit", filter=Q(unit__level=Level.PROVINCE), distinct=True),
            unclassified=Count("id", filter=Q(source__source_class="")),
            **by_class,
        )
        .order_by("indicator_id", "year")
    )
    periods = _provinces_in_force()
    result = [
        CoverageRow(
            indicator=indicators[r.pop("indicator_id")], provinces_in_force=_in_force(periods, year=r["year"]), **r
        )
        for r in rows
    ]
    result.sort(key=lambda r: (r.indicator.display_order, r.indicator.code, r.year))
    return result


def coverage_grid(*, indicator: Indicator) -> Grid:
    """Return the province × year grid of one indicator, provinces in Vietnamese order (two queries)."""
    grid = Grid(indicator=indicator)
    figures = {
        (unit_id, year): (value, rank, basis)
        for unit_id, year, value, rank, basis in public_values()
        .filter(indicator=indicator, unit__level=Level.PROVINCE)
        .values_list("unit_id", "year", "value", "rank", "rank_basis")
    }
    if not figures:
        return grid
    years = sorted({year for _unit, year in figures})
    grid.years = list(range(years[0], years[-1] + 1))
    first, last = year_reference_date(grid.years[0]), year_reference_date(grid.years[-1])
    provinces = (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=last))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .vietnamese_order()
    )
    for province in provinces:
        cells = []
        for year in grid.years:
            state = _state(figures.get((province.pk, year))) if province.in_force_in_year(year) else NOT_IN_FORCE
            grid.possible += state != NOT_IN_FORCE
            grid.filled += state not in (MISSING, NOT_IN_FORCE)
            cells.append((year, state))
        grid.rows.append((province, cells))
    return grid


def _state(figure: tuple | None) -> str:
    if figure is None:
        return MISSING
    value, rank, basis = figure
    if rank is not None and basis == RankBasis.DERIVED:
        return VALUE_ONLY if value is not None else DERIVED_ONLY
    if value is not None:
        return FULL if rank is not None else VALUE_ONLY
    return RANK_ONLY


#: Columns of the list of missing province-years (stable English names, never localised).
MISSING_COLUMNS = [
    "indicator_code",
    "indicator_name_vi",
    "indicator_name_en",
    "year",
    "unit_code",
    "unit_name",
    "region",
]


def missing_province_years(*, indicators: list[Indicator]) -> list[list[object]]:
    """Return the province-years without any figure, for each indicator that has province figures.

    An indicator's years run from its first to its last year with a province figure; a province
    counts for the years it was in force. A partial table's omitted provinces are missing here:
    nothing implies their rank. Two queries whatever the number of indicators.
    """
    held: dict[int, set[tuple[int, int]]] = {}
    for indicator_id, unit_id, year in (
        public_values()
        .filter(indicator__in=indicators, unit__level=Level.PROVINCE)
        .order_by()
        .values_list("indicator_id", "unit_id", "year")
    ):
        held.setdefault(indicator_id, set()).add((unit_id, year))
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).vietnamese_order())
    rows = []
    for indicator in indicators:
        figures = held.get(indicator.pk)
        if not figures:
            continue
        years = sorted({year for _unit, year in figures})
        for year in range(years[0], years[-1] + 1):
            for province in provinces:
                if province.in_force_in_year(year) and (province.pk, year) not in figures:
                    region = Region(province.region).label if province.region in Region.values else province.region
                    rows.append(
                        [
                            indicator.code,
                            indicator.name_vi,
                            indicator.name_en,
                            year,
                            province.code,
                            province.short_name,
                            region,
                        ]
                    )
    return rows
