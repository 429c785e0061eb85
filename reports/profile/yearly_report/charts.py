"""The yearly report's figures: pure functions from the report to plotly figures (no ORM, no request)."""

import html

from django.utils.translation import gettext as _

from indicators.charts import AVERAGE_COLOUR, PALETTE, PLOTLY_TEMPLATE, Figure, base_layout, escape
from indicators.formatting import format_value, plot_separators
from indicators.models import AverageScope
from provinces.models import Level
from reports.profile.yearly_report.page import peers_name
from reports.profile.yearly_report.selectors import ReportLine, YearReport

#: The report draws the first indicators of the catalogue order (the headline indices come first).
MAX_CHARTS = 6


def trend_figure(report: YearReport, line: ReportLine) -> Figure | None:
    """Return the unit's figures of one indicator over the years, with the national and regional averages."""
    values = report.profile.values
    own = values[(values["unit_id"] == report.unit.pk) & (values["indicator"] == line.code)].dropna(subset=["value"])
    if own.empty:
        return None
    own = own.sort_values("year")
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": escape(report.unit.short_name),
            "x": [int(y) for y in own["year"]],
            "y": [float(v) for v in own["value"]],
            "line": {"color": PALETTE[0], "width": 3},
        }
    ]
    averages = report.averages
    peers = (
        _("country")
        if report.unit.level == Level.PROVINCE
        else _("average: %(peers)s") % {"peers": peers_name(report.unit)}
    )
    for scope, label, dash in (
        (AverageScope.NATIONAL, peers, "dash"),
        (AverageScope.REGION, _("region"), "dot"),
    ):
        rows = (
            averages[(averages["indicator"] == line.code) & (averages["scope"] == scope)]
            if not averages.empty
            else averages
        )
        if rows.empty:
            continue
        rows = rows.sort_values("year")
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": escape(label),
                "x": [int(y) for y in rows["year"]],
                "y": [float(v) for v in rows["value"]],
                "line": {"color": AVERAGE_COLOUR if scope == AverageScope.NATIONAL else "#666666", "dash": dash},
            }
        )
    layout = base_layout(height=360, margin_left=56)
    layout.update(
        showlegend=True,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        margin={"l": 56, "r": 16, "t": 24, "b": 40},
        xaxis={"tickformat": "d", "dtick": 1, "automargin": True},
        yaxis={"automargin": True},
        separators=plot_separators(),
        shapes=[
            {
                "type": "line",
                "x0": report.year,
                "x1": report.year,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#999999", "width": 1},
            }
        ],
    )
    return {"data": traces, "layout": layout}


def report_figures(report: YearReport) -> list[tuple[ReportLine, Figure]]:
    """Return the figures the report shows: one per indicator with a series, the first MAX_CHARTS of them."""
    figures = []
    for line in report.lines:
        figure = trend_figure(report, line)
        if figure is not None:
            figures.append((line, figure))
        if len(figures) == MAX_CHARTS:
            break
    return figures


def for_document(figure: Figure, *, title: str) -> Figure:
    """Return the figure as a document shows it: plotly.py's default template (charts.js applies it on the
    page) and its title drawn in the image, since a pasted picture travels without the page's caption."""
    layout = {
        **figure["layout"],
        "template": PLOTLY_TEMPLATE,
        "title": {"text": escape(title), "font": {"size": 15}, "x": 0.01, "xanchor": "left"},
        "margin": {**figure["layout"]["margin"], "t": 56},
    }
    return {"data": figure["data"], "layout": layout}


def figure_table(figure: Figure, line: ReportLine) -> tuple[list[str], list[list[str]]]:
    """Return the figure's data as a table (Year, then one column per series) for the page's data view."""
    traces = figure["data"]
    years = sorted({year for trace in traces for year in trace["x"]})
    by_trace = [dict(zip(trace["x"], trace["y"], strict=True)) for trace in traces]
    rows = [
        [str(year)]
        + [
            format_value(series.get(year), decimals=line.decimals, measure_unit=line.measure_unit)
            for series in by_trace
        ]
        for year in years
    ]
    return [_("Year"), *[html.unescape(trace["name"]) for trace in traces]], rows
