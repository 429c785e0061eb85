"""The charts of a page (profile, compare, indicator) and their CSV downloads: the figures, their tables and the CSV link of each."""

from dataclasses import dataclass, field

import pandas as pd
from django.http import HttpRequest, HttpResponse
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
    ) -> ChartContext:
        """Add one chart with its display table and CSV rows; return its context."""
        separator = "&" if "?" in self.csv_base else "?"
        chart = chart_context(
            chart_id=chart_id,
            title=title,
            figure=figure,
            columns=columns,
            rows=rows,
            csv_url=f"{self.csv_base}{separator}chart={chart_id}&format=csv" if figure is not None else "",
            empty_message=empty_message,
            note=note,
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


def chart_download(request: HttpRequest, page: PageCharts, *, filename: str) -> HttpResponse | None:
    """Return the CSV of the chart a download link asks for (?format=csv&chart=ID), else None (show the page)."""
    if request.GET.get("format") != "csv":
        return None
    return chart_csv(page, request.GET.get("chart", ""), filename=filename)
