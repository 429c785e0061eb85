"""Read functions over values shared by every public page and export."""

from django.db.models import QuerySet

from indicators.models import Value


def public_values() -> QuerySet[Value]:
    """Return the values the public may see.

    Every public page, chart and export starts from this queryset, so that the publication
    workflow (draft → submitted → approved) can restrict what the public sees in one place.
    Until that workflow exists every stored value is public.
    """
    return Value.objects.all()
