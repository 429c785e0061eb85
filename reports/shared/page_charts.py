"""The charts of a page (profile, compare, indicator) and their CSV downloads: the figures, their tables and the CSV link of each."""

import json
from dataclasses import dataclass, field

import pandas as pd
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.charts import ChartContext, chart_context
from indicators.exports import csv_response
from indicators.formatting import is_missing
from indicators.models import RankBasis
from reports.shared.links import url_with


@dataclass
class PageCharts:
    """The charts of a page and, per chart id, the raw rows of its CSV download."""

    csv_base: str
    charts: list[ChartContext] = field(default_factory=list)
    csv: dict[str, tuple[list[str], list[list[object]]]] = field(default_factory=dict)

    def add(
        self,
        *,
        chart_id: str,
        title: str,
        figure: object,
        columns: list[str],
        rows: list[list[object]],
        csv_columns: list[str],
        csv_rows: list[list[object]],
        empty_message: str = "",
        note: str = "",
        table_on_demand: bool = False,
    ) -> ChartContext:
        """Add one chart with its display table and CSV rows; return its context.

        ``table_on_demand``: the page prints no data table for this chart but a "show the data as a
        table" that fetches it (``?chart=ID&format=table``, see ``chart_table``) when opened.
        """
        separator = "&" if "?" in self.csv_base else "?"
        base = f"{self.csv_base}{separator}chart={chart_id}"
        chart = chart_context(
            chart_id=chart_id,
            title=title,
            figure=figure,
            columns=columns,
            rows=rows,
            csv_url=f"{base}&format=csv" if figure is not None else "",
            empty_message=empty_message,
            note=note,
            table_url=f"{base}&format=table" if figure is not None and table_on_demand else "",
        )
        self.charts.append(chart)
        self.csv[chart_id] = (csv_columns, csv_rows)
        return chart


#: The chart CSVs' column keys, written in the page's language (issue 15); other columns are series names
#: (units, indicators) and stay as they are.
CSV_HEADERS = {
    "year": _("Year"),
    "code": _("GSO code"),
    "unit": _("Unit"),
    "province": _("Province"),
    "indicator": _("Indicator"),
    "component": _("Component"),
    "value": _("Value"),
    "points": _("Points"),
    "before": _("Before"),
    "after": _("After"),
    "change": _("Change"),
    "computed_rank": _("Computed rank"),
    "ranked_units": _("Units ranked"),
    "published_rank": _("Published rank"),
    "rank_basis": _("Rank basis"),
}


def chart_csv(page: PageCharts, chart_id: str, *, filename: str) -> HttpResponse | None:
    """Return the CSV of one chart's data (see indicators.exports) in the page's language, or None if unknown."""
    if chart_id not in page.csv:
        return None
    columns, rows = page.csv[chart_id]
    if "rank_basis" in columns:
        at = columns.index("rank_basis")
        rows = [[*row[:at], _choice_label(row[at]), *row[at + 1 :]] for row in rows]
    header = [str(CSV_HEADERS[c]) if c in CSV_HEADERS else c for c in columns]
    return csv_response(filename=f"{filename}_{chart_id}.csv", columns=header, rows=rows)


def _choice_label(basis: object) -> object:
    return str(RankBasis(basis).label) if basis in RankBasis.values else basis


def wide_rows(frame: pd.DataFrame, *, fmt) -> tuple[list[str], list[list[object]], list[list[object]]]:
    """Return series labels and the year-by-series rows (display and raw) of a long frame."""
    points = [
        (s, int(y), float(v))
        for s, y, v in zip(frame["series"], frame["year"], frame["value"], strict=True)
        if not is_missing(v)
    ]
    series = list(dict.fromkeys(s for s, _year, _value in points))
    cells = {(s, y): v for s, y, v in points}
    display, raw = [], []
    for year in sorted({y for _series, y, _value in points}):
        numbers = [cells.get((s, year)) for s in series]
        display.append([year] + ["" if v is None else fmt(v) for v in numbers])
        raw.append([year, *numbers])
    return series, display, raw


def page_base(request: HttpRequest, **fixed: str) -> str:
    """Return the page's URL without the download parameters (chart, format), with fixed parameters set."""
    return url_with(request, drop=("chart", "format"), **fixed)


def chart_table(request: HttpRequest, page: PageCharts, chart_id: str) -> HttpResponse:
    """Return the data table of one chart as an HTML fragment (its "show the data as a table" on demand).

    An unknown chart id, or a chart without data, is a 404: the fragment is asked for by the page's script.
    """
    chart = next((c for c in page.charts if c.id == chart_id and c.rows), None)
    if chart is None:
        raise Http404(_("This page has no chart “%(chart)s” with data.") % {"chart": chart_id[:60]})
    response = render(request, "reports/_chart_table.html", {"chart": chart})
    response["X-Robots-Tag"] = "noindex"
    return response


