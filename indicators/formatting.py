"""Numbers as the reader's language writes them: 1.746 and 99,7% in Vietnamese, 1,746 and 99.7% in English."""

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators.models import MeasureUnit

Number = Decimal | float | int


def is_missing(value: object) -> bool:
    """Return whether a cell value is missing (None, NaN or pandas NA)."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_number(value: Number | None, *, decimals: int) -> str:
    """Return value rounded to decimals, grouped and with the active language's separators ("" when missing)."""
    if is_missing(value):
        return ""
    # Round half up, as readers (and the sources) do: 1746.5 → 1.747, not banker's 1.746.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_value(value: Number | None, *, decimals: int, measure_unit: str) -> str:
    """Return a value with its unit of measure: '99,7%' for percentages, '1.746' for counts."""
    text = format_number(value, decimals=0 if measure_unit == MeasureUnit.COUNT else decimals)
    if text and measure_unit == MeasureUnit.PERCENT:
        return f"{text}%"
    return text


def format_change(change: Number | None, *, decimals: int, measure_unit: str) -> str:
    """Return a signed change ('+1,2', '−0,5'); percentages change by percentage points, not percent."""
    if change is None or (isinstance(change, float) and change != change):
        return ""
    text = format_number(abs(change), decimals=0 if measure_unit == MeasureUnit.COUNT else decimals)
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    suffix = " " + _("pp") if measure_unit == MeasureUnit.PERCENT else ""
    return f"{sign}{text}{suffix}"


def plot_separators() -> str:
    """Return Plotly's `separators` (decimal mark, then thousands mark) for the active language."""
    vietnamese = format_number(1234.5, decimals=1) == "1.234,5"
    return ",." if vietnamese else ".,"
