"""Public pages about units and indicators: the unit profile, the comparison, the indicator pages."""

import datetime

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.params import digits_param
from indicators.params import year_param
from provinces.models import Level, year_reference_date
from reports.exports import csv_response
from reports.formatting import format_value
from reports.pages_compare import MAX_UNITS, MIN_UNITS, compare_charts, parse_compare, unit_dates
from reports.pages_indicator import catalogue_groups, indicator_charts
from reports.pages_profile import PageCharts, children_table, profile_charts, value_table
from reports.selectors_compare import (
    component_values,
    indicator_choices,
    latest_year,
    province_choices,
    provinces_at,
    unit_values,
    year_values,
)
from reports.selectors_indicator import (
    catalogue_with_coverage,
    indicator_by_code,
    indicator_province_values,
    indicator_sources,
    national_averages,
    provinces_of_year,
)
from reports.selectors_profile import series_break_frame, unit_at, unit_profile, unit_versions
from reports.sources import source_badge
from reports.tables_profile import localised, safe_url, unit_label, unit_url


def unit_code_param(code: str) -> str | None:
    """Return a GSO unit code from the URL (2 to 5 ASCII digits), else None."""
    return code if digits_param(code, max_length=5) and len(code) >= 2 else None


def parse_day(raw: str | None) -> tuple[datetime.date, str]:
    """Return the date of an ``on`` parameter (today when absent) and an error message when it is invalid."""
    if raw is None or raw.strip() == "":
        return timezone.localdate(), ""
    try:
        return datetime.date.fromisoformat(raw.strip()), ""
    except ValueError:
        return timezone.localdate(), _("“%(raw)s” is not a date: write it as YYYY-MM-DD, for example 2024-06-01.") % {
            "raw": raw[:40]
        }


def chart_csv(page: PageCharts, chart_id: str, *, filename: str) -> HttpResponse | None:
    """Return the CSV of one chart's data (see reports.exports), or None for an unknown chart."""
    if chart_id not in page.csv:
        return None
    columns, rows = page.csv[chart_id]
    return csv_response(filename=f"{filename}_{chart_id}.csv", columns=columns, rows=rows)


def page_base(request: HttpRequest, **fixed: str) -> str:
    """Return the page's URL without the download parameters (chart, format), with fixed parameters set."""
    params = request.GET.copy()
    for name in ("chart", "format"):
        params.pop(name, None)
    for name, value in fixed.items():
        params[name] = value
    return f"{request.path}?{params.urlencode()}" if params else request.path


def province(request: HttpRequest, code: str) -> HttpResponse:
    """Render the profile of the province with this code in force on ``?on=`` (today by default)."""
    return _unit_page(request, level=Level.PROVINCE, code=code)


