import pandas as pd

from indicators.ranking import competition_ranks, grouped_competition_ranks


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


def test_grouped_ranks_equal_ranking_each_group_alone_in_its_direction():
    frame = pd.DataFrame(
        {
            "group": ["a", "a", "a", "a", "b", "b", "b", "b"],
            "value": [90.0, 85.0, 85.0, None, 3.0, 1.0, 1.0, 0.0],
            "direction": ["higher"] * 4 + ["lower"] * 4,
        }
    )
    grouped = grouped_competition_ranks(
        frame["value"], groups=[frame["group"]], lower_is_better=frame["direction"] == "lower"
    )
    alone = pd.concat(
        competition_ranks(rows["value"], direction=rows["direction"].iloc[0]) for _, rows in frame.groupby("group")
    )
    assert grouped.tolist() == alone.tolist()
    assert grouped.fillna(0).tolist() == [1, 2, 2, 0, 4, 2, 2, 1]
