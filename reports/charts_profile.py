"""Pure chart builders for the profile, compare and indicator pages: DataFrame -> plotly Figure.

No ORM, no request: each builder takes a long DataFrame and returns a Figure, or None when there
is nothing to draw (the page then says so instead of showing an empty axis). Every string that
reaches the chart (axis titles, unit and series names, hover text) goes through
``reports.charts.escape``, because plotly renders a subset of HTML in them and unit names come
from data. Titles are not drawn inside the figure: the page's figure caption carries them.
"""

import pandas as pd
import plotly.graph_objects as go

from reports.charts import PALETTE, base_layout, escape

GREY = "#6b6b6b"
#: Line styles by kind of series: the unit itself, a predecessor/successor, an official or computed average.
DASHES = {"unit": "solid", "related": "dashdot", "official": "dash", "computed": "dot"}


def _layout(fig: go.Figure, *, height: int = 340, legend: bool = True) -> go.Figure:
    layout = base_layout(height=height, margin_left=56)
    layout.update(
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        margin={"l": 56, "r": 16, "t": 30, "b": 40},
    )
    fig.update_layout(**layout)
    fig.update_xaxes(gridcolor="#e5e5e5", zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=False, automargin=True)
    return fig


def _year_axis(fig: go.Figure, years: pd.Series) -> None:
    span = int(years.max()) - int(years.min()) if len(years) else 0
    fig.update_xaxes(tickformat="d", dtick=1 if span <= 12 else 2, title_text="")


def _mark_breaks(fig: go.Figure, breaks: list[tuple[int, str]], *, label: str) -> None:
    """Draw a dashed vertical line before each series-break year, labelled, with the note on hover."""
    for year, note in breaks:
        fig.add_vline(x=year - 0.5, line_dash="dash", line_color=GREY, line_width=1)
        fig.add_annotation(
            x=year - 0.5,
            y=1,
            yref="paper",
            text=escape(f"{label} {year}"),
            hovertext=escape(note),
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11, "color": GREY},
        )


def lines_figure(
    frame: pd.DataFrame, *, y_title: str, breaks: list[tuple[int, str]] = (), break_label: str = ""
) -> go.Figure | None:
    """Return a line chart over years with one trace per series.

    frame columns: series (label), kind (unit / related / official / computed), year, value.
    Series keep the order in which they first appear; averages are drawn grey and dashed.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None
    fig = go.Figure()
    colour_index = 0
    for series, rows in data.groupby("series", sort=False):
        rows = rows.sort_values("year")
        kind = rows["kind"].iloc[0]
        if kind in ("official", "computed"):
            colour = GREY
        else:
            colour = PALETTE[colour_index % len(PALETTE)]
            colour_index += 1
        name = escape(str(series))
        fig.add_trace(
            go.Scatter(
                x=rows["year"].astype(int).tolist(),
                y=rows["value"].astype(float).tolist(),
                mode="lines+markers",
                name=name,
                line={"color": colour, "dash": DASHES.get(kind, "solid"), "width": 2.5 if kind == "unit" else 1.5},
                marker={"size": 7 if kind in ("unit", "related") else 5},
                hovertemplate=f"{name}<br>%{{x}}: %{{y}}<extra></extra>",
            )
        )
    _layout(fig)
    _year_axis(fig, data["year"])
    fig.update_yaxes(title_text=escape(y_title))
    _mark_breaks(fig, list(breaks), label=break_label)
    return fig


def rank_figure(frame: pd.DataFrame, *, y_title: str) -> go.Figure | None:
    """Return rank over years (1 at the top), one trace per series.

    frame columns: series, year, rank.
    """
    data = frame.dropna(subset=["rank"])
    if data.empty:
        return None
    fig = go.Figure()
    for index, (series, rows) in enumerate(data.groupby("series", sort=False)):
        rows = rows.sort_values("year")
        name = escape(str(series))
        fig.add_trace(
            go.Scatter(
                x=rows["year"].astype(int).tolist(),
                y=rows["rank"].astype(int).tolist(),
                mode="lines+markers",
                name=name,
                line={"color": PALETTE[index % len(PALETTE)]},
                hovertemplate=f"{name}<br>%{{x}}: %{{y}}<extra></extra>",
            )
        )
    _layout(fig)
    _year_axis(fig, data["year"])
    fig.update_yaxes(autorange="reversed", title_text=escape(y_title), rangemode="tozero")
    return fig


def grouped_bar_figure(frame: pd.DataFrame, *, y_title: str) -> go.Figure | None:
    """Return a grouped bar chart: one group per indicator, one bar per unit.

    frame columns: unit, indicator, value.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None
    fig = go.Figure()
    for index, (unit, rows) in enumerate(data.groupby("unit", sort=False)):
        name = escape(str(unit))
        fig.add_trace(
            go.Bar(
                x=[escape(str(i)) for i in rows["indicator"]],
                y=rows["value"].astype(float).tolist(),
                name=name,
                marker={"color": PALETTE[index % len(PALETTE)]},
                hovertemplate=f"{name}<br>%{{x}}: %{{y}}<extra></extra>",
            )
        )
    _layout(fig, height=400)
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text=escape(y_title))
    return fig


