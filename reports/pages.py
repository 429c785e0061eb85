"""Page assembly for home and rankings: selector results → display rows, labels and charts.

Kept out of the views so that they stay short, and out of the selectors so that those return
data, not text in the reader's language.
"""

import datetime

import pandas as pd
from django.utils.translation import gettext as _

from indicators.models import Indicator, MeasureUnit
from provinces.models import Level, Region
from reports.charts import ChartContext, chart_context, ranking_bar_figure, tile_map_figure
from reports.formatting import format_value
from reports.links import profile_url, safe_source_url
from reports.selectors import Average, Headline, Ranking
from reports.sources import source_badge
from reports.tilemap import tile_layout


def measure_label(indicator: Indicator) -> str:
    """Return the axis label of an indicator: its short name and unit of measure."""
    name = indicator.short_name or indicator.name
    unit = MeasureUnit(indicator.measure_unit).label if indicator.measure_unit in MeasureUnit.values else ""
    return f"{name} ({unit})" if unit else name


def average_text(average: Average, *, indicator: Indicator, scope: str = "national") -> str:
    """Return the average as a sentence that says whether it is official or computed over N units."""
    if average.value is None:
        return _("No average: no unit has a value.")
    shown = format_value(average.value, decimals=indicator.decimals, measure_unit=indicator.measure_unit)
    if average.official:
        if scope == "region":
            return _("Regional average (official): %(value)s") % {"value": shown}
        if scope == "ministries":
            return _("Average of the ministries and ministry-level agencies (official): %(value)s") % {"value": shown}
        return _("National average (official): %(value)s") % {"value": shown}
    return _("Average computed over the %(n)s units with a value here (not an official figure): %(value)s") % {
        "n": average.count,
        "value": shown,
    }


def average_short(average: Average, *, indicator: Indicator, scope: str = "national") -> str:
    """Return a short label for the average line of a chart."""
    shown = format_value(average.value, decimals=indicator.decimals, measure_unit=indicator.measure_unit)
    if average.official and scope == "ministries":
        return _("average of the ministries (official) %(value)s") % {"value": shown}
    if average.official:
        return _("national average (official) %(value)s") % {"value": shown}
    return _("average computed over %(n)s units %(value)s") % {"n": average.count, "value": shown}


def headline_cards(headlines: list[Headline]) -> list[dict]:
    """Return the home-page cards: top and bottom provinces with formatted values, and the average."""
    cards = []
    for item in headlines:
        indicator = item.indicator
        on = datetime.date(item.year, 12, 31)

        def entries(frame: pd.DataFrame, indicator: Indicator = indicator, on: datetime.date = on) -> list[dict]:
            return [
                {
                    "rank": int(row.rank),
                    "name": row.name,
                    "url": profile_url(level=Level.PROVINCE, code=row.code, on=on if row.valid_to else None),
                    "value": format_value(row.value, decimals=indicator.decimals, measure_unit=indicator.measure_unit),
                }
                for row in frame.itertuples(index=False)
            ]

        cards.append(
            {
                "indicator": indicator,
                "year": item.year,
                "top": entries(item.top),
                "bottom": entries(item.bottom),
                "average": average_text(item.average, indicator=indicator),
                "average_official": item.average.official,
                "average_source_title": item.average.source_title,
                "average_source_url": safe_source_url(item.average.source_url),
                "average_source_badge": source_badge(item.average.source_class),
                "n_with_value": item.n_with_value,
                "n_units": item.n_units,
                "partial": item.n_with_value < item.n_units,
            }
        )
    return cards


def ranking_charts(
    ranking: Ranking, rows: list[dict], *, highlight: str, csv_url: str
) -> tuple[ChartContext, ChartContext | None]:
    """Return the bar chart of the ranking and, for provinces, the tile map of the same rows."""
    indicator, year = ranking.indicator, ranking.year
    frame = pd.DataFrame(rows, columns=["code", "name", "value", "rank", "url"])
    ranked = frame.dropna(subset=["value"])
    label = measure_label(indicator)
    fmt = {"decimals": indicator.decimals, "measure_unit": indicator.measure_unit}
    bar = chart_context(
        chart_id="ranking-bar",
        title=_("%(indicator)s %(year)s: ranking") % {"indicator": indicator.name, "year": year},
        figure=ranking_bar_figure(
            frame,
            value_label=label,
            average=ranking.average.value,
            average_label=average_short(
                ranking.average,
                indicator=indicator,
                scope="ministries" if ranking.level == Level.MINISTRY else "national",
            )
            if ranking.average.value
            else "",
            highlight_code=highlight or None,
            **fmt,
        ),
        columns=[_("Unit"), _("Rank"), _("Value")],
        rows=[[r.name, int(r.rank), format_value(r.value, **fmt)] for r in ranked.itertuples(index=False)],
        csv_url=csv_url,
        empty_message=_("No unit has a value for this selection, so there is nothing to chart."),
        summary=_("%(n)s units with a value") % {"n": len(ranked)},
        note=_("The value axis does not start at zero, so that close values can be told apart."),
        filename=f"{indicator.code}_{year}_ranking",
    )
    if ranking.level != Level.PROVINCE:
        return bar, None
    tiles = chart_context(
        chart_id="ranking-tiles",
        title=_("%(indicator)s %(year)s: map of the provinces") % {"indicator": indicator.name, "year": year},
        figure=tile_map_figure(
            frame,
            layout=tile_layout(year=year),
            value_label=label,
            no_data_label=_("no data"),
            rank_label=_("rank"),
            **fmt,
        ),
        columns=[_("Unit"), _("Rank"), _("Value")],
        rows=[
            [r.name, "" if pd.isna(r.rank) else int(r.rank), format_value(r.value, **fmt) or _("no data")]
            for r in frame.itertuples(index=False)
        ],
        csv_url=csv_url,
        empty_message=_("No province has a value for this selection, so the map is empty."),
        note=_("Each square is one province, placed roughly where it lies; grey squares have no value."),
        filename=f"{indicator.code}_{year}_map",
    )
    return bar, tiles


def export_basename(*, indicator: Indicator, year: int, level: str, region: str, within: str) -> str:
    """Return a file name that says what the export holds: par_index_2023_provinces_red_river_delta."""
    plural = {
        Level.PROVINCE: "provinces",
        Level.DISTRICT: "districts",
        Level.COMMUNE: "communes",
        Level.MINISTRY: "ministries",
        Level.DEPARTMENT: "departments",
    }[level]
    parts = [indicator.code, str(year), plural]
    if region:
        parts.append(region)
    if within:
        parts.append(f"in_{within}")
    return "_".join(parts)


def region_label(region: str) -> str:
    """Return the region's name in the active language."""
    return str(Region(region).label) if region in Region.values else ""


def search_result_url(row: dict) -> str:
    """Return the profile link of a search result; a unit no longer in force is linked at its last day."""
    return profile_url(level=row["level"], code=row["code"], on=row["valid_to"])
