"""The ranking page's assembly: averages as text, the bar chart and tile map, export names."""

import pandas as pd
from django.utils.translation import gettext as _

from indicators.averages import average_short, measure_label
from indicators.charts import ChartContext, chart_context, ranking_bar_figure, tile_map_figure
from indicators.formatting import format_value
from indicators.models import Indicator
from indicators.rankings import Ranking
from provinces.models import Level, Region
from reports.shared.tilemap import tile_layout


def ranking_charts(
    ranking: Ranking, rows: list[dict], *, highlight: str, csv_url: str
) -> tuple[ChartContext, ChartContext | None]:
    """Return the bar chart of the rows given (one page of a long ranking) and, for provinces, their tile map."""
    indicator, year = ranking.indicator, ranking.year
    frame = pd.DataFrame(rows, columns=["code", "name", "value", "rank", "url"])
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
        # No data table: the ranking table above holds the same rows (never the ranking twice).
        csv_url=csv_url,
        empty_message=_("No unit has a value for this selection, so there is nothing to chart."),
        summary=_("%(n)s units with a value") % {"n": int(frame["value"].notna().sum())},
        note=_("The value axis does not start at zero, so that close values can be told apart.")
        + " "
        + _("The chart shows the units of the table above."),
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
