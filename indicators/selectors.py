"""Read functions over values shared by every public page and export."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from config.prepared_queries import PreparedQuery
from indicators.models import DisputedFigure, Indicator, Value, ValueStatus
from indicators.preview import preview_scope


def public_values() -> QuerySet[Value]:
    """Return the values the public may see: approved figures, never drafts, submissions or corrections.

    Every public page, chart and export starts from this queryset, so this is the one gate of
    publication. A pending correction is a separate row (``correction_of`` set) that is never
    approved itself: approving it rewrites the approved row, so the public keeps seeing the
    published figure until then.

    During a staff preview (indicators.preview) the values in the previewer's scope are shown as
    they would be after approval: drafts and submissions too, and a pending correction instead of
    the approved figure it corrects. Outside that scope, still only approved figures.
    """
    published = Q(status=ValueStatus.APPROVED, correction_of__isnull=True)
    scope = preview_scope()
    if scope is None:
        return Value.objects.filter(published)
    # A correction is never approved (value_correction_not_approved): every correction row is pending.
    corrected = Value.objects.filter(scope, correction_of__isnull=False).values("correction_of_id")
    pending = Value.objects.filter(scope).exclude(status=ValueStatus.APPROVED).values("pk")
    return Value.objects.filter((published & ~Q(pk__in=corrected)) | Q(pk__in=pending))


DISPUTE_FIELDS = {
    "value_id": "value_id",
    "figure": "figure",
    "rank": "rank",
    "source_title": "source__title",
    "source_url": "source__url",
    "source_class": "source__source_class",
    "note": "note",
}


def disputes_by_value(**value_filters: object) -> dict[int, list[dict]]:
    """Return the disputed readings of the public values matching the filters, by value id (one query)."""
    return _disputes(_disputes_of(**value_filters).values_list(*DISPUTE_FIELDS.values()))


def _disputes_of(**value_filters: object) -> QuerySet[DisputedFigure]:
    rows = DisputedFigure.objects.filter(value__in=public_values().filter(**value_filters).values("pk"))
    return rows.order_by("source__title")


def _disputes(rows: Iterable[tuple]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    for row in rows:
        item = dict(zip(DISPUTE_FIELDS, row, strict=True))
        item["figure"] = float(item["figure"]) if item["figure"] is not None else None
        found.setdefault(item["value_id"], []).append(item)
    return found


#: The disputes of one page of a ranking, compiled once per process and page length (config.prepared_queries).
#: Only ever compiled and run outside a preview: public_values() is then the published figures alone.
_PAGE_DISPUTES = PreparedQuery(
    lambda *, indicator_id, year, value_ids: _disputes_of(
        indicator_id=indicator_id, year=year, pk__in=value_ids
    ).values_list(*DISPUTE_FIELDS.values()),
    numbers=("indicator_id", "year"),
    lists=("value_ids",),
)


def disputes_of_values(*, indicator: Indicator, year: int, value_ids: list[int]) -> dict[int, list[dict]]:
    """Return disputes_by_value(indicator=…, year=…, pk__in=value_ids): the disputes of the values of one page."""
    if preview_scope() is not None or not value_ids:
        return disputes_by_value(indicator=indicator, year=year, pk__in=value_ids)
    return _disputes(_PAGE_DISPUTES.rows(indicator_id=indicator.pk, year=year, value_ids=value_ids))
