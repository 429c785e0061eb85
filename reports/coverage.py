"""The coverage page (/coverage/): what the dashboard holds and, above all, what is missing.

For each indicator and year: how many units have a value, a published rank, a derived rank and a
source with a web address; and for one chosen indicator a province × year grid in which every
gap is visible. A fixed number of queries whatever the amount of data.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, RankBasis
from indicators.selectors import public_values
from provinces.models import AdministrativeUnit, Level, year_reference_date

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


@dataclass
class Grid:
    """Province × year states for one indicator."""

    indicator: Indicator
    years: list[int] = field(default_factory=list)
    rows: list[tuple[AdministrativeUnit, list[tuple[int, str]]]] = field(default_factory=list)
    filled: int = 0
    possible: int = 0


def coverage_summary(*, indicators: dict[int, Indicator]) -> list[CoverageRow]:
    """Return the counts of every indicator-year that has at least one figure (one query)."""
    official_rank = Q(rank__isnull=False) & ~Q(rank_basis=RankBasis.DERIVED)
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
        )
        .order_by("indicator_id", "year")
    )
    result = [CoverageRow(indicator=indicators[r.pop("indicator_id")], **r) for r in rows]
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


def coverage(request: HttpRequest) -> HttpResponse:
    """Render the coverage counts and the province × year grid of the chosen indicator."""
    indicators = {i.pk: i for i in Indicator.objects.order_by("display_order", "code")}
    by_code = {i.code: i for i in indicators.values()}
    summary = coverage_summary(indicators=indicators)
    with_data = list(dict.fromkeys(row.indicator for row in summary))
    code = request.GET.get("indicator", "").strip()
    chosen = by_code.get(code or DEFAULT_INDICATOR) or (with_data[0] if with_data and not code else None)
    context = {
        "summary": summary,
        "indicators_with_data": with_data,
        "chosen": chosen,
        "unknown_code": code if code and chosen is None else "",
        "grid": coverage_grid(indicator=chosen) if chosen else None,
        "legend": LEGEND,
    }
    return render(request, "reports/coverage.html", context)
