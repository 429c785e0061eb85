"""Chart builders: pure functions from a pandas DataFrame to a Plotly figure (no ORM, no request).

A figure is the plain JSON that plotly.js draws, ``{"data": [traces], "layout": {...}}``, built
from known keys. plotly.graph_objects is not used per request: its per-property validation and
``to_json`` made up most of a page's server time (a profile with twenty small multiples spent
~150 ms in them). The only things taken from plotly.py, once at import, are its default layout
template and the expanded sequential colour scale, so the figures draw exactly as before. The
template is not repeated in each figure: ``_chart_scripts.html`` sends it once per page
(``{% plotly_template %}``) and charts.js applies it to every figure.

Views wrap a figure in a ``ChartContext`` and include ``templates/reports/_chart.html``, which
renders the figure as JSON (drawn by ``static/reports/charts.js`` with the site's own
plotly.js), its data as an accessible table and the PNG/CSV downloads. A builder given no data
returns None, and the template then shows a clear message instead of an empty axis.

Every text that reaches Plotly (unit names in hover labels, titles) goes through ``escape``:
Plotly renders a subset of HTML in labels, and names come from imported data.

The shared helpers (``ChartContext``, ``chart_context``, ``base_layout``, ``escape``, the
colour constants) are also used by the profile, compare and indicator charts in
``indicators/figures.py``.
"""

import html
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from indicators.formatting import plot_separators, value_formatter

# Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BAR_COLOUR = "#0072B2"
HIGHLIGHT_COLOUR = "#E69F00"
AVERAGE_COLOUR = "#000000"
NO_DATA_COLOUR = "#d9d9d9"
# Sequential scale for values (dark blue → yellow), readable in greyscale and by colour-blind readers.
SEQUENTIAL_SCALE = "Cividis"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, Arial, sans-serif"

#: A Plotly figure as plotly.js takes it: {"data": [trace dicts], "layout": {...}}.
Figure = dict
#: plotly.py's default layout template ("plotly") as JSON, which go.Figure used to embed in every
#: figure; now sent once per page and applied by static/reports/charts.js.
PLOTLY_TEMPLATE = json.loads(go.Figure().to_json())["layout"]["template"]
#: The named sequential scale expanded to [[fraction, colour], ...] as plotly.py wrote it.
SEQUENTIAL_COLOURS = json.loads(go.Heatmap(colorscale=SEQUENTIAL_SCALE).to_json())["colorscale"]


@dataclass(frozen=True)
class ChartContext:
    """Everything ``_chart.html`` needs to show one chart, its data table and its downloads.

    ``figure`` is a JSON-ready Plotly figure (see ``Figure``), or None when there is nothing to draw
    (the template then shows ``empty_message``). ``rows`` are display strings, already
    formatted for the active language; the CSV at ``csv_url`` carries the raw numbers. With a
    ``table_url`` the page does not print the rows: its "show the data as a table" fetches them from
    that URL when opened (a page of many small multiples), and links the CSV without JavaScript.
    """

    id: str
    title: str
    figure: dict | None
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    csv_url: str = ""
    empty_message: str = ""
    note: str = ""
    summary: str = ""
    filename: str = ""
    table_url: str = ""


def chart_context(
    *,
    chart_id: str,
    title: str,
    figure: Figure | None,
    columns: Sequence[str] = (),
    rows: Sequence[Sequence[object]] = (),
    csv_url: str = "",
    empty_message: str = "",
    note: str = "",
    summary: str = "",
    filename: str = "",
    table_url: str = "",
) -> ChartContext:
    """Return the context of one chart; rows are turned into strings for the data table."""
    return ChartContext(
        id=chart_id,
        title=str(title),
        figure=figure,
        columns=[str(c) for c in columns],
        rows=[["" if cell is None else str(cell) for cell in row] for row in rows],
        csv_url=csv_url,
        empty_message=str(empty_message),
        note=str(note),
        summary=str(summary),
        filename=filename or chart_id,
        table_url=table_url,
    )


def escape(text: object) -> str:
    """Return text safe to place in a Plotly label (Plotly renders a subset of HTML)."""
    return html.escape("" if text is None else str(text), quote=False)


def base_layout(*, height: int, title: str = "", margin_left: int = 10) -> dict:
    """Return the layout shared by every chart: system font, language-aware number separators, no title bar clutter."""
    layout = {
        "height": height,
        "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
        "separators": plot_separators(),
        "margin": {"l": margin_left, "r": 20, "t": 40 if title else 10, "b": 40},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT}},
    }
    if title:
        layout["title"] = {"text": escape(title)}
    return layout


def _unique_labels(names: Sequence[str], codes: Sequence[str]) -> list[str]:
    """Return names as axis labels, adding the code where two units share a name (communes often do)."""
    counts = Counter(names)
    return [escape(n) if counts[n] == 1 else f"{escape(n)} ({escape(c)})" for n, c in zip(names, codes, strict=True)]


