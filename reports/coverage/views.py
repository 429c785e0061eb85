"""The coverage page: which indicator has figures for which years and provinces, and the missing ones as CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.exports import csv_response
from indicators.models import Indicator, SourceClass
from reports.coverage.forms import CoverageForm
from reports.coverage.selectors import (
    DEFAULT_INDICATOR,
    LEGEND,
    MISSING_COLUMNS,
    coverage_grid,
    coverage_summary,
    missing_province_years,
)
from reports.shared.sources import source_badge


def coverage_missing_csv(request: HttpRequest) -> HttpResponse:
    """Download the missing province-years as CSV: of one indicator (?indicator=code) or of every indicator."""
    indicators = list(Indicator.objects.order_by("display_order", "code"))
    form = CoverageForm(request.GET, indicators=indicators)
    if not form.is_valid():
        return HttpResponse(form.errors["indicator"][0], status=404, content_type="text/plain; charset=utf-8")
    if chosen := form.chosen():
        indicators = [chosen]
    name = f"coverage_missing_{chosen.code}.csv" if chosen else "coverage_missing.csv"
    return csv_response(filename=name, columns=MISSING_COLUMNS, rows=missing_province_years(indicators=indicators))


def coverage(request: HttpRequest) -> HttpResponse:
    """Render the coverage counts and the province × year grid of the chosen indicator."""
    indicators = {i.pk: i for i in Indicator.objects.order_by("display_order", "code")}
    by_code = {i.code: i for i in indicators.values()}
    summary = coverage_summary(indicators=indicators)
    with_data = list(dict.fromkeys(row.indicator for row in summary))
    form = CoverageForm(request.GET, indicators=list(indicators.values()))
    chosen = form.chosen()
    if chosen is None and not form.errors:
        chosen = by_code.get(DEFAULT_INDICATOR) or (with_data[0] if with_data else None)
    context = {
        "form": form,
        "summary": summary,
        "indicators_with_data": with_data,
        "chosen": chosen,
        "grid": coverage_grid(indicator=chosen) if chosen else None,
        "legend": LEGEND,
        "source_classes": [(source_badge(c), label) for c, label in SourceClass.choices],
    }
    return render(request, "reports/coverage.html", context)
