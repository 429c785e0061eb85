"""Pure chart builders for the profile, compare and indicator pages: DataFrame -> plotly Figure.

No ORM, no request: each builder takes a long DataFrame and returns a Figure, or None when there
is nothing to draw (the page then says so instead of showing an empty axis). Every string that
reaches the chart (axis titles, unit and series names, hover text) goes through
``indicators.charts.escape``, because plotly renders a subset of HTML in them and unit names come
from data. Titles are not drawn inside the figure: the page's figure caption carries them.
"""

import textwrap
from collections.abc import Callable

import pandas as pd

from indicators.charts import PALETTE, Figure, base_layout, escape

GREY = "#6b6b6b"
GRID = "#e5e5e5"
#: Line styles by kind of series: the unit itself, a predecessor/successor, an official or computed average.
DASHES = {"unit": "solid", "related": "dashdot", "official": "dash", "computed": "dot"}
#: Hover text of a line: the trace's own name (plotly.js fills it in), not a second copy of it in each trace's
#: JSON — a profile's rank history has a trace per indicator and unit, whose long names made half its figure.
NAME_HOVER = "%{fullData.name}<br>%{x}: %{y}<extra></extra>"
#: The height of a line chart (lines_figure, rank_figure): a small multiple of the profile, its rank history.
LINES_HEIGHT = 340


def _figure(traces: list[dict], layout: dict) -> Figure:
    # The dicts are built here from known keys: the JSON plotly.js draws, without plotly.py's
    # per-property validation and serialisation (most of the cost of a page of small multiples).
    return {"data": traces, "layout": layout}


def _layout(*, height: int = LINES_HEIGHT, legend: bool = True, x: dict | None = None, y: dict | None = None) -> dict:
    layout = base_layout(height=height, margin_left=56)
    layout.update(
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        margin={"l": 56, "r": 16, "t": 30, "b": 40},
        xaxis={"gridcolor": GRID, "zeroline": False, "automargin": True, **(x or {})},
        yaxis={"gridcolor": GRID, "zeroline": False, "automargin": True, **(y or {})},
    )
    return layout


def figure_outline(*, height: int = LINES_HEIGHT) -> Figure:
    """Return what a page needs of a figure it does not print: that there is one, and its height.

    A page of many small multiples prints an empty box of the figure's height (``_chart.html``) and fetches
    the figures from its figures URL when they come near the screen, so the page's own request need not build
    them (a province's forty line charts and rank history were a fifth of its server time).
    """
    return {"data": [], "layout": {"height": height}}


def _trace_per_group(data: pd.DataFrame, column: str, trace: Callable[[str, pd.DataFrame, str], dict]) -> list[dict]:
    """Return trace(escaped name, rows, palette colour) for each value of the column, in order of first appearance."""
    return [
        trace(escape(key), rows, PALETTE[index % len(PALETTE)])
        for index, (key, rows) in enumerate(data.groupby(column, sort=False))
    ]


def _year_axis(years: pd.Series | list[int]) -> dict:
    # Small multiples are narrow: one tick per year only for short series, else every 2 or 5 years.
    span = int(max(years)) - int(min(years)) if len(years) else 0
    return {"tickformat": "d", "dtick": 1 if span <= 6 else 2 if span <= 12 else 5}


def _axis_title(text: str) -> dict:
    return {"title": {"text": escape(text)}} if text else {}


def _mark_breaks(layout: dict, breaks: list[tuple[int, str]], *, label: str) -> None:
    """Draw a dashed vertical line before each series-break year, labelled, with the note on hover."""
    for year, note in breaks:
        layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "x0": year - 0.5,
                "x1": year - 0.5,
                "xref": "x",
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"dash": "dash", "color": GREY, "width": 1},
            }
        )
        layout.setdefault("annotations", []).append(
            {
                "x": year - 0.5,
                "y": 1,
                "yref": "paper",
                "text": escape(f"{label} {year}"),
                "hovertext": escape(note),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11, "color": GREY},
            }
        )