def ranking_bar_figure(
    ranking: pd.DataFrame,
    *,
    decimals: int,
    measure_unit: str,
    value_label: str,
    average: float | None = None,
    average_label: str = "",
    highlight_code: str | None = None,
) -> Figure | None:
    """Return a horizontal bar chart of a ranking, best at the top, with the average as a dashed line.

    ``ranking`` has columns code, name, value, rank, url (one row per unit, in rank order);
    units without a value are left out (they have no rank). The highlighted unit's bar is
    orange, the others blue; hovering shows value and rank, clicking opens the unit's profile.
    """
    ranked = ranking[ranking["value"].notna()]
    if ranked.empty:
        return None
    labels = _unique_labels(ranked["name"].tolist(), ranked["code"].tolist())
    values = [float(v) for v in ranked["value"]]
    colours = [HIGHLIGHT_COLOUR if code == highlight_code else BAR_COLOUR for code in ranked["code"]]
    shown, label_text = value_formatter(decimals=decimals, measure_unit=measure_unit), escape(value_label)
    hover = [
        f"<b>{label}</b><br>{label_text}: {shown(value)}<br>#{int(rank)}"
        for label, value, rank in zip(labels, values, ranked["rank"], strict=True)
    ]
    bar = {
        "type": "bar",
        "x": values,
        "y": labels,
        "orientation": "h",
        "marker": {"color": colours},
        "customdata": ranked["url"].tolist(),
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "name": escape(value_label),
    }
    layout = base_layout(height=max(240, 22 * len(ranked) + 110), margin_left=10)
    layout["margin"]["t"] = 40  # room for the average line's label above the bars
    low, high = min(values), max(values)
    if average is not None:
        low, high = min(low, average), max(high, average)
    padding = (high - low) * 0.15 or abs(high) * 0.05 or 1
    layout.update(
        xaxis={
            "title": {"text": escape(value_label)},
            "range": [low - padding, high + padding],
            "gridcolor": "#e5e5e5",
        },
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12}},
        showlegend=False,
        bargap=0.25,
    )
    traces = [bar]
    if average is not None:
        # A dashed vertical line over the bars, named in a legend above the chart's left edge (the container's,
        # not the plot's: a label centred on the line, or starting at the plot's edge after the unit names, ran
        # off the chart on a phone; charts.js wraps a legend entry to the chart's width).
        line_at = {"x0": float(average), "x1": float(average), "xref": "x", "y0": 0, "y1": 1, "yref": "y domain"}
        line = {"color": AVERAGE_COLOUR, "dash": "dash", "width": 2}
        layout["shapes"] = [{"type": "line", **line_at, "line": line}]
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "line": line,
                "name": escape(average_label),
                "hoverinfo": "skip",
            }
        )
        bar["showlegend"] = False
        layout.update(
            showlegend=True,
            legend={
                "orientation": "h",
                "x": 0,
                "xref": "container",
                "xanchor": "left",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "font": {"size": 12},
            },
        )
    return {"data": traces, "layout": layout}


def tile_map_figure(
    tiles: pd.DataFrame,
    *,
    layout: pd.DataFrame,
    decimals: int,
    measure_unit: str,
    value_label: str,
    no_data_label: str,
    rank_label: str,
) -> Figure | None:
    """Return a tile map: one equal square per province at its grid cell, coloured by value.

    ``tiles`` has columns code, name, value, rank, url (one row per province of the year's
    structure); ``layout`` has columns code, row, col, label (from reports/data/tile_layout_*.csv).
    Provinces without a value are grey and say so on hover; clicking a tile opens the profile.
    Returns None when no province has a value.
    """
    merged = layout[["code", "row", "col", "label"]].merge(tiles, on="code", how="inner")
    records = merged.to_dict("records")
    if all(pd.isna(record["value"]) for record in records):
        return None
    n_rows, n_cols = int(layout["row"].max()) + 1, int(layout["col"].max()) + 1
    formatted = value_formatter(decimals=decimals, measure_unit=measure_unit)

    def hover(record: dict) -> str:
        if pd.isna(record["value"]):
            return f"<b>{escape(record['name'])}</b><br>{escape(no_data_label)}"
        shown = formatted(record["value"])
        rank = "" if pd.isna(record["rank"]) else f"<br>{escape(rank_label)} {int(record['rank'])}"
        return f"<b>{escape(record['name'])}</b><br>{escape(value_label)}: {shown}{rank}"

    def grids() -> dict[str, list[list[object]]]:
        # Text grids are filled with "": Plotly prints a None label as "null" over the other trace's tile.
        return {
            key: [[empty] * n_cols for _ in range(n_rows)]
            for key, empty in (("z", None), ("text", ""), ("hovertext", None), ("customdata", None))
        }

    # One trace for the provinces with a value, one (grey, z = 0) for those without.
    by_trace = {True: grids(), False: grids()}
    for record in records:
        has_value = not pd.isna(record["value"])
        row, col, cells = int(record["row"]), int(record["col"]), by_trace[has_value]
        cells["z"][row][col] = float(record["value"]) if has_value else 0
        cells["text"][row][col] = escape(record["label"])
        cells["hovertext"][row][col] = hover(record)
        cells["customdata"][row][col] = record["url"]
    common = {
        "type": "heatmap",
        "texttemplate": "%{text}",
        "xgap": 3,
        "ygap": 3,
        "hoverongaps": False,
        "hovertemplate": "%{hovertext}<extra></extra>",
    }
    with_data = {
        **common,
        **by_trace[True],
        "colorscale": SEQUENTIAL_COLOURS,
        "colorbar": {"title": {"text": escape(value_label)}, "thickness": 14},
    }
    without_data = {
        **common,
        **by_trace[False],
        "textfont": {"color": "#4a4a4a"},
        "colorscale": [[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
        "showscale": False,
    }
    layout_dict = base_layout(height=max(360, 44 * n_rows + 60))
    hidden_axis = {"visible": False, "showgrid": False, "zeroline": False}
    layout_dict.update(
        xaxis={**hidden_axis, "constrain": "domain"},
        yaxis={**hidden_axis, "autorange": "reversed", "scaleanchor": "x", "scaleratio": 1},
        showlegend=False,
    )
    return {"data": [without_data, with_data], "layout": layout_dict}
