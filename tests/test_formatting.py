"""Numbers in the reader's language: the fast path for figures that need no rounding writes what Decimal writes."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation

from indicators.formatting import format_number, value_formatter


def decimal_grouped(value: float, decimals: int, marks: tuple[str, str]) -> str:
    """Return the figure as the Decimal rounding (half up) and grouping write it, with the language's marks."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = rounded.copy_abs()
    return f"{rounded:,.{decimals}f}".translate(str.maketrans({".": marks[0], ",": marks[1]}))


EDGES = [0.0, -0.0, 0.5, -0.5, 1.005, 2.675, 1234.0, 1746.5, 99.7, 0.1, 0.3, 999_999_999.99, 1e-05, 0.0001]
EDGES += [123_456_789.125, -0.004, 1e9, 1e12 + 0.5, 64.25, 85.125, 3.0000000000000004, 12345678.9]


def figures() -> list[float]:
    rng = random.Random(14)
    found = list(EDGES)
    for _ in range(20_000):
        places = rng.randint(0, 8)
        found.append(round(rng.uniform(-1, 1) * 10 ** rng.randint(0, 11), places))
    return found


@pytest.mark.parametrize(("language", "marks"), [("vi", (",", ".")), ("en", (".", ","))])
def test_figures_are_rounded_half_up_and_grouped_as_decimal_writes_them(language, marks):
    with translation.override(language):
        for decimals in range(0, 8):
            expected = [decimal_grouped(value, decimals, marks) for value in figures()]
            assert [format_number(value, decimals=decimals) for value in figures()] == expected, decimals


def test_a_percentage_and_a_count_keep_their_marks():
    with translation.override("vi"):
        assert value_formatter(decimals=1, measure_unit="percent")(99.7) == "99,7%"
        assert value_formatter(decimals=2, measure_unit="count")(1746.5) == "1.747"
        assert value_formatter(decimals=1, measure_unit="percent")(-0.0) == "0,0%"
