"""Read numbers written the Vietnamese way (1.746 and 99,7) or the English way, never guessing.

Vietnamese writes ``1.746`` for one thousand seven hundred and forty-six and ``99,7`` for
ninety-nine point seven; English the reverse. A lone separator followed by exactly three
digits (``1.746``, ``2,500``) is therefore ambiguous on its own. It is read by the convention
in force (the language of the form, or the convention of the file); with no convention it is
refused with a message, never silently misread.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from django.utils.translation import gettext as _

Convention = Literal["comma", "dot"]

MISSING_MARKERS = frozenset({"", "-", "–", "—", "n/a", "na", "n.a.", "#n/a", "..", "...", "x"})

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_SHAPE = re.compile(r"^[+-]?[0-9.,]+$")


class NumberFormatError(ValueError):
    """A cell that is not a number, or a number whose reading would be a guess."""


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal | None
    percent: bool = False


def convention_for_language(language_code: str | None) -> Convention:
    """Return the decimal convention of a UI language: comma for Vietnamese, dot otherwise."""
    return "comma" if (language_code or "vi").startswith("vi") else "dot"


def _check_groups(integer_part: str, sep: str, original: str) -> str:
    groups = integer_part.split(sep)
    lead = groups[0].lstrip("+-")
    if not (1 <= len(lead) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise NumberFormatError(
            _("“%(text)s” is not a number: thousands must be grouped by three digits.") % {"text": original}
        )
    return integer_part.replace(sep, "")


def _normalise(body: str, original: str, convention: Convention | None) -> str:
    """Return body with '.' as the only decimal separator and no grouping."""
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal_sep = "." if body.rfind(".") > body.rfind(",") else ","
        group_sep = "," if decimal_sep == "." else "."
        integer_part, _sep, fraction = body.rpartition(decimal_sep)
        if group_sep in fraction:
            raise NumberFormatError(
                _("“%(text)s” mixes separators in a way that is not a number.") % {"text": original}
            )
        return _check_groups(integer_part, group_sep, original) + "." + fraction
    sep = "." if dots else "," if commas else ""
    if not sep:
        return body
    if body.count(sep) > 1:
        return _check_groups(body, sep, original)
    integer_part, _sep, fraction = body.partition(sep)
    lead = integer_part.lstrip("+-")
    looks_grouped = len(fraction) == 3 and 1 <= len(lead) <= 3 and lead != "0"
    if not looks_grouped:
        return (integer_part or "0") + "." + fraction
    if convention is None:
        raise NumberFormatError(
            _(
                "“%(text)s” is ambiguous: it reads %(grouped)s with Vietnamese thousands separators "
                "and %(decimal)s with a decimal point. Write it without a separator or state the convention."
            )
            % {"text": original, "grouped": integer_part + fraction, "decimal": integer_part + "." + fraction}
        )
    decimal_sep = "," if convention == "comma" else "."
    if sep == decimal_sep:
        return integer_part + "." + fraction
    return integer_part + fraction


def parse_number(text: object, *, convention: Convention | None = None) -> ParsedNumber:
    """Return the number in a cell, or a missing value for empty cells and N/A markers.

    Raise NumberFormatError with a message naming the cell's text when it is not a number or
    could be read two ways under no stated convention.
    """
    if text is None:
        return ParsedNumber(None)
    if isinstance(text, bool):
        raise NumberFormatError(_("“%(text)s” is not a number.") % {"text": text})
    if isinstance(text, (int, Decimal)):
        return ParsedNumber(Decimal(text))
    if isinstance(text, float):
        if text != text:  # NaN: an empty spreadsheet cell
            return ParsedNumber(None)
        return ParsedNumber(Decimal(repr(text)))
    original = str(text).strip()
    if original.lower() in MISSING_MARKERS:
        return ParsedNumber(None)
    body = _SPACES.sub("", original)
    percent = body.endswith("%")
    if percent:
        body = body[:-1]
    if not body or not _SHAPE.match(body) or not any(c.isdigit() for c in body):
        raise NumberFormatError(_("“%(text)s” is not a number.") % {"text": original})
    normalised = _normalise(body, original, convention)
    try:
        value = Decimal(normalised)
    except InvalidOperation as exc:
        raise NumberFormatError(_("“%(text)s” is not a number.") % {"text": original}) from exc
    return ParsedNumber(value, percent)