def lines_figure(
    frame: pd.DataFrame,
    *,
    y_title: str,
    breaks: list[tuple[int, str]] = (),
    break_label: str = "",
    from_zero: bool = False,
) -> Figure | None:
    """Return a line chart over years with one trace per series.

    frame columns: series (label), kind (unit / related / official / computed), year, value (a DataFrame
    or a dict of equal-length lists).
    Series keep the order in which they first appear; averages are drawn grey and dashed.
    from_zero starts the value axis at 0 (counts: a lone 1.746 otherwise gets ticks like 1.745,5).
    """
    # Plain Python over the columns: a page draws twenty of these from frames of a few dozen rows,
    # where pandas' per-call overhead (dropna, groupby, sort) cost more than the work itself.
    by_series: dict[str, list[tuple[int, float, str]]] = {}
    for series, kind, year, value in zip(frame["series"], frame["kind"], frame["year"], frame["value"], strict=True):
        if not pd.isna(value):
            by_series.setdefault(series, []).append((int(year), float(value), kind))
    if not by_series:
        return None
    traces, colour_index, years = [], 0, []
    for series, points in by_series.items():  # in order of first appearance
        points.sort(key=lambda point: point[0])
        kind = points[0][2]
        if kind in ("official", "computed"):
            colour = GREY
        else:
            colour = PALETTE[colour_index % len(PALETTE)]
            colour_index += 1
        name = escape(series)
        traces.append(
            {
                "type": "scatter",
                "x": [year for year, _value, _kind in points],
                "y": [value for _year, value, _kind in points],
                "mode": "lines+markers",
                "name": name,
                "line": {"color": colour, "dash": DASHES.get(kind, "solid"), "width": 2.5 if kind == "unit" else 1.5},
                "marker": {"size": 7 if kind in ("unit", "related") else 5},
                "hovertemplate": NAME_HOVER,
            }
        )
        years += [year for year, _value, _kind in points]
    y_axis = {**_axis_title(y_title), **({"rangemode": "tozero"} if from_zero else {})}
    layout = _layout(x=_year_axis(years), y=y_axis)
    _mark_breaks(layout, list(breaks), label=break_label)
    return _figure(traces, layout)


def rank_figure(frame: pd.DataFrame | dict[str, list], *, y_title: str) -> Figure | None:
    """Return rank over years (1 at the top), one trace per series, in order of first appearance.

    frame columns: series, year, rank (a DataFrame or a dict of equal-length lists); rows without a rank
    are left out.
    """
    by_series: dict[str, list[tuple[int, int]]] = {}
    for series, year, rank in zip(frame["series"], frame["year"], frame["rank"], strict=True):
        if rank is not None and not pd.isna(rank):
            by_series.setdefault(series, []).append((int(year), int(rank)))
    if not by_series:
        return None
    traces, years = [], []
    for index, (series, points) in enumerate(by_series.items()):
        points.sort(key=lambda point: point[0])
        traces.append(
            {
                "type": "scatter",
                "x": [year for year, _rank in points],
                "y": [rank for _year, rank in points],
                "mode": "lines+markers",
                "name": escape(series),
                "line": {"color": PALETTE[index % len(PALETTE)]},
                "hovertemplate": NAME_HOVER,
            }
        )
        years += [year for year, _rank in points]
    y_axis = {"autorange": "reversed", "tickformat": "d", **_axis_title(y_title)}
    return _figure(traces, _layout(x=_year_axis(years), y=y_axis))


def grouped_bar_figure(frame: pd.DataFrame, *, y_title: str) -> Figure | None:
    """Return a grouped bar chart: one group per indicator, one bar per unit.

    frame columns: unit, indicator, value.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None

    def trace(name: str, rows: pd.DataFrame, colour: str) -> dict:
        return {
            "type": "bar",
            "x": [escape(i) for i in rows["indicator"]],
            "y": [float(v) for v in rows["value"]],
            "name": name,
            "marker": {"color": colour},
            "hovertemplate": f"{name}<br>%{{x}}: %{{y}}<extra></extra>",
        }

    traces = _trace_per_group(data, "unit", trace)
    layout = _layout(height=400, y=_axis_title(y_title))
    layout["barmode"] = "group"
    return _figure(traces, layout)


def components_figure(frame: pd.DataFrame, *, x_title: str = "") -> Figure | None:
    """Return the component scores of several units as grouped horizontal bars, one colour per unit.

    frame columns: unit, component, value. The same figures as ``radar_figure`` (every unit's points in every
    component), drawn with plotly's cartesian bundle: the full bundle a polar chart needs weighs three times
    as much, and the long component names read better as rows than around a circle.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None

    # Long area names wrapped onto lines of ~24 characters, so that a phone keeps room for the bars; the
    # first component at the top (a categorical y axis runs bottom-up unless reversed).
    def label(component: str) -> str:
        return "<br>".join(escape(line) for line in textwrap.wrap(str(component), width=24)) or escape(component)

    order = [label(c) for c in dict.fromkeys(data["component"])]

    def trace(name: str, rows: pd.DataFrame, colour: str) -> dict:
        return {
            "type": "bar",
            "orientation": "h",
            "y": [label(c) for c in rows["component"]],
            "x": [float(v) for v in rows["value"]],
            "name": name,
            "marker": {"color": colour},
            "hovertemplate": f"{name}<br>%{{y}}: %{{x}}<extra></extra>",
        }

    traces = _trace_per_group(data, "unit", trace)
    units = data["unit"].nunique()
    layout = _layout(
        height=max(320, 90 + len(order) * (14 * units + 16)),
        x=_axis_title(x_title) | {"rangemode": "tozero"},
        y={"categoryorder": "array", "categoryarray": order, "autorange": "reversed", "gridcolor": "rgba(0,0,0,0)"},
    )
    layout["barmode"] = "group"
    # The legend above the bars: below, it would crowd the points axis's title.
    layout["legend"] = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}
    return _figure(traces, layout)


