"""Percentages as journals print them (the seed article's 18/32 → 56.3 %)."""

import pytest

from post_coder.export.numbers import n_percent, percent, round_half_away


def test_the_seed_articles_tie_rounds_away_from_zero():
    # 18 of 32 is exactly 56.25 %: Python's round() gives 56.2, a journal prints 56.3
    assert round(18 / 32 * 100, 1) == 56.2
    assert percent(18, 32) == 56.3
    assert n_percent(18, 32) == "18 (56.3%)"


@pytest.mark.parametrize("n, d, decimals, expected", [
    (66, 75, 0, 88.0),      # "66 (88%)"
    (30, 66, 1, 45.5),      # 45.4545…
    (16, 66, 1, 24.2),
    (1, 8, 1, 12.5),        # exact, no rounding
    (1, 8, 0, 13.0),        # 12.5 → 13 (half even would give 12)
    (5, 40, 0, 13.0),       # 12.5 again
    (2, 3, 2, 66.67),
    (0, 7, 1, 0.0),
    (7, 7, 1, 100.0),
])
def test_percent(n, d, decimals, expected):
    assert percent(n, d, decimals) == expected


def test_a_zero_denominator_is_not_zero_percent():
    assert percent(0, 0) is None
    assert n_percent(0, 0) == "0 (—)"


def test_negative_values_round_away_from_zero_too():
    assert round_half_away(-2.25, 1) == -2.3
    assert round_half_away(2.25, 1) == 2.3
    assert round_half_away(2.675, 2) == 2.68   # binary 2.67499… would round down


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        percent(-1, 5)
    with pytest.raises(ValueError):
        round_half_away(1.0, -1)


def test_whole_percentages_with_zero_decimals():
    assert n_percent(66, 75, 0) == "66 (88%)"
