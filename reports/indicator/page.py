"""The indicator pages: the catalogue by group, and one indicator's distribution, movers and tile map."""

import pandas as pd
from django.utils.translation import gettext as _

from indicators.charts import tile_map_figure
from indicators.figures import distribution_figure, movers_figure
from indicators.formatting import format_change, format_value
from indicators.models import Direction, Indicator, IndicatorGroup, MeasureUnit
from indicators.ranking import competition_ranks
from provinces.models import AdministrativeUnit, year_reference_date
from reports.shared.links import unit_url
from reports.shared.page_charts import PageCharts
from reports.shared.tilemap import tile_layout

MOVERS_SHOWN = 5


def catalogue_groups(indicators: list[Indicator], coverage: pd.DataFrame) -> list[dict]:
    """Return the indicators grouped by group, each with its years with data and number of values."""
    by_indicator = {i: rows for i, rows in coverage.groupby("indicator_id")}
    groups: dict[str, list[dict]] = {}
    for indicator in indicators:
        rows = by_indicator.get(indicator.pk)
        years = [] if rows is None else sorted(int(y) for y in rows["year"])
        groups.setdefault(indicator.group, []).append(
            {
                "indicator": indicator,
                "years": _year_ranges(years),
                "count": 0 if rows is None else int(rows["n"].sum()),
            }
        )
    labels = dict(IndicatorGroup.choices)
    return [{"label": labels.get(g, g), "code": g, "rows": rows} for g, rows in groups.items()]


def _year_ranges(years: list[int]) -> str:
    """Return years as compact ranges: 2012–2014, 2016, 2018–2024."""
    parts, start, prev = [], None, None
    for year in [*years, None]:
        if year is not None and prev is not None and year == prev + 1:
            prev = year
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = year
    return ", ".join(parts)


def _url(code: str, year: int) -> str:
    return unit_url(AdministrativeUnit(level="province", code=code, valid_to=year_reference_date(year)))


def movers(values: pd.DataFrame, *, direction: str) -> dict:
    """Return the top and bottom movers between the last two years in which some province has both values.

    values columns: unit_id, code, name, year, value. Improvement is the change in the indicator's
    good direction (a fall is an improvement when lower is better; neutral counts by size).
    Units without a value in either year are not movers; unchanged units are neither top nor bottom.
    """
    numeric = values.dropna(subset=["value"])
    years = sorted(numeric["year"].unique(), reverse=True)
    for later_index, later in enumerate(years):
        for earlier in years[later_index + 1 :]:
            a = numeric[numeric["year"] == earlier].set_index("unit_id")
            b = numeric[numeric["year"] == later].set_index("unit_id")
            common = a.index.intersection(b.index)
            if common.empty:
                continue
            frame = pd.DataFrame(
                {
                    "code": b.loc[common, "code"],
                    "name": b.loc[common, "name"],
                    "before": a.loc[common, "value"].astype(float),
                    "after": b.loc[common, "value"].astype(float),
                }
            )
            frame["change"] = frame["after"] - frame["before"]
            sign = -1 if direction == Direction.LOWER else 1
            frame["improvement"] = frame["change"] * sign
            top = frame[frame["improvement"] > 0].sort_values(["improvement", "name"], ascending=[False, True])
            bottom = frame[frame["improvement"] < 0].sort_values(["improvement", "name"], ascending=[True, True])
            return {
                "earlier": int(earlier),
                "later": int(later),
                "top": top.head(MOVERS_SHOWN).reset_index(),
                "bottom": bottom.head(MOVERS_SHOWN).reset_index(),
                "compared": len(frame),
            }
    return {"earlier": None, "later": None, "top": pd.DataFrame(), "bottom": pd.DataFrame(), "compared": 0}


