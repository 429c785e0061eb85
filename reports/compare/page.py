"""The comparison page: build its charts from the selectors' DataFrames (its query string: forms.py)."""

import datetime
import math

import pandas as pd
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from config.i18n import localised
from indicators.figures import components_figure, grouped_bar_figure, lines_figure, scatter_figure
from indicators.formatting import format_value
from indicators.models import MeasureUnit
from provinces.models import AdministrativeUnit, year_reference_date
from reports.compare.forms import CompareQuery
from reports.shared.cells import unit_label
from reports.shared.links import unit_url
from reports.shared.page_charts import PageCharts, wide_rows


def unit_dates(query: CompareQuery) -> list[tuple[str, datetime.date]]:
    """Return each requested code with the date to read it at: its own, else 31 December of the year."""
    default = year_reference_date(query.year) if query.year else timezone.localdate()
    return [(code, day or default) for code, day in query.units]


def pearson(frame: pd.DataFrame) -> tuple[float | None, int]:
    """Return Pearson's r of columns x and y over the rows with both, and that number of rows.

    r is None when fewer than settings.CORRELATION_MIN_UNITS pairs exist (a correlation over a handful of
    points says nothing: three points gave r = 0.90) or either variable is constant.
    """
    pairs = frame.dropna(subset=["x", "y"])
    n = len(pairs)
    if n < settings.CORRELATION_MIN_UNITS:
        return None, n
    r = pairs["x"].astype(float).corr(pairs["y"].astype(float))
    return (None if r is None or math.isnan(r) else float(r)), n


def _meta(indicators: pd.DataFrame) -> dict[str, dict]:
    meta = {}
    for row in indicators.to_dict("records"):
        row["label"] = localised(row["name_vi"], row["name_en"])
        row["fmt"] = lambda v, r=row: format_value(v, decimals=r["decimals"], measure_unit=r["measure_unit"])
        meta[row["code"]] = row
    return meta


def compare_charts(
    *,
    page: PageCharts,
    units: list[AdministrativeUnit],
    indicators: pd.DataFrame,
    values: pd.DataFrame,
    breaks: pd.DataFrame,
    year: int | None,
    components: pd.DataFrame,
    scatter: pd.DataFrame,
    x: str,
    y: str,
) -> dict:
    """Add the line, bar, component and scatter charts to the page; return the correlation summary."""
    meta = _meta(indicators)
    labels = {u.pk: unit_label(u) for u in units}
    for code in [c for c in meta if c in set(values["indicator"])]:
        _line_chart(page, meta[code], values[values["indicator"] == code], labels, breaks)
    if year is not None:
        _bar_chart(page, meta, values[values["year"] == year], labels, year)
        _components_chart(page, components, labels, year)
    return _scatter_chart(page, meta, scatter, units, x=x, y=y, year=year)


def _line_chart(page: PageCharts, info: dict, values: pd.DataFrame, labels: dict, breaks: pd.DataFrame) -> None:
    rows = values.dropna(subset=["value"])
    frame = pd.DataFrame(
        {
            "series": [labels[u] for u in rows["unit_id"]],
            "kind": "unit",
            "year": rows["year"].astype(int),
            "value": rows["value"],
        }
    )
    order = {label: i for i, label in enumerate(labels.values())}
    frame = frame.sort_values(["series", "year"], key=lambda s: s.map(order) if s.name == "series" else s)
    own_breaks = breaks[breaks["indicator"] == info["code"]]
    marks = [(int(b["year"]), localised(b["note_vi"], b["note_en"])) for _, b in own_breaks.iterrows()]
    series, display, raw = wide_rows(frame, fmt=info["fmt"]) if not frame.empty else ([], [], [])
    page.add(
        chart_id=f"line-{info['code']}",
        title=_("%(indicator)s over the years") % {"indicator": info["label"]},
        figure=lines_figure(
            frame, y_title=str(MeasureUnit(info["measure_unit"]).label), breaks=marks, break_label=_("Series break")
        ),
        columns=[_("Year"), *series],
        rows=display,
        csv_columns=["year", *series],
        csv_rows=raw,
        empty_message=_("None of these provinces has a number for this indicator."),
        note=" ".join(_("Series break in %(year)s: %(note)s") % {"year": y, "note": n} for y, n in marks),
    )


