"""Public pages of the dashboard: home, rankings (with CSV/XLSX), search and the bulk export.

The profile, compare and indicator pages live in views_profile.py and their neighbours.
"""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from indicators.models import Indicator
from indicators.params import year_param
from indicators.selectors import public_values
from provinces.models import REORGANISATION_DATE, AdministrativeUnit, Level, year_reference_date
from reports import pages
from reports.exports import table_response, values_export_response
from reports.filters import RankingForm, province_choices
from reports.selectors import headline_indicators, headlines, ranking, unit_search, years_with_data
from reports.sources import source_badge
from reports.tables import EXPORT_COLUMNS, RankingTable, export_rows, ranking_rows

DEFAULT_INDICATOR = "par_index"
EXPORT_FORMATS = {"csv", "xlsx"}


def home(request: HttpRequest) -> HttpResponse:
    """Render the latest top and bottom provinces of each headline index."""
    cards = pages.headline_cards(headlines(indicators=headline_indicators()))
    return render(request, "reports/home.html", {"cards": cards})


def _query_with(request: HttpRequest, **changes: str) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return f"{request.path}?{query.urlencode()}"


def _ranking_error(request: HttpRequest, context: dict, message: str, status: int = 400) -> HttpResponse:
    return render(request, "reports/ranking.html", {**context, "error": message}, status=status)


def ranking_view(request: HttpRequest) -> HttpResponse:
    """Render the ranking of one indicator-year (table, bar chart, tile map), or export it as CSV/XLSX."""
    indicators = list(Indicator.objects.order_by("display_order", "code"))
    by_code = {i.code: i for i in indicators}
    code = request.GET.get("indicator") or (DEFAULT_INDICATOR if DEFAULT_INDICATOR in by_code else "")
    indicator = by_code.get(code) or (indicators[0] if indicators and not request.GET.get("indicator") else None)
    context: dict = {"form": None, "indicator": indicator}
    if indicator is None:
        if not indicators:
            return _ranking_error(request, context, _("The indicator catalogue is empty."), status=200)
        return _ranking_error(request, context, _("Unknown indicator “%(code)s”.") % {"code": code[:60]}, 404)
    years = years_with_data(indicator=indicator)
    data = request.GET.copy()
    data.setdefault("indicator", indicator.code)
    if years and not data.get("year"):
        data["year"] = str(years[0])
    asked_year = year_param(data.get("year", ""))
    structure_year = asked_year if asked_year in years else (years or [2024])[0]
    form = RankingForm(data, indicators=indicators, years=years, provinces=province_choices(year=structure_year))
    context.update(form=form, years=years)
    export_format = request.GET.get("format", "")
    if export_format and export_format not in EXPORT_FORMATS:
        return _ranking_error(request, context, _("Unknown download format; use csv or xlsx."))
    if not years:
        return _ranking_error(request, context, _("No values have been published for this indicator yet."), 200)
    if not form.is_valid():
        return _ranking_error(request, context, _("Please correct the choices marked below."))
    return _ranking_response(
        request, form.cleaned_data, indicator=indicator, export_format=export_format, context=context
    )


def _ranking_response(
    request: HttpRequest, cleaned: dict, *, indicator: Indicator, export_format: str, context: dict
) -> HttpResponse:
    year, level, region = cleaned["year"], cleaned["level"], cleaned["region"]
    within = None
    if level not in (Level.PROVINCE, Level.MINISTRY):
        within = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=cleaned["within"]).for_year(year).first()
        if level == Level.DISTRICT and year_reference_date(year) >= REORGANISATION_DATE:
            return _ranking_error(
                request, context, _("Districts were abolished on 1 July 2025; choose 2024 or earlier.")
            )
    result = ranking(indicator=indicator, year=year, level=level, region=region, within=within)
    highlight = cleaned["highlight"]
    rows = ranking_rows(result, highlight=highlight)
    table = RankingTable(rows, indicator=indicator, year=year, with_region_rank=bool(region))
    RequestConfig(request, paginate=False).configure(table)
    table.keep_missing_last()
    if export_format:
        basename = pages.export_basename(
            indicator=indicator, year=year, level=level, region=region, within=cleaned["within"]
        )
        cells = export_rows(list(table.data.data), indicator=indicator, year=year)
        return table_response(export_format=export_format, basename=basename, columns=EXPORT_COLUMNS, rows=cells)
    bar, tiles = pages.ranking_charts(result, rows, highlight=highlight, csv_url=_query_with(request, format="csv"))
    context.update(
        ranking=result,
        table=table,
        bar=bar,
        tiles=tiles,
        year=year,
        level=level,
        within=within,
        region_name=pages.region_label(region),
        average=pages.average_text(
            result.average, indicator=indicator, scope="ministries" if level == Level.MINISTRY else "national"
        ),
        average_source_badge=source_badge(result.average.source_class),
        regional_average=pages.average_text(result.regional_average, indicator=indicator, scope="region")
        if result.regional_average
        else "",
        has_published_ranks=any(r["published_rank"] is not None for r in rows),
        csv_url=_query_with(request, format="csv"),
        xlsx_url=_query_with(request, format="xlsx"),
    )
    return render(request, "reports/ranking.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """Render the units whose names match the query, typed with or without diacritics."""
    query = request.GET.get("q", "").strip()[:100]
    results = unit_search(query=query) if query else []
    for row in results:
        row["url"] = pages.search_result_url(row)
    return render(request, "reports/search.html", {"search_query": query, "results": results})


def export_values(request: HttpRequest) -> StreamingHttpResponse:
    """Stream every public value with its unit, indicator and source as one CSV file."""
    return values_export_response(public_values(), filename="cchc_values.csv")
