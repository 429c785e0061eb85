"""Read functions over values shared by every public page and export."""

from django.db.models import Q, QuerySet

from indicators.models import DisputedFigure, Value, ValueStatus
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
    found: dict[int, list[dict]] = {}
    rows = DisputedFigure.objects.filter(value__in=public_values().filter(**value_filters).values("pk"))
    for row in rows.order_by("source__title").values(*DISPUTE_FIELDS.values()):
        item = {name: row[field] for name, field in DISPUTE_FIELDS.items()}
        item["figure"] = float(item["figure"]) if item["figure"] is not None else None
        found.setdefault(item["value_id"], []).append(item)
    return found