def charts_figures(charts: list[ChartContext]) -> HttpResponse:
    """Return the figures of these charts as one JSON object {chart id: figure} (fetched by static/reports/charts.js).

    A page of many small multiples sends this once, on demand, instead of a figure per chart in its HTML.
    """
    body = json.dumps(
        {chart.id: chart.figure for chart in charts if chart.figure is not None},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    response = HttpResponse(body, content_type="application/json")
    response["X-Robots-Tag"] = "noindex"
    return response


def chart_download(request: HttpRequest, page: PageCharts, *, filename: str) -> HttpResponse | None:
    """Return what a chart's link asks for, else None (show the page).

    ``?format=csv&chart=ID``: the chart's CSV (an unknown chart shows the page); ``?format=table&chart=ID``:
    its data table as an HTML fragment (an unknown chart is a 404).
    """
    asked = request.GET.get("format")
    if asked == "table":
        return chart_table(request, page, request.GET.get("chart", ""))
    if asked != "csv":
        return None
    return chart_csv(page, request.GET.get("chart", ""), filename=filename)


def charts_html(charts: list[ChartContext], *, figures_url: str) -> SafeString:
    """Return the charts as ``{% include "reports/_chart.html" with chart=c figures_url=… %}`` wrote them, byte for byte.

    A profile shows ~40 small multiples, and the template engine's ~30 tags and lookups per chart were a
    sixth of the page's time. The figures are fetched from ``figures_url`` (never printed in the page); a
    chart whose table is printed in the page (rows without ``table_url``) still goes through the template.
    """
    texts = {
        "needs_js": gettext("The chart needs JavaScript; its data can be downloaded as CSV below."),
        "needs_js_above": gettext("The chart needs JavaScript; its data are in the table above."),
        "source": gettext("Source"),
        "png": gettext("Download PNG"),
        "copied": gettext("Link copied"),
        "copy": gettext("Copy link to this chart"),
        "csv": gettext("Download CSV"),
        "show": gettext("Show the data as a table"),
        "csv_data": gettext("Download the data (CSV)"),
        "empty": gettext("No data to chart for this selection."),
    }
    texts = {key: conditional_escape(text) for key, text in texts.items()}
    url = conditional_escape(figures_url)
    parts = []
    for chart in charts:
        if (chart.rows and not chart.table_url) or not figures_url or not isinstance(chart.figure or {}, dict):
            parts.append(render_to_string("reports/_chart.html", {"chart": chart, "figures_url": figures_url}))
        else:
            parts.append(_chart_html(chart, url=url, texts=texts))
    return mark_safe("".join(parts))  # noqa: S308 — every text escaped (conditional_escape), as the template does


def _chart_html(chart: ChartContext, *, url: str, texts: dict[str, str]) -> str:
    chart_id, title = conditional_escape(chart.id), conditional_escape(chart.title)
    html = (
        f'<figure class="chart-block" id="{chart_id}-block" aria-labelledby="{chart_id}-title">\n'
        f'<figcaption class="chart-title" id="{chart_id}-title">{title}</figcaption>\n'
    )
    if not chart.figure:
        empty = conditional_escape(chart.empty_message) if chart.empty_message else texts["empty"]
        return html + f'\n<p class="notice chart-empty">{empty}</p>\n\n</figure>\n'
    layout = chart.figure.get("layout")
    height = layout.get("height") if isinstance(layout, dict) else None
    style = f' style="min-height: {"%d" % height}px"' if height else ""  # noqa: UP031 — the template's stringformat:'d'
    summary = f": {conditional_escape(chart.summary)}" if chart.summary else ""
    html += (
        f'\n\n<div class="chart" id="{chart_id}-plot" data-figure-id="{chart_id}" data-figures-url="{url}"{style}'
        f' role="img" aria-label="{title}{summary}"></div>\n'
        f'<noscript><p class="notice">{texts["needs_js"] if chart.table_url else texts["needs_js_above"]}</p></noscript>\n'
    )
    if chart.note:
        html += f'<p class="chart-note">{conditional_escape(chart.note)}</p>'
    csv_url = conditional_escape(chart.csv_url)
    html += (
        '\n<div class="chart-actions">\n'
        f'<button type="button" class="chart-png" data-chart="{chart_id}" data-filename="{conditional_escape(chart.filename)}"'
        f' data-title="{title}" data-sources="" data-source-label="{texts["source"]}" hidden>{texts["png"]}</button>\n'
        f'<button type="button" class="chart-link-copy button--secondary" data-chart="{chart_id}"'
        f' data-copied="{texts["copied"]}" hidden>{texts["copy"]}</button>\n'
    )
    if chart.csv_url:
        html += f'<a class="chart-csv" href="{csv_url}" download>{texts["csv"]}</a>'
    html += "\n</div>\n"
    if chart.table_url:
        html += (
            f'<details class="chart-data" data-table-url="{conditional_escape(chart.table_url)}">\n'
            f"<summary>{texts['show']}</summary>\n"
            f'<div class="chart-data-body" aria-live="polite"><p><a href="{csv_url}" download>{texts["csv_data"]}</a></p></div>\n'
            "</details>"
        )
    return html + "\n\n</figure>\n"
