"""The coverage page: which indicator has figures for which years and provinces, and the missing ones as CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from indicators.exports import csv_response
from indicators.models import Indicator, SourceClass
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
    code = request.GET.get("indicator", "").strip()
    if code:
        indicators = [i for i in indicators if i.code == code]
        if not indicators:
            return HttpResponse(
                _("There is no indicator with the code “%(code)s”.") % {"code": code[:60]},
                status=404,
                content_type="text/plain; charset=utf-8",
            )
    name = f"coverage_missing_{code}.csv" if code else "coverage_missing.csv"
    return csv_response(filename=name, columns=MISSING_COLUMNS, rows=missing_province_years(indicators=indicators))


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
        "source_classes": [(source_badge(c), label) for c, label in SourceClass.choices],
    }
    return render(request, "reports/coverage.html", context)
