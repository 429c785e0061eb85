"""The formatters made once per table write what the per-value functions and the template engine write."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import localize

from indicators.formatting import change_formatter, format_number, integer_formatter
from indicators.models import MeasureUnit

INTEGERS = [0, 1, 7, 42, 100, 999, 1000, 1001, 3321, 12_345, 999_999, 1_000_000, 123_456_789, -1, -999, -1000, -3321]
CHANGES = [None, float("nan"), 0, 0.0, -0.0, 0.004, 0.005, 1, 1.25, -1.25, 12.345, -1746.5, 1234567.891, Decimal("2.5")]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_integer_is_written_as_the_template_engine_localizes_it(language):
    with translation.override(language):
        integer = integer_formatter()
        assert [integer(n) for n in INTEGERS] == [str(localize(n)) for n in INTEGERS]
    assert integer(3321) == {"vi": "3.321", "en": "3,321"}[language]


def _change_as_before(change, *, decimals: int, measure_unit: str) -> str:
    """format_change as it was written before change_formatter (one call per value)."""
    if change is None or (isinstance(change, float) and change != change):
        return ""
    text = format_number(abs(change), decimals=0 if measure_unit == MeasureUnit.COUNT else decimals)
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    suffix = " " + translation.gettext("pp") if measure_unit == MeasureUnit.PERCENT else ""
    return f"{sign}{text}{suffix}"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("measure_unit", [MeasureUnit.COUNT, MeasureUnit.PERCENT, MeasureUnit.POINTS])
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_a_change_is_written_as_format_change_wrote_it(language, measure_unit, decimals):
    with translation.override(language):
        formatted = change_formatter(decimals=decimals, measure_unit=measure_unit)
        assert [formatted(c) for c in CHANGES] == [
            _change_as_before(c, decimals=decimals, measure_unit=measure_unit) for c in CHANGES
        ]
