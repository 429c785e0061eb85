"""The ranking page: one indicator-year as table, bar chart and tile map, or as CSV/XLSX."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from indicators.averages import average_text
from indicators.models import Indicator
from indicators.params import year_param
from indicators.rankings import Ranking
from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Level, year_reference_date
from reports.rankings.choices import RankingReads
from reports.rankings.forms import RankingForm
from reports.rankings.page import export_basename, ranking_charts, region_label
from reports.rankings.tables import RankingTable, export_columns, export_rows, ranking_page, ranking_table_rows
from reports.shared.downloads import table_response
from reports.shared.links import url_with
from reports.shared.paging import page_urls
from reports.shared.sources import source_badge

DEFAULT_INDICATOR = "par_index"


EXPORT_FORMATS = {"csv", "xlsx"}


def _ranking_error(request: HttpRequest, context: dict, message: str, status: int = 400) -> HttpResponse:
    return render(request, "reports/ranking.html", {**context, "error": message}, status=status)


def ranking_view(request: HttpRequest) -> HttpResponse:
    """Render the ranking of one indicator-year (table, bar chart, tile map), or export it as CSV/XLSX."""
    reads = RankingReads()
    indicators = reads.indicators()
    by_code = {i.code: i for i in indicators}
    code = request.GET.get("indicator") or (DEFAULT_INDICATOR if DEFAULT_INDICATOR in by_code else "")
    indicator = by_code.get(code) or (indicators[0] if indicators and not request.GET.get("indicator") else None)
    context: dict = {"form": None, "indicator": indicator}
    if indicator is None:
        if not indicators:
            return _ranking_error(request, context, _("The indicator catalogue is empty."), status=200)
        return _ranking_error(request, context, _("Unknown indicator “%(code)s”.") % {"code": code[:60]}, 404)
    years = reads.years(indicator=indicator)
    form = _ranking_form(request, reads, indicator=indicator, years=years)
    context.update(form=form, years=years)
    export_format = request.GET.get("format", "")
    if export_format and export_format not in EXPORT_FORMATS:
        return _ranking_error(request, context, _("Unknown download format; use csv or xlsx."))
    if not years:
        return _ranking_error(request, context, _("No values have been published for this indicator yet."), 200)
    if not form.is_valid():
        return _ranking_error(request, context, _("Please correct the choices marked below."))
    return _ranking_response(
        request, form.cleaned_data, reads, indicator=indicator, export_format=export_format, context=context
    )


def _ranking_form(
    request: HttpRequest, reads: RankingReads, *, indicator: Indicator, years: tuple[int, ...]
) -> RankingForm:
    """Return the ranking form bound to the query string, the indicator and latest year filled in when absent.

    The province choices are those of the asked year's structure (the latest year when it is not one with data).
    """
    data = request.GET.copy()
    data.setdefault("indicator", indicator.code)
    if years and not data.get("year"):
        data["year"] = str(years[0])
    asked_year = year_param(data.get("year", ""))
    structure_year = asked_year if asked_year in years else (years or [2024])[0]
    return RankingForm(data, choices=reads.form_choices(years=years, day=year_reference_date(structure_year)))


def _ranking_response(
    request: HttpRequest,
    cleaned: dict,
    reads: RankingReads,
    *,
    indicator: Indicator,
    export_format: str,
    context: dict,
) -> HttpResponse:
    year, level, region = cleaned["year"], cleaned["level"], cleaned["region"]
    within = None
    if level not in (Level.PROVINCE, Level.MINISTRY):
        within = reads.province(code=cleaned["within"], year=year)
        if level == Level.DISTRICT and year_reference_date(year) >= REORGANISATION_DATE:
            return _ranking_error(
                request, context, _("Districts were abolished on 1 July 2025; choose 2024 or earlier.")
            )
    highlight = cleaned["highlight"]
    # One page from the ranking summary, unless every row is needed (exports, another sort order).
    read = ranking_table_rows(
        indicator=indicator,
        year=year,
        level=level,
        region=region,
        within=within,
        figures=cleaned.get("figures") or "",
        highlight=highlight,
        asked_page=request.GET.get("page", ""),
        whole=bool(export_format or request.GET.get("sort")),
    )
    result, rows, missing, only_with_figures = read.ranking, read.rows, read.missing, read.only_with_figures
    table = RankingTable(rows, indicator=indicator, year=year, with_region_rank=bool(region))
    RequestConfig(request, paginate=False).configure(table)
    table.keep_missing_last()
    if export_format:
        return _ranking_export(table, cleaned, indicator=indicator, within=within, export_format=export_format)
    # Pages sized for people: 100 rows per page (?page=, or the highlighted unit's page); the bar chart
    # shows the same rows. The tile map (provinces only, never more than one page) shows them all.
    page = read.page
    if page is None:
        page = ranking_page(table.data.data, asked=request.GET.get("page", ""))
        table.shown = page.shown
    shown = table.shown_records() if page.count > 1 else rows
    bar, tiles = ranking_charts(
        result, shown, highlight=highlight, csv_url=url_with(request, drop=("page",), format="csv")
    )
    context.update(
        _ranking_context(
            request,
            result,
            indicator=indicator,
            year=year,
            level=level,
            region=region,
            has_published_ranks=read.has_published_ranks,
            only_with_figures=only_with_figures,
        ),
        table=table,
        page=page,
        page_urls=page_urls(request, page),
        bar=bar,
        tiles=tiles,
        year=year,
        within=within,
        missing_count=missing,
    )
    return render(request, "reports/ranking.html", context)


def _ranking_export(
    table: RankingTable, cleaned: dict, *, indicator: Indicator, within: AdministrativeUnit | None, export_format: str
) -> HttpResponse:
    """Return the ranking's rows (all pages) as a CSV or XLSX download, titled with its filters and sources."""
    year, level, region = cleaned["year"], cleaned["level"], cleaned["region"]
    basename = export_basename(indicator=indicator, year=year, level=level, region=region, within=cleaned["within"])
    records = list(table.data.data)
    cells = export_rows(records, indicator=indicator, year=year)
    filters = [
        label for label in (region_label(region), within.short_name if within else "", Level(level).label) if label
    ]
    sources = list(dict.fromkeys((r["source_title"], r["source_url"] or "") for r in records if r["source_title"]))
    return table_response(
        export_format=export_format,
        basename=basename,
        columns=export_columns(),
        rows=cells,
        title_lines=[f"{indicator.name} — {year}", " · ".join(str(f) for f in filters)],
        sources=sources,
    )


def _ranking_context(
    request: HttpRequest,
    result: Ranking,
    *,
    indicator: Indicator,
    year: int,
    level: str,
    region: str,
    has_published_ranks: bool,
    only_with_figures: bool,
) -> dict:
    """Return the page's texts and links around the table: averages, paging and download links."""
    return {
        "ranking": result,
        "page_keep": [(name, value) for name, value in request.GET.items() if name not in {"page", "highlight"}],
        "level": level,
        "region_name": region_label(region),
        "average": average_text(
            result.average,
            indicator=indicator,
            scope="ministries" if level == Level.MINISTRY else "national",
            year=year if level == Level.PROVINCE else None,
            level=level,
        ),
        "only_with_figures": only_with_figures,
        "average_source_badge": source_badge(result.average.source_class),
        "regional_average": average_text(result.regional_average, indicator=indicator, scope="region")
        if result.regional_average
        else "",
        "has_published_ranks": has_published_ranks,
        "csv_url": url_with(request, drop=("page",), format="csv"),
        "xlsx_url": url_with(request, drop=("page",), format="xlsx"),
    }
