"""The comparison page: parse its query string, then build its charts from the selectors' DataFrames.

Query string: ``units=22,31,01`` (2–8 province codes, read at the structure of the chosen year:
31 December of ``year``; a code may carry its own date, ``01@2024-01-01``), ``indicators=par_index,sipas``,
``year=2023`` (default: the latest year with data), ``x`` and ``y`` (the scatter's indicators).
"""

import datetime
import math
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from config.i18n import localised
from config.params import digits_param
from indicators.models import MeasureUnit
from indicators.params import year_param
from provinces.models import AdministrativeUnit, year_reference_date
from reports.shared.cells import unit_label
from reports.shared.figures import components_figure, grouped_bar_figure, lines_figure, scatter_figure
from reports.shared.formatting import format_value
from reports.shared.links import unit_url
from reports.shared.page_charts import PageCharts, wide_rows

MIN_UNITS, MAX_UNITS = 2, 8
MAX_INDICATORS = 6
DEFAULT_INDICATORS = ["par_index", "sipas"]


@dataclass
class CompareQuery:
    """The parsed comparison request; ``errors`` says, field by field, what was wrong and ignored."""

    units: list[tuple[str, datetime.date | None]] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    year: int | None = None
    x: str = ""
    y: str = ""
    errors: list[str] = field(default_factory=list)


def _split(params: QueryDict, name: str) -> list[str]:
    items = []
    for raw in params.getlist(name):
        items += [part.strip() for part in raw.split(",") if part.strip()]
    return list(dict.fromkeys(items))


def parse_compare(params: QueryDict, *, known_indicators: list[str]) -> CompareQuery:
    """Return the comparison request read from the query string; bad parts are reported, never fatal."""
    query = CompareQuery()
    _read_units(query, _split(params, "units")[:50])
    _read_indicators(query, _split(params, "indicators"), known_indicators=known_indicators)
    _read_year(query, params.get("year", "").strip())
    for axis, default in (("x", 0), ("y", 1)):
        _read_axis(query, axis, params.get(axis, "").strip(), default=default, known_indicators=known_indicators)
    return query


def _read_units(query: CompareQuery, items: list[str]) -> None:
    """Read the province codes, each with an optional date (``01@2024-01-01``), and check how many there are."""
    for item in items:
        code, _sep, day = item.partition("@")
        if digits_param(code, max_length=3) is None:
            query.errors.append(_("“%(code)s” is not a province code (two digits, e.g. 01).") % {"code": item[:20]})
            continue
        try:
            parsed = datetime.date.fromisoformat(day) if day else None
        except ValueError:
            query.errors.append(_("“%(day)s” is not a date (write YYYY-MM-DD).") % {"day": day[:20]})
            continue
        query.units.append((code.zfill(2), parsed))
    if query.units and not MIN_UNITS <= len(query.units) <= MAX_UNITS:
        query.errors.append(
            _("Choose between %(min)s and %(max)s provinces (you chose %(n)s).")
            % {"min": MIN_UNITS, "max": MAX_UNITS, "n": len(query.units)}
        )


def _read_indicators(query: CompareQuery, wanted: list[str], *, known_indicators: list[str]) -> None:
    """Read the indicators to compare (the default ones when none is asked), reporting unknown codes."""
    wanted = wanted or [c for c in DEFAULT_INDICATORS if c in known_indicators]
    unknown = [c for c in wanted if c not in known_indicators]
    if unknown:
        query.errors.append(_("No province data for indicator(s): %(codes)s.") % {"codes": ", ".join(unknown)[:200]})
    query.indicators = [c for c in wanted if c in known_indicators][:MAX_INDICATORS]


def _read_year(query: CompareQuery, raw_year: str) -> None:
    """Read the year (ASCII digits, a plausible year); left unset when absent or bad."""
    if not raw_year:
        return
    query.year = year_param(raw_year)
    if query.year is None:
        query.errors.append(
            _("“%(year)s” is not a year; the latest year with data is shown.") % {"year": raw_year[:10]}
        )


def _read_axis(query: CompareQuery, axis: str, value: str, *, default: int, known_indicators: list[str]) -> None:
    """Read the scatter's x or y indicator; by default the first (x) or second (y) compared indicator."""
    if value and value not in known_indicators:
        query.errors.append(_("No province data for indicator “%(code)s”.") % {"code": value[:60]})
        value = ""
    if not value and len(query.indicators) > default:
        value = query.indicators[default]
    setattr(query, axis, value)


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
