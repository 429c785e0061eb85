"""The indicator pages: the catalogue and one indicator's map, distribution and movers."""

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from indicators.formatting import format_value
from reports.indicator.forms import IndicatorForm
from reports.indicator.page import catalogue_groups, indicator_charts
from reports.indicator.selectors import (
    catalogue_with_coverage,
    indicator_by_code,
    indicator_province_values,
    indicator_sources,
    national_averages,
    provinces_of_year,
)
from reports.shared.links import safe_url
from reports.shared.page_charts import PageCharts, chart_download, page_base
from reports.shared.sources import source_badge


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
    form = IndicatorForm(request.GET, years=years)
    map_year = form.map_year()
    page = PageCharts(csv_base=page_base(request, **({"year": str(map_year)} if map_year else {})))
    summary = indicator_charts(
        page=page,
        indicator=indicator,
        values=values,
        map_year=map_year,
        provinces=provinces_of_year(year=map_year) if map_year else pd.DataFrame(),
    )
    if (download := chart_download(request, page, filename=f"{indicator.code}")) is not None:
        return download
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
            "form": form,
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
