"""Read functions over values shared by every public page and export."""

from django.db.models import QuerySet

from indicators.models import Value, ValueStatus


def public_values() -> QuerySet[Value]:
    """Return the values the public may see: approved figures, never drafts, submissions or corrections.

    Every public page, chart and export starts from this queryset, so this is the one gate of
    publication. A pending correction is a separate row (``correction_of`` set) that is never
    approved itself: approving it rewrites the approved row, so the public keeps seeing the
    published figure until then.
    """
    return Value.objects.filter(status=ValueStatus.APPROVED, correction_of__isnull=True)
