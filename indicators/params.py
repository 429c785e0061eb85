"""The year of a request parameter: four ASCII digits (ids and codes: config.params)."""

from config.params import digits_param
from indicators.models import MAX_YEAR, MIN_YEAR


def year_param(text: object) -> int | None:
    """Return the year written in the text (four ASCII digits, MIN_YEAR to MAX_YEAR), else None."""
    found = digits_param(text.strip() if isinstance(text, str) else text, max_length=4)
    year = int(found) if found is not None and len(found) == 4 else None
    return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None
