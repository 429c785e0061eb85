"""Parsers of numbers in request parameters and URLs, ASCII digits only, for every app.

``str.isdigit()`` is true for "²", "①" and "٣", and ``int()`` accepts "٣" and "１" but not "²": a check
with one and a conversion with the other answers 500, and an id past the database's integers overflows.
Every view, filter and form reading an id, a code or a date from a request uses these (years: indicators.params;
the form fields over them: config.fields, indicators.fields);
each returns None for anything else, and the caller shows its own message, or answers 404 or 400 where no
page makes sense.
"""

import datetime
import re

_ASCII_DIGITS = re.compile(r"[0-9]+")
#: The largest primary key of a BigAutoField, and of SQLite's INTEGER.
MAX_ID = 2**63 - 1


def digits_param(text: object, *, max_length: int) -> str | None:
    """Return the text if it is 1 to max_length ASCII digits (a code such as "01"), else None."""
    if not isinstance(text, str) or not 0 < len(text) <= max_length:
        return None
    return text if _ASCII_DIGITS.fullmatch(text) else None


def id_param(text: object) -> int | None:
    """Return the positive database id written in the text (ASCII digits, no sign), else None."""
    found = digits_param(text, max_length=len(str(MAX_ID)))
    number = int(found) if found is not None else 0
    return number if 0 < number <= MAX_ID else None


def date_param(text: object) -> datetime.date | None:
    """Return the date written in the text as YYYY-MM-DD (surrounding spaces ignored), else None."""
    if not isinstance(text, str):
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None