def radar_figure(frame: pd.DataFrame) -> go.Figure | None:
    """Return a polar chart of component scores, one closed trace per unit.

    frame columns: unit, component, value. Only components with a value are drawn.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None
    fig = go.Figure()
    for index, (unit, rows) in enumerate(data.groupby("unit", sort=False)):
        name = escape(str(unit))
        theta = [escape(str(c)) for c in rows["component"]]
        values = rows["value"].astype(float).tolist()
        fig.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*theta, theta[0]],
                name=name,
                mode="lines+markers",
                line={"color": PALETTE[index % len(PALETTE)]},
                hovertemplate=f"{name}<br>%{{theta}}: %{{r}}<extra></extra>",
            )
        )
    _layout(fig, height=460)
    fig.update_layout(polar={"radialaxis": {"rangemode": "tozero", "gridcolor": "#e5e5e5"}})
    return fig


def scatter_figure(frame: pd.DataFrame, *, x_title: str, y_title: str) -> go.Figure | None:
    """Return a scatter of two indicators across units, the highlighted units labelled and coloured.

    frame columns: unit, x, y, highlighted (bool), url (profile link, opened on click).
    """
    data = frame.dropna(subset=["x", "y"])
    if data.empty:
        return None
    fig = go.Figure()
    for highlighted, rows in ((False, data[~data["highlighted"]]), (True, data[data["highlighted"]])):
        if rows.empty:
            continue
        names = [escape(str(u)) for u in rows["unit"]]
        fig.add_trace(
            go.Scatter(
                x=rows["x"].astype(float).tolist(),
                y=rows["y"].astype(float).tolist(),
                mode="markers+text" if highlighted else "markers",
                text=names if highlighted else None,
                textposition="top center",
                showlegend=False,
                customdata=rows["url"].tolist(),
                hovertext=names,
                marker={
                    "size": 12 if highlighted else 8,
                    "color": PALETTE[5] if highlighted else PALETTE[0],
                    "opacity": 1 if highlighted else 0.6,
                    "line": {"width": 1, "color": "#ffffff"},
                },
                hovertemplate="%{hovertext}<br>x: %{x}<br>y: %{y}<extra></extra>",
            )
        )
    _layout(fig, height=460)
    fig.update_xaxes(title_text=escape(x_title))
    fig.update_yaxes(title_text=escape(y_title))
    return fig


def distribution_figure(
    frame: pd.DataFrame, *, y_title: str, breaks: list[tuple[int, str]] = (), break_label: str = ""
) -> go.Figure | None:
    """Return a box per year with every unit drawn as a point (name on hover, click opens its profile).

    frame columns: year, unit, value, url.
    """
    data = frame.dropna(subset=["value"])
    if data.empty:
        return None
    data = data.sort_values(["year", "value"])
    fig = go.Figure(
        go.Box(
            x=data["year"].astype(int).tolist(),
            y=data["value"].astype(float).tolist(),
            boxpoints="all",
            jitter=0.4,
            pointpos=0,
            hovertext=[escape(str(u)) for u in data["unit"]],
            customdata=data["url"].tolist(),
            hovertemplate="%{hovertext}<br>%{x}: %{y}<extra></extra>",
            marker={"color": PALETTE[0], "size": 7, "opacity": 0.8},
            line={"color": GREY},
            fillcolor="rgba(0,114,178,0.08)",
            name="",
            showlegend=False,
        )
    )
    _layout(fig, height=420)
    _year_axis(fig, data["year"])
    fig.update_yaxes(title_text=escape(y_title))
    _mark_breaks(fig, list(breaks), label=break_label)
    return fig


def movers_figure(frame: pd.DataFrame, *, x_title: str) -> go.Figure | None:
    """Return horizontal bars of change between two years, improvements and declines in two colours.

    frame columns: unit, change, improved (bool), url. Rows are drawn top to bottom in frame order.
    """
    data = frame.dropna(subset=["change"])
    if data.empty:
        return None
    fig = go.Figure(
        go.Bar(
            x=data["change"].astype(float).tolist(),
            y=[escape(str(u)) for u in data["unit"]],
            orientation="h",
            customdata=data["url"].tolist(),
            marker={"color": [PALETTE[2] if i else PALETTE[5] for i in data["improved"]]},
            hovertemplate="%{y}: %{x:+}<extra></extra>",
            showlegend=False,
        )
    )
    _layout(fig, height=max(260, 40 + 28 * len(data)), legend=False)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=escape(x_title), zeroline=True, zerolinecolor=GREY)
    return fig