def _bar_chart(page: PageCharts, meta: dict, values: pd.DataFrame, labels: dict, year: int) -> None:
    rows = values.dropna(subset=["value"])
    records = [
        {"unit": labels[u], "indicator": meta[c]["label"], "code": c, "value": v}
        for u in labels
        for c in meta
        for v in rows[(rows["unit_id"] == u) & (rows["indicator"] == c)]["value"]
    ]
    frame = pd.DataFrame(records, columns=["unit", "indicator", "code", "value"])
    page.add(
        chart_id="bar-year",
        title=_("All chosen indicators in %(year)s") % {"year": year},
        figure=grouped_bar_figure(frame, y_title=_("Value")),
        columns=[_("Province"), _("Indicator"), _("Value")],
        rows=[[r.unit, r.indicator, meta[r.code]["fmt"](r.value)] for r in frame.itertuples()],
        csv_columns=["unit", "indicator", "value"],
        csv_rows=[[r.unit, r.code, float(r.value)] for r in frame.itertuples()],
        empty_message=_("None of these provinces has a number for the chosen indicators in %(year)s.") % {"year": year},
        note=_("Indicators have different scales (percent, points): compare bars within a group."),
    )


def _components_chart(page: PageCharts, components: pd.DataFrame, labels: dict, year: int) -> None:
    frame = pd.DataFrame(
        {
            "unit": [labels[u] for u in components["unit_id"]],
            "component": [
                s or localised(vi, en)
                for s, vi, en in zip(
                    components["short_name"], components["name_vi"], components["name_en"], strict=True
                )
            ],
            "code": components["indicator"],
            "value": components["value"],
        }
    )
    page.add(
        chart_id="components",
        title=_("PAR Index component areas, %(year)s") % {"year": year},
        figure=components_figure(frame, x_title=_("Points")),
        columns=[_("Province"), _("Component area"), _("Points")],
        rows=[
            [r.unit, r.component, format_value(float(r.value), decimals=2, measure_unit="points")]
            for r in frame.itertuples()
        ],
        csv_columns=["unit", "component", "points"],
        csv_rows=[[r.unit, r.code, float(r.value)] for r in frame.itertuples()],
        empty_message=_(
            "No component data: the PAR Index component scores of these provinces for %(year)s have not been "
            "published in a form we could read (component data are very sparse)."
        )
        % {"year": year},
        note=_("Maximum points differ between component areas and between years: compare provinces, not areas."),
    )


def _scatter_chart(
    page: PageCharts,
    meta: dict,
    scatter: pd.DataFrame,
    units: list[AdministrativeUnit],
    *,
    x: str,
    y: str,
    year: int | None,
) -> dict:
    if not x or not y or year is None or x not in meta or y not in meta:
        return {"r": None, "n": 0, "ready": False}
    chosen = {u.pk for u in units}
    wide = scatter.pivot_table(index=["unit_id", "code", "name"], columns="indicator", values="value", aggfunc="first")
    wide = wide.reindex(columns=[x, y]).reset_index()
    frame = pd.DataFrame(
        {
            "unit": wide["name"],
            "x": wide[x].astype(float),
            "y": wide[y].astype(float),
            "highlighted": wide["unit_id"].isin(chosen),
            "url": [
                unit_url(AdministrativeUnit(level="province", code=c, valid_to=year_reference_date(year)))
                for c in wide["code"]
            ],
            "code": wide["code"],
        }
    ).dropna(subset=["x", "y"])
    r, n = pearson(frame)
    page.add(
        chart_id="scatter",
        title=_("%(y)s against %(x)s, all provinces, %(year)s")
        % {"x": meta[x]["label"], "y": meta[y]["label"], "year": year},
        figure=scatter_figure(frame, x_title=meta[x]["label"], y_title=meta[y]["label"]),
        columns=[_("Province"), meta[x]["label"], meta[y]["label"]],
        rows=[[r_.unit, meta[x]["fmt"](r_.x), meta[y]["fmt"](r_.y)] for r_ in frame.itertuples()],
        csv_columns=["code", "unit", x, y],
        csv_rows=[[r_.code, r_.unit, r_.x, r_.y] for r_ in frame.itertuples()],
        empty_message=_("No province has both indicators in %(year)s.") % {"year": year},
    )
    return {"r": r, "n": n, "ready": True, "x": meta[x]["label"], "y": meta[y]["label"]}
