"""Numbers as the reader's language writes them: 1.746 and 99,7% in Vietnamese, 1,746 and 99.7% in English."""

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.conf import settings
from django.utils.formats import get_format, localize, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import MeasureUnit

Number = Decimal | float | int


def is_missing(value: object) -> bool:
    """Return whether a cell value is missing (None, NaN or pandas NA)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


_SEPARATORS: dict[str, tuple[str, str] | None] = {}
_QUANTA = {n: Decimal(1).scaleb(-n) for n in range(10)}


def _separators() -> tuple[str, str] | None:
    """Return the active language's (decimal mark, thousands mark) when it groups digits by three, else None."""
    language = get_language() or ""
    if language not in _SEPARATORS:
        grouping = get_format("NUMBER_GROUPING")
        _SEPARATORS[language] = (
            (get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")) if grouping == 3 else None
        )
    return _SEPARATORS[language]


def format_number(value: Number | None, *, decimals: int) -> str:
    """Return value rounded to decimals, grouped and with the active language's separators ("" when missing)."""
    if is_missing(value):
        return ""
    return _grouped(value, decimals=decimals, separators=_separators())


def _grouped(value: Number, *, decimals: int, separators: tuple[str, str] | None) -> str:
    # A float already written with at most `decimals` places needs no rounding: formatted as it is (half the cost
    # of the Decimal rounding below, which a profile's ~2,000 figures mostly skip). See _needs_rounding.
    if separators is not None and type(value) is float and not _needs_rounding(value, decimals):
        return f"{value:,.{decimals}f}".translate(_marks_table(separators))
    # Round half up, as readers (and the sources) do: 1746.5 → 1.747, not banker's 1.746.
    quantum = _QUANTA.get(decimals) or Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if separators is None or not rounded.is_finite():
        return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    # Python's own grouping, then the language's marks: what number_format gives for a grouping of 3,
    # at a tenth of its cost (a national-scale profile formats ~3,000 numbers).
    if rounded.is_zero():
        rounded = rounded.copy_abs()  # "0", never "-0", as number_format writes it
    return f"{rounded:,.{max(decimals, 0)}f}".translate(_marks_table(separators))


#: Below this size (and to this many places) a float's binary error is far under half its last place, so
#: Python's own formatting of a float that needs no rounding writes its shortest digits, as Decimal does.
_EXACT_BELOW = 1e9
_EXACT_PLACES = 6


def _needs_rounding(value: float, decimals: int) -> bool:
    """Return whether the float's shortest digits (repr) have more than ``decimals`` places, or might.

    Zero (and -0.0), large or tiny numbers and more than _EXACT_PLACES places say True: the Decimal path
    handles them ("0", never "-0").
    """
    if not value or not -_EXACT_BELOW < value < _EXACT_BELOW or not 0 <= decimals <= _EXACT_PLACES:
        return True
    text = repr(value)
    dot = text.find(".")
    if dot < 0 or "e" in text:
        return True
    places = len(text) - dot - 1
    return places > decimals and not (places == 1 and text[-1] == "0")


_MARKS_TABLES: dict[tuple[str, str], dict[int, str]] = {}


def _marks_table(separators: tuple[str, str]) -> dict[int, str]:
    """Return the str.translate table swapping Python's "." and "," for the language's marks in one pass."""
    table = _MARKS_TABLES.get(separators)
    if table is None:
        table = _MARKS_TABLES[separators] = str.maketrans({".": separators[0], ",": separators[1]})
    return table


def format_value(value: Number | None, *, decimals: int, measure_unit: str) -> str:
    """Return a value with its unit of measure: '99,7%' for percentages, '1.746' for counts."""
    return value_formatter(decimals=decimals, measure_unit=measure_unit)(value)


def value_formatter(*, decimals: int, measure_unit: str) -> Callable[[Number | None], str]:
    """Return format_value for one indicator in the active language, the language's marks looked up once.

    A table's column of figures formats them all alike: the language is read once for the column, not
    once per figure (a national-scale profile formats ~2,000).
    """
    places = 0 if measure_unit == MeasureUnit.COUNT else decimals
    percent = measure_unit == MeasureUnit.PERCENT
    separators = _separators()

    def formatted(value: Number | None) -> str:
        if is_missing(value):
            return ""
        text = _grouped(value, decimals=places, separators=separators)
        return f"{text}%" if text and percent else text

    return formatted


def format_change(change: Number | None, *, decimals: int, measure_unit: str) -> str:
    """Return a signed change ('+1,2', '−0,5'); percentages change by percentage points, not percent."""
    return change_formatter(decimals=decimals, measure_unit=measure_unit)(change)


def change_formatter(*, decimals: int, measure_unit: str) -> Callable[[Number | None], str]:
    """Return format_change for one indicator in the active language, its marks and unit looked up once."""
    places = 0 if measure_unit == MeasureUnit.COUNT else decimals
    separators = _separators()
    suffix = " " + _("pp") if measure_unit == MeasureUnit.PERCENT else ""

    def formatted(change: Number | None) -> str:
        if change is None or (isinstance(change, float) and change != change):
            return ""
        size = abs(change)
        text = "" if is_missing(size) else _grouped(size, decimals=places, separators=separators)
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        return f"{sign}{text}{suffix}"

    return formatted


def integer_formatter() -> Callable[[int], str]:
    """Return what the template engine's ``{{ n }}`` (localize) writes for an int, the language's marks looked up once.

    A ranking's rank columns hold up to 3,321 ranks per page of the national commune ranking.
    """
    separators = _separators()
    if separators is None or not settings.USE_THOUSAND_SEPARATOR:
        return lambda n: str(localize(n))
    marks = str.maketrans({",": separators[1]})
    return lambda n: f"{n:,}".translate(marks)


def plot_separators() -> str:
    """Return Plotly's `separators` (decimal mark, then thousands mark) for the active language."""
    separators = _separators()
    if separators is not None:
        return "".join(separators)
    vietnamese = format_number(1234.5, decimals=1) == "1.234,5"
    return ",." if vietnamese else ".,"
