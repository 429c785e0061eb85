"""The unit profile page: a province, district or commune on a day, with its values, ranks and children."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from config.params import digits_param
from provinces.models import Level
from reports.profile.forms import ProfileForm
from reports.profile.page import children_page, children_table, profile_charts, value_table
from reports.profile.selectors import children_latest, unit_at, unit_profile, unit_versions
from reports.shared.cells import unit_label
from reports.shared.links import unit_url, url_with
from reports.shared.page_charts import chart_download, charts_figures, charts_html, page_base
from reports.shared.paging import page_urls
from reports.shared.sources import SourceList


def unit_code_param(code: str) -> str | None:
    """Return a GSO unit code from the URL (2 to 5 ASCII digits), else None."""
    return code if digits_param(code, max_length=5) and len(code) >= 2 else None


def province(request: HttpRequest, code: str) -> HttpResponse:
    """Render the profile of the province with this code in force on ``?on=`` (today by default)."""
    return _unit_page(request, level=Level.PROVINCE, code=code)


def unit(request: HttpRequest, level: str, code: str) -> HttpResponse:
    """Render the profile of a district or commune (or province) with this code at a date."""
    return _unit_page(request, level=level, code=code)


def _unit_page(request: HttpRequest, *, level: str, code: str) -> HttpResponse:
    form = ProfileForm(request.GET)
    day = (form.cleaned_data["on"] if form.is_valid() else None) or timezone.localdate()
    context = {"form": form, "level": level, "level_label": Level(level).label, "code": code[:10], "day": day}
    if form.errors:
        return render(request, "reports/province.html", context, status=400)
    found = unit_at(level=level, code=code, day=day) if unit_code_param(code) else None
    if found is None:
        versions = unit_versions(level=level, code=code) if unit_code_param(code) else []
        versions = [{"unit": u, "label": unit_label(u), "url": unit_url(u)} for u in versions]
        return render(request, "reports/province.html", {**context, "versions": versions}, status=404)
    profile = unit_profile(unit=found, day=day)
    # The charts' tables and CSV rows, and their figures, are built only when asked for (the page fetches them).
    wanted = request.GET.get("format")
    page = profile_charts(
        profile,
        csv_base=page_base(request, on=day.isoformat()),
        tables=wanted in {"csv", "table"},
        figures=wanted == "figures",
    )
    small_multiples = [c for c in page.charts if c.id != "rank-history"]
    if wanted == "figures":
        return charts_figures(page.charts)
    if (download := chart_download(request, page, filename=f"{level}_{found.code}_{day.isoformat()}")) is not None:
        return download
    # The charts' figures are fetched when scrolled to (~230 kB for a merged province with 40 indicators).
    figures_url = url_with(request, drop=("chart", "units_page"), on=day.isoformat(), format="figures")
    sources = SourceList()
    table = value_table(profile, sources=sources)  # before the children's table: sources numbered in page order
    on_page, without, units_page = children_page(profile, asked_page=request.GET.get("units_page", ""))
    children = children_table(
        on_page,
        latest=children_latest(parent=found, unit_ids=[child.pk for child in on_page]),
        without=without,
        page=units_page,
        sources=sources,
    )
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
            "table": table,
            "sources": sources.items,
            "small_multiples": small_multiples,
            "small_multiples_html": charts_html(small_multiples, figures_url=figures_url),
            "figures_url": figures_url,
            "rank_chart": next(c for c in page.charts if c.id == "rank-history"),
            "children": children,
            "children_page_urls": page_urls(request, children["page"], parameter="units_page"),
            "children_level": profile.children[0].level if profile.children else "",
        },
    )