def indicator_charts(
    *,
    page: PageCharts,
    indicator: Indicator,
    values: pd.DataFrame,
    map_year: int | None,
    provinces: pd.DataFrame,
) -> dict:
    """Add the distribution, movers and tile-map charts to the page; return the movers summary."""
    fmt = lambda v: format_value(v, decimals=indicator.decimals, measure_unit=indicator.measure_unit)  # noqa: E731
    unit_title = str(MeasureUnit(indicator.measure_unit).label)
    breaks = [(b.year, b.note) for b in indicator.series_breaks.all()]
    numeric = values.dropna(subset=["value"]).sort_values(["year", "value"])
    dist = pd.DataFrame(
        {
            "year": numeric["year"].astype(int),
            "unit": numeric["name"],
            "value": numeric["value"].astype(float),
            "url": [_url(c, int(y)) for c, y in zip(numeric["code"], numeric["year"], strict=True)],
            "code": numeric["code"],
        }
    )
    page.add(
        chart_id="distribution",
        title=_("Distribution across provinces by year"),
        figure=distribution_figure(dist, y_title=unit_title, breaks=breaks, break_label=_("Series break")),
        columns=[_("Year"), _("Province"), _("Value")],
        rows=[[r.year, r.unit, fmt(r.value)] for r in dist.itertuples()],
        csv_columns=["year", "code", "province", "value"],
        csv_rows=[[r.year, r.code, r.unit, r.value] for r in dist.itertuples()],
        empty_message=_("No province has a number for this indicator yet."),
        note=_(
            "Each point is one province (hover for its name, click to open it); "
            "only the provinces we hold figures for are shown."
        )
        + "".join(" " + _("Series break in %(year)s: %(note)s") % {"year": y, "note": n} for y, n in breaks),
    )
    summary = movers(values, direction=indicator.direction)
    for part, title in (("top", _("Most improved")), ("bottom", _("Most declined"))):
        _movers_chart(page, summary, part=part, title=title, indicator=indicator)
    if map_year is not None:
        _tile_chart(page, indicator=indicator, values=values, year=map_year, provinces=provinces)
    return summary


def _movers_chart(page: PageCharts, summary: dict, *, part: str, title: str, indicator: Indicator) -> None:
    frame = summary[part]
    change = lambda v: format_change(v, decimals=indicator.decimals, measure_unit=indicator.measure_unit)  # noqa: E731
    fmt = lambda v: format_value(v, decimals=indicator.decimals, measure_unit=indicator.measure_unit)  # noqa: E731
    if frame.empty:
        chart_frame = pd.DataFrame(columns=["unit", "change", "improved", "url"])
    else:
        chart_frame = pd.DataFrame(
            {
                "unit": frame["name"],
                "change": frame["change"],
                "improved": frame["improvement"] > 0,
                "url": [_url(c, summary["later"]) for c in frame["code"]],
            }
        )
    years = {"earlier": summary["earlier"], "later": summary["later"]}
    page.add(
        chart_id=f"movers-{part}",
        title=f"{title} ({years['earlier']}–{years['later']})" if summary["later"] else title,
        figure=movers_figure(chart_frame, x_title=_("Change")),
        columns=[_("Province"), str(years["earlier"]), str(years["later"]), _("Change")],
        rows=[[r.name, fmt(r.before), fmt(r.after), change(r.change)] for r in frame.itertuples()],
        csv_columns=["code", "province", "before", "after", "change"],
        csv_rows=[[r.code, r.name, r.before, r.after, r.change] for r in frame.itertuples()],
        empty_message=_("No province moved this way between two years with data for both.")
        if summary["later"]
        else _("No province has numbers in two different years, so no change can be shown."),
    )


def _tile_chart(
    page: PageCharts, *, indicator: Indicator, values: pd.DataFrame, year: int, provinces: pd.DataFrame
) -> None:
    of_year = values[(values["year"] == year)].dropna(subset=["value"])[["unit_id", "value"]]
    tiles = provinces.merge(of_year, on="unit_id", how="left")
    tiles["rank"] = competition_ranks(tiles["value"], direction=indicator.direction)
    tiles["url"] = [_url(c, year) for c in tiles["code"]]
    fmt = lambda v: format_value(v, decimals=indicator.decimals, measure_unit=indicator.measure_unit)  # noqa: E731
    ranked = tiles.sort_values(["rank", "name"], na_position="last")
    page.add(
        chart_id="tile-map",
        title=_("Map of provinces, %(year)s") % {"year": year},
        figure=tile_map_figure(
            tiles[["code", "name", "value", "rank", "url"]],
            layout=tile_layout(year=year),
            decimals=indicator.decimals,
            measure_unit=indicator.measure_unit,
            value_label=indicator.name,
            no_data_label=_("no data"),
            rank_label=_("Computed rank"),
        ),
        columns=[_("Province"), _("Value"), _("Computed rank")],
        rows=[
            [r.name, fmt(r.value) if pd.notna(r.value) else _("no data"), "" if pd.isna(r.rank) else int(r.rank)]
            for r in ranked.itertuples()
        ],
        csv_columns=["code", "province", "value", "computed_rank"],
        csv_rows=[
            [r.code, r.name, None if pd.isna(r.value) else float(r.value), None if pd.isna(r.rank) else int(r.rank)]
            for r in ranked.itertuples()
        ],
        empty_message=_("No province has a number for this indicator in %(year)s.") % {"year": year},
        note=_(
            "Each tile is one province, placed roughly where it lies; grey tiles have no figure. "
            "Ranks are computed among the provinces with a figure."
        ),
    )
