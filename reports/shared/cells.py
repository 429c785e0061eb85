"""Display rows for the profile, compare and indicator pages: numbers per language, marks, sources.

Selectors return raw numbers; these pure functions turn them into the strings a table shows
in the active language (1.746 and 99,7% in Vietnamese, 1,746 and 99.7% in English), with the
qualifier and rank-basis marks that keep a figure honest ("> 95", "as of", "implied", "derived").
"""

import pandas as pd
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from indicators.formatting import format_value, is_missing
from indicators.models import Qualifier, RankBasis
from provinces.models import AdministrativeUnit
from reports.shared.links import safe_url
from reports.shared.sources import disputes_html, is_weak, source_badge, weak_mark


def qualified_value(value: object, *, qualifier: str, decimals: int, measure_unit: str) -> str:
    """Return the formatted value with its qualifier mark: '> 95%', '< 3', '1.746 (as of)'."""
    if is_missing(value):
        return ""
    text = format_value(float(value), decimals=int(decimals), measure_unit=str(measure_unit))
    if not text:
        return ""
    if qualifier == Qualifier.MORE_THAN:
        return f"> {text}"
    if qualifier == Qualifier.LESS_THAN:
        return f"< {text}"
    mark = {
        Qualifier.AS_OF: _("as of"),
        Qualifier.CUMULATIVE: _("cumulative"),
        Qualifier.DERIVED: _("derived"),
    }.get(qualifier)
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


def value_cell(
    row: pd.Series, *, decimals: int, measure_unit: str, disputes: list[dict] | None = None
) -> dict[str, str]:
    """Return one table cell of a value: text, published rank, source link with its class, note, disputes."""
    source_class = row.get("source_class") or ""
    return {
        "badge": source_badge(source_class),
        "weak": weak_mark() if is_weak(source_class) else "",
        "disputes": disputes_html(
            disputes or [],
            shown=lambda figure: qualified_value(
                figure, qualifier=Qualifier.EXACT, decimals=decimals, measure_unit=measure_unit
            ),
            compact=True,
        ),
        "text": qualified_value(row["value"], qualifier=row["qualifier"], decimals=decimals, measure_unit=measure_unit),
        "rank": rank_text(row["rank"], basis=row["rank_basis"]),
        "source_title": row["source_title"],
        "source_url": safe_url(row["source_url"]),
        "note": row["note"] or "",
        "corrected": _corrected_note(row, decimals=decimals, measure_unit=measure_unit),
    }


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
