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


def grouped_competition_ranks(values: pd.Series, *, groups: list[pd.Series], lower_is_better: pd.Series) -> pd.Series:
    """Return competition_ranks within each group, for groups of either direction, in one pass.

    The same ranks as calling competition_ranks on each group: ranking the negated values
    ascending is ranking the values descending, so one grouped rank covers both directions
    (a loop over indicator-years cost ~15 ms on a profile page).
    """
    numbers = values.astype("Float64")
    keys = numbers.where(lower_is_better, -numbers)
    return keys.groupby(groups).rank(method="min", ascending=True, na_option="keep").astype("Int64")