def unit(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """Render the profile of a district or commune (or province) with this code at a date."""
    if level not in Level.values:
        raise Http404(_("Unknown level “%(level)s”.") % {"level": level[:20]})
    return _unit_page(request, level=level, code=code)


def _unit_page(request: HttpRequest, *, level: str, code: str) -> HttpResponse:
    day, error = parse_day(request.GET.get("on"))
    context = {"level": level, "level_label": Level(level).label, "code": code[:10], "day": day}
    if error:
        return render(request, "reports/province.html", {**context, "error": error}, status=400)
    found = unit_at(level=level, code=code, day=day) if unit_code_param(code) else None
    if found is None:
        versions = unit_versions(level=level, code=code) if unit_code_param(code) else []
        versions = [{"unit": u, "label": unit_label(u), "url": unit_url(u)} for u in versions]
        return render(request, "reports/province.html", {**context, "versions": versions}, status=404)
    profile = unit_profile(unit=found, day=day)
    page = profile_charts(profile, csv_base=page_base(request, on=day.isoformat()))
    if request.GET.get("format") == "csv":
        response = chart_csv(page, request.GET.get("chart", ""), filename=f"{level}_{found.code}_{day.isoformat()}")
        if response is not None:
            return response
    lineage = [
        {"unit": u, "label": unit_label(u), "url": unit_url(u), "kind": kind}
        for kind, units in (("predecessor", profile.predecessors), ("successor", profile.successors))
        for u in units
    ]
    return render(
        request,
        "reports/province.html",
        {
            **context,
            "unit": found,
            "unit_label": unit_label(found),
            "is_current": found.in_force_on(timezone.localdate()),
            "lineage": lineage,
            "table": value_table(profile),
            "small_multiples": [c for c in page.charts if c.id != "rank-history"],
            "rank_chart": next(c for c in page.charts if c.id == "rank-history"),
            "children": children_table(profile),
            "children_level": profile.children[0].level if profile.children else "",
        },
    )


def compare(request: HttpRequest) -> HttpResponse:
    """Render the comparison of 2–8 provinces: lines over years, one year's bars, components, a scatter."""
    choices = indicator_choices()
    query = parse_compare(request.GET, known_indicators=choices["code"].tolist())
    if query.year is None:
        query.year = latest_year(codes=query.indicators)
    units, missing = provinces_at(wanted=unit_dates(query)) if query.units else ([], [])
    for code, day in missing:
        query.errors.append(_("No province had code %(code)s on %(day)s.") % {"code": code, "day": day.isoformat()})
    page = PageCharts(csv_base=page_base(request))
    correlation = None
    if MIN_UNITS <= len(units) <= MAX_UNITS and len(query.units) <= MAX_UNITS:
        ids = [u.pk for u in units]
        codes = [c for c in dict.fromkeys([*query.indicators, query.x, query.y]) if c]
        chosen = choices[choices["code"].isin(codes)]
        correlation = compare_charts(
            page=page,
            units=units,
            indicators=chosen,
            values=unit_values(unit_ids=ids, codes=query.indicators),
            breaks=series_break_frame(codes=query.indicators),
            year=query.year,
            components=component_values(unit_ids=ids, year=query.year) if query.year else pd.DataFrame(),
            scatter=year_values(codes=[query.x, query.y], year=query.year) if query.year else pd.DataFrame(),
            x=query.x,
            y=query.y,
        )
        if request.GET.get("format") == "csv":
            response = chart_csv(page, request.GET.get("chart", ""), filename=f"compare_{query.year}")
            if response is not None:
                return response
    day = year_reference_date(query.year) if query.year else timezone.localdate()
    charts = {c.id: c for c in page.charts}
    return render(
        request,
        "reports/compare.html",
        {
            "query": query,
            "units": units,
            "chosen_codes": {u.code for u in units},
            "province_choices": province_choices(day=day),
            "indicator_choices": [
                (c, localised(vi, en))
                for c, vi, en in zip(choices["code"], choices["name_vi"], choices["name_en"], strict=True)
            ],
            "bar_chart": charts.get("bar-year"),
            "radar_chart": charts.get("radar-components"),
            "scatter_chart": charts.get("scatter"),
            "line_charts": [c for c in page.charts if c.id.startswith("line-")],
            "correlation": correlation,
            "min_units": MIN_UNITS,
            "max_units": MAX_UNITS,
        },
    )


def indicator_list(request: HttpRequest) -> HttpResponse:
    """Render the indicator catalogue by group, with the years that have data and the number of values."""
    indicators, coverage = catalogue_with_coverage()
    return render(request, "reports/indicator_list.html", {"groups": catalogue_groups(indicators, coverage)})


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Render one indicator: definition, breaks, sources, distribution, movers and the tile map."""
    indicator = indicator_by_code(code=code)
    if indicator is None:
        raise Http404(_("No indicator has the code “%(code)s”.") % {"code": code[:60]})
    values = indicator_province_values(indicator=indicator)
    years = sorted({int(y) for y in values.dropna(subset=["value"])["year"]})
    map_year, error = (years[-1] if years else None), ""
    raw_year = request.GET.get("year", "").strip()
    if raw_year:
        if year_param(raw_year) in years:
            map_year = year_param(raw_year)
        else:
            error = _("No province figures for %(year)s; showing %(latest)s.") % {
                "year": raw_year[:10],
                "latest": map_year,
            }
    page = PageCharts(csv_base=page_base(request, **({"year": str(map_year)} if map_year else {})))
    summary = indicator_charts(
        page=page,
        indicator=indicator,
        values=values,
        map_year=map_year,
        provinces=provinces_of_year(year=map_year) if map_year else pd.DataFrame(),
    )
    if request.GET.get("format") == "csv":
        response = chart_csv(page, request.GET.get("chart", ""), filename=f"{indicator.code}")
        if response is not None:
            return response
    sources = [
        {**s, "safe_url": safe_url(s["url"]), "badge": source_badge(s["source_class"])}
        for s in indicator_sources(indicator=indicator)
    ]
    return render(
        request,
        "reports/indicator_detail.html",
        {
            "indicator": indicator,
            "charts": {c.id.replace("-", "_"): c for c in page.charts},
            "movers": summary,
            "years": years,
            "map_year": map_year,
            "error": error,
            "sources": sources,
            "national_averages": [
                {
                    "year": int(a["year"]),
                    "value": format_value(
                        float(a["value"]), decimals=indicator.decimals, measure_unit=indicator.measure_unit
                    ),
                    "source_title": a["source_title"],
                    "source_url": safe_url(a["source_url"]),
                    "badge": source_badge(a["source_class"]),
                }
                for a in national_averages(indicator=indicator).sort_values("year").to_dict("records")
            ],
        },
    )
