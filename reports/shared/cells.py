"""Display rows for the profile, compare and indicator pages: numbers per language, marks, sources.

Selectors return raw numbers; these pure functions turn them into the strings a table shows
in the active language (1.746 and 99,7% in Vietnamese, 1,746 and 99.7% in English), with the
qualifier and rank-basis marks that keep a figure honest ("> 95", "as of", "implied", "derived").
"""

from collections.abc import Callable, Mapping

import pandas as pd
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from indicators.formatting import format_value, is_missing, value_formatter
from indicators.models import Qualifier, RankBasis
from provinces.models import AdministrativeUnit
from reports.shared.sources import SourceList, disputes_html, is_weak

#: The marks of qualified figures, translated only where a figure has one (a profile formats ~2,000 figures).
QUALIFIER_MARKS = {
    Qualifier.AS_OF: gettext_noop("as of"),
    Qualifier.CUMULATIVE: gettext_noop("cumulative"),
    Qualifier.DERIVED: gettext_noop("derived"),
}


def qualified_value(value: object, *, qualifier: str, decimals: int, measure_unit: str) -> str:
    """Return the formatted value with its qualifier mark: '> 95%', '< 3', '1.746 (as of)'."""
    if is_missing(value):
        return ""
    text = format_value(float(value), decimals=int(decimals), measure_unit=str(measure_unit))
    mark = QUALIFIER_MARKS.get(qualifier)
    return with_qualifier(text, qualifier, mark=_(mark) if mark else "")


def with_qualifier(text: str, qualifier: str, *, mark: str) -> str:
    """Return a formatted number with its qualifier: '> 95%', '< 3', or with its (translated) mark, '1.746 (as of)'."""
    if not text:
        return ""
    if qualifier == Qualifier.MORE_THAN:
        return f"> {text}"
    if qualifier == Qualifier.LESS_THAN:
        return f"< {text}"
    return f"{text} ({mark})" if mark else text


def rank_text(rank: object, *, basis: str) -> str:
    """Return a published rank with its basis: stated ranks bare, others marked implied or derived."""
    if is_missing(rank):
        return ""
    if basis in (RankBasis.ORDER_IMPLIED, RankBasis.SCORE_ORDER_IMPLIED):
        return _("%(rank)s (implied by order)") % {"rank": int(rank)}
    if basis == RankBasis.DERIVED:
        return _("%(rank)s (derived, not official)") % {"rank": int(rank)}
    return str(int(rank))


def unit_label(unit: AdministrativeUnit) -> str:
    """Return the unit's name with its validity when it is limited, e.g. 'Bắc Giang (–30/06/2025)'."""
    if unit.valid_from is None and unit.valid_to is None:
        return unit.short_name
    return f"{unit.short_name} ({unit.validity_label})"


class FigureCells:
    """The cells of a page's tables of figures: text, published rank, note, source number, marks, disputes.

    The language's texts and each indicator's number format are looked up once per page, not per cell: a
    national-scale profile has ~2,000 cells. The sources are numbered in ``sources`` (the page lists them once).
    """

    def __init__(self, sources: SourceList) -> None:
        self.sources = sources
        self._formats: dict[tuple[int, str], Callable[[object], str]] = {}
        self._marks = {qualifier: _(mark) for qualifier, mark in QUALIFIER_MARKS.items()}

    def cell(
        self, row: Mapping, *, decimals: int, measure_unit: str, disputes: list[dict] | None = None
    ) -> dict[str, object]:
        """Return one table cell of a value (``row``: VALUE_FIELDS): text, rank, note, source number, disputes.

        The source's title, link and class are listed once per page (``SourceList``); the cell keeps its number
        and the weak-source mark (a figure only a republished copy or an unofficial site gives).
        """
        source_class = row.get("source_class") or ""
        return {
            "weak": is_weak(source_class),
            "disputes": disputes_html(
                disputes,
                shown=lambda figure: qualified_value(
                    figure, qualifier=Qualifier.EXACT, decimals=decimals, measure_unit=measure_unit
                ),
                compact=True,
            )
            if disputes
            else "",
            "text": self._qualified(row["value"], row["qualifier"], decimals=decimals, measure_unit=measure_unit),
            "rank": rank_text(row["rank"], basis=row["rank_basis"]),
            "source": self.sources.number(row["source_title"], row["source_url"], source_class),
            "note": row["note"] or "",
            "corrected": _corrected_note(row, decimals=decimals, measure_unit=measure_unit),
        }

    def _qualified(self, value: object, qualifier: str, *, decimals: int, measure_unit: str) -> str:
        """Return qualified_value's text, with this page's format of the indicator and its marks."""
        if is_missing(value):
            return ""
        fmt = self._formats.get((decimals, measure_unit))
        if fmt is None:
            fmt = self._formats[decimals, measure_unit] = value_formatter(
                decimals=int(decimals), measure_unit=str(measure_unit)
            )
        return with_qualifier(fmt(float(value)), qualifier, mark=self._marks.get(qualifier, ""))


def _corrected_note(row: pd.Series, *, decimals: int, measure_unit: str) -> str:
    """Return "corrected on <date> (was <figure>)" for a published figure that replaced another, else ""."""
    corrected_at = row.get("corrected_at")
    if corrected_at is None or pd.isna(corrected_at):
        return ""
    previous = row.get("previous_value")
    day = formats.date_format(
        timezone.localtime(pd.Timestamp(corrected_at).to_pydatetime()).date(), "SHORT_DATE_FORMAT"
    )
    if previous is None or pd.isna(previous):
        return _("corrected on %(date)s") % {"date": day}
    was = qualified_value(float(previous), qualifier=Qualifier.EXACT, decimals=decimals, measure_unit=measure_unit)
    return _("corrected on %(date)s (was %(value)s)") % {"date": day, "value": was}