def radar_figure(frame: pd.DataFrame) -> Figure | None:
    """Return a polar chart of component scores, one closed trace per unit.

    frame columns: unit, component, value. Only components with a value are drawn.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None

    def trace(name: str, rows: pd.DataFrame, colour: str) -> dict:
        theta = [escape(c) for c in rows["component"]]
        values = [float(v) for v in rows["value"]]
        return {
            "type": "scatterpolar",
            "r": [*values, values[0]],
            "theta": [*theta, theta[0]],
            "name": name,
            "mode": "lines+markers",
            "line": {"color": colour},
            "hovertemplate": f"{name}<br>%{{theta}}: %{{r}}<extra></extra>",
        }

    traces = _trace_per_group(data, "unit", trace)
    layout = _layout(height=460)
    layout["polar"] = {"radialaxis": {"rangemode": "tozero", "gridcolor": GRID}}
    return _figure(traces, layout)


def scatter_figure(frame: pd.DataFrame, *, x_title: str, y_title: str) -> Figure | None:
    """Return a scatter of two indicators across units, the highlighted units labelled and coloured.

    frame columns: unit, x, y, highlighted (bool), url (profile link, opened on click).
    """
    data = frame.dropna(subset=["x", "y"])
    if data.empty:
        return None
    traces = []
    for highlighted, rows in ((False, data[~data["highlighted"]]), (True, data[data["highlighted"]])):
        if rows.empty:
            continue
        names = [escape(u) for u in rows["unit"]]
        trace = {
            "type": "scatter",
            "x": [float(v) for v in rows["x"]],
            "y": [float(v) for v in rows["y"]],
            "mode": "markers+text" if highlighted else "markers",
            "textposition": "top center",
            "showlegend": False,
            "customdata": rows["url"].tolist(),
            "hovertext": names,
            "marker": {
                "size": 12 if highlighted else 8,
                "color": PALETTE[5] if highlighted else PALETTE[0],
                "opacity": 1 if highlighted else 0.6,
                "line": {"width": 1, "color": "#ffffff"},
            },
            "hovertemplate": "%{hovertext}<br>x: %{x}<br>y: %{y}<extra></extra>",
        }
        if highlighted:
            trace["text"] = names
        traces.append(trace)
    return _figure(traces, _layout(height=460, x=_axis_title(x_title), y=_axis_title(y_title)))


def distribution_figure(
    frame: pd.DataFrame, *, y_title: str, breaks: list[tuple[int, str]] = (), break_label: str = ""
) -> Figure | None:
    """Return a box per year with every unit drawn as a point (name on hover, click opens its profile).

    frame columns: year, unit, value, url.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None
    data = data.sort_values(["year", "value"])
    trace = {
        "type": "box",
        "x": [int(y) for y in data["year"]],
        "y": [float(v) for v in data["value"]],
        "boxpoints": "all",
        "jitter": 0.4,
        "pointpos": 0,
        "hovertext": [escape(u) for u in data["unit"]],
        "customdata": data["url"].tolist(),
        "hovertemplate": "%{hovertext}<br>%{x}: %{y}<extra></extra>",
        "marker": {"color": PALETTE[0], "size": 7, "opacity": 0.8},
        "line": {"color": GREY},
        "fillcolor": "rgba(0,114,178,0.08)",
        "name": "",
        "showlegend": False,
    }
    layout = _layout(height=420, x=_year_axis(data["year"]), y=_axis_title(y_title))
    _mark_breaks(layout, list(breaks), label=break_label)
    return _figure([trace], layout)


def movers_figure(frame: pd.DataFrame, *, x_title: str) -> Figure | None:
    """Return horizontal bars of change between two years, improvements and declines in two colours.

    frame columns: unit, change, improved (bool), url. Rows are drawn top to bottom in frame order.
    """
    data = frame.dropna(subset=["change"])
    if data.empty:
        return None
    trace = {
        "type": "bar",
        "x": [float(v) for v in data["change"]],
        "y": [escape(u) for u in data["unit"]],
        "orientation": "h",
        "customdata": data["url"].tolist(),
        "marker": {"color": [PALETTE[2] if i else PALETTE[5] for i in data["improved"]]},
        "hovertemplate": "%{y}: %{x:+}<extra></extra>",
        "showlegend": False,
    }
    x_axis = {"zeroline": True, "zerolinecolor": GREY, **_axis_title(x_title)}
    layout = _layout(height=max(260, 40 + 28 * len(data)), legend=False, x=x_axis, y={"autorange": "reversed"})
    return _figure([trace], layout)
