import pandas as pd

from indicators.ranking import competition_ranks


def test_tied_scores_share_a_rank_and_the_next_rank_is_skipped():
    ranks = competition_ranks(pd.Series([90.0, 85.0, 85.0, 80.0]), direction="higher")
    assert ranks.tolist() == [1, 2, 2, 4]


def test_lower_is_better_reverses_the_order():
    ranks = competition_ranks(pd.Series([3.0, 1.0, 2.0]), direction="lower")
    assert ranks.tolist() == [3, 1, 2]


def test_missing_values_get_no_rank_and_do_not_take_a_place():
    ranks = competition_ranks(pd.Series([None, 70.0, 90.0]), direction="higher")
    assert ranks.isna().tolist() == [True, False, False]
    assert ranks.dropna().tolist() == [2, 1]
