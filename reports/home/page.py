"""The home page's assembly: headline cards from the headline selectors."""

import datetime

import pandas as pd

from indicators.averages import average_text
from indicators.formatting import format_value
from indicators.models import Indicator
from provinces.models import Level
from reports.home.selectors import Headline
from reports.shared.links import profile_url, safe_url
from reports.shared.sources import source_badge


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
                "average_source_url": safe_url(item.average.source_url),
                "average_source_badge": source_badge(item.average.source_class),
                "n_with_value": item.n_with_value,
                "n_units": item.n_units,
                "partial": item.n_with_value < item.n_units,
            }
        )
    return cards
