"""The yearly report of a unit: /provinces/<code>/report/ and /units/<level>/<code>/report/ (?year=2023[&format=docx|pdf]).

One view serves every unit with a profile page: provinces, districts, communes, ministries and departments.
"""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.params import digits_param
from indicators.charts import chart_context
from indicators.exports import attachment
from provinces.models import AdministrativeUnit, Level, year_reference_date
from reports.profile.selectors import unit_at, unit_profile, unit_versions
from reports.profile.yearly_report.charts import figure_table, for_document, report_figures
from reports.profile.yearly_report.documents import PdfFontMissing, docx_bytes, pdf_bytes
from reports.profile.yearly_report.forms import YearlyReportForm
from reports.profile.yearly_report.images import ChartImagesUnavailable, figure_images
from reports.profile.yearly_report.page import report_text
from reports.profile.yearly_report.selectors import YearReport, report_years, year_report
from reports.shared.links import profile_url

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _unit_for(level: str, code: str, year: int | None) -> AdministrativeUnit | None:
    """Return the unit with this code in the year's structure, or (no year) today's, else its latest."""
    day = year_reference_date(year) if year else timezone.localdate()
    found = unit_at(level=level, code=code, day=day)
    if found is None and year is None:
        versions = unit_versions(level=level, code=code)
        found = versions[-1] if versions else None
    return found


def _report_url(unit: AdministrativeUnit) -> str:
    if unit.level == Level.PROVINCE:
        return reverse("reports:yearly-report", kwargs={"code": unit.code})
    return reverse("reports:unit-report", kwargs={"level": unit.level, "code": unit.code})


def yearly_report(request: HttpRequest, code: str) -> HttpResponse:
    """Show a province's report page, or send it as a DOCX or PDF (?format=docx|pdf) in the page's language."""
    return _report(request, level=Level.PROVINCE, code=code)


def unit_report(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """Show the report of a district, commune, ministry or department (any level with a profile page)."""
    return _report(request, level=level, code=code)


def _report(request: HttpRequest, *, level: str, code: str) -> HttpResponse:
    form = YearlyReportForm(request.GET)
    context: dict[str, object] = {"form": form, "code": code[:10], "level_label": Level(level).label}
    if not form.is_valid():
        return render(request, "reports/yearly_report.html", context, status=400)
    year = form.cleaned_data["year"]
    unit = _unit_for(level, code, year) if digits_param(code, max_length=5) else None
    if unit is None:
        return render(request, "reports/yearly_report.html", context, status=404)
    day = year_reference_date(year) if year else min(timezone.localdate(), unit.valid_to or datetime.date.max)
    profile = unit_profile(unit=unit, day=day)
    years = report_years(profile)
    year = year or (years[0] if years else timezone.localdate().year - 1)
    report = year_report(unit=unit, year=year, profile=profile)
    document = request.GET.get("format", "")
    if document in ("docx", "pdf"):
        return _document(report, document)
    text = report_text(report)
    figures = report_figures(report)
    base = _report_url(unit)
    return render(
        request,
        "reports/yearly_report.html",
        {
            **context,
            "unit": unit,
            "report": report,
            "text": text,
            "year": year,
            "years": years,
            "base": base,
            "charts": [
                chart_context(
                    chart_id=f"report-{line.code}",
                    title=line.name,
                    figure=figure,
                    columns=figure_table(figure, line)[0],
                    rows=figure_table(figure, line)[1],
                )
                for line, figure in figures
            ],
            "profile_url": profile_url(level=unit.level, code=unit.code, on=day),
        },
    )


def _document(report: YearReport, document: str) -> HttpResponse:
    text = report_text(report)
    figures = report_figures(report)
    note = ""
    try:
        pngs = figure_images([for_document(figure, title=line.name) for line, figure in figures])
    except ChartImagesUnavailable:
        pngs = []
        note = _("The charts could not be drawn on the server; the figures are in the table above.")
    images = [(line.name, png) for (line, _figure), png in zip(figures, pngs, strict=False)]
    filename = f"bao-cao-{report.unit.code}-{report.year}-{get_language() or 'vi'}.{document}"
    if document == "docx":
        response = HttpResponse(docx_bytes(text, images, images_note=note), content_type=DOCX_TYPE)
    else:
        try:
            body = pdf_bytes(text, images, images_note=note)
        except PdfFontMissing:
            return HttpResponse(
                _("The PDF cannot be made on this server (no font with Vietnamese letters)."), status=503
            )
        response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = attachment(filename)
    response["Content-Language"] = get_language() or "vi"
    return response
