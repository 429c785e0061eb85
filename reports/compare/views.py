"""The comparison page: two to five units side by side."""

import pandas as pd
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from config.i18n import localised
from provinces.models import year_reference_date
from reports.compare.forms import MAX_UNITS, MIN_UNITS, CompareForm, CompareQuery
from reports.compare.page import compare_charts, unit_dates
from reports.compare.selectors import (
    component_values,
    indicator_choices,
    latest_year,
    provinces_at,
    unit_values,
    year_most_units_have,
    year_values,
)
from reports.reads import province_choices, series_break_frame
from reports.shared.page_charts import PageCharts, chart_download, page_base


def compare(request: HttpRequest) -> HttpResponse:
    """Render the comparison of 2–8 provinces: lines over years, one year's bars, components, a scatter."""
    choices = indicator_choices()
    form = CompareForm(request.GET, known_indicators=choices["code"].tolist())
    query = form.query()
    if query.year is None:
        # The latest year most of the chosen provinces have a figure for, not merely the latest of any province.
        chosen = [code for code, _day in query.units]
        query.year = year_most_units_have(unit_codes=chosen, codes=query.indicators) or latest_year(
            codes=query.indicators
        )
    units, missing = provinces_at(wanted=unit_dates(query)) if query.units else ([], [])
    for code, day in missing:
        form.add_error(None, _("No province had code %(code)s on %(day)s.") % {"code": code, "day": day.isoformat()})
    page = PageCharts(csv_base=page_base(request))
    correlation = None
    if MIN_UNITS <= len(units) <= MAX_UNITS and len(query.units) <= MAX_UNITS:
        correlation = _charts(page, query=query, units=units, choices=choices)
        if (download := chart_download(request, page, filename=f"compare_{query.year}")) is not None:
            return download
    day = year_reference_date(query.year) if query.year else timezone.localdate()
    charts = {c.id: c for c in page.charts}
    return render(
        request,
        "reports/compare.html",
        {
            "form": form,
            "query": query,
            "units": units,
            "chosen_codes": {u.code for u in units},
            "province_choices": province_choices(day=day),
            "indicator_choices": [
                (c, localised(vi, en))
                for c, vi, en in zip(choices["code"], choices["name_vi"], choices["name_en"], strict=True)
            ],
            "bar_chart": charts.get("bar-year"),
            "components_chart": charts.get("components"),
            "scatter_chart": charts.get("scatter"),
            "line_charts": [c for c in page.charts if c.id.startswith("line-")],
            "correlation": correlation,
            "correlation_min": settings.CORRELATION_MIN_UNITS,
            "min_units": MIN_UNITS,
            "max_units": MAX_UNITS,
        },
    )


def _charts(page: PageCharts, *, query: CompareQuery, units: list, choices: pd.DataFrame) -> dict:
    """Add the comparison's charts to the page (lines, bars, components, scatter); return the correlation summary."""
    ids = [u.pk for u in units]
    codes = [c for c in dict.fromkeys([*query.indicators, query.x, query.y]) if c]
    return compare_charts(
        page=page,
        units=units,
        indicators=choices[choices["code"].isin(codes)],
        values=unit_values(unit_ids=ids, codes=query.indicators),
        breaks=series_break_frame(codes=query.indicators),
        year=query.year,
        components=component_values(unit_ids=ids, year=query.year) if query.year else pd.DataFrame(),
        scatter=year_values(codes=[query.x, query.y], year=query.year) if query.year else pd.DataFrame(),
        x=query.x,
        y=query.y,
    )
