"""Ranking rules: standard competition ranking (1-2-2-4) that respects the indicator's direction."""

import pandas as pd

from indicators.models import Direction


def competition_ranks(values: pd.Series, *, direction: str) -> pd.Series:
    """Return the standard competition rank of each value (ties share the best rank: 1, 2, 2, 4).

    Higher is better unless the direction says lower; neutral indicators (counts whose size
    depends on the province's size) are ranked by size, largest first, as a plain ordering.
    Missing values get no rank (<NA>) and do not count towards the ranks of others.
    """
    ascending = direction == Direction.LOWER
    ranks = values.astype("Float64").rank(method="min", ascending=ascending, na_option="keep")
    return ranks.astype("Int64")
