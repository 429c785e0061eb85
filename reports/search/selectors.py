"""The search page's reads: units whose names match, typed with or without diacritics."""

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, Value, When

from provinces.models import AdministrativeUnit, Level


def unit_search(*, query: str, limit: int = 60) -> list[dict]:
    """Return units whose names match the query without diacritics: provinces first, then Vietnamese order.

    Units of both structures are returned (a search for 'bac giang' finds the former province),
    units in force first; each row says when the unit was in force.
    """
    level_order = Case(
        When(level=Level.PROVINCE, then=Value(0)), When(level=Level.DISTRICT, then=Value(1)), default=Value(2)
    )
    return list(
        AdministrativeUnit.objects.search(query)
        .annotate(
            level_order=level_order, ended=ExpressionWrapper(Q(valid_to__isnull=False), output_field=BooleanField())
        )
        .order_by("level_order", "ended", "sort_key", "code")
        .values(
            "id",
            "level",
            "code",
            "short_name",
            "name",
            "unit_type",
            "valid_from",
            "valid_to",
            "parent__short_name",
            "parent__parent__short_name",
        )[:limit]
    )
