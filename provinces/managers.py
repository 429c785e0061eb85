"""Reusable query pieces for administrative units."""

import datetime

from django.db.models import Q
from django.utils import timezone

from provinces.scope import RestrictedQuerySet, unit_scope_q
from provinces.text import fold


def in_force_q(day: datetime.date, *, prefix: str = "") -> Q:
    """Return the filter for units that existed on the given day (``prefix``: the path to the unit, e.g. ``unit__``)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class UnitQuerySet(RestrictedQuerySet):
    unit_path = ""  # restrict(): the unit is the row itself

    def in_scope_of(self, user: object) -> "UnitQuerySet":
        """Units of the user's province scope, whatever their role (the units whose values they may enter)."""
        scope = unit_scope_q(user)
        return self.filter(scope) if scope else self

    def in_force_on(self, day: datetime.date) -> "UnitQuerySet":
        """Units that existed on the given day."""
        return self.filter(in_force_q(day))

    def for_year(self, year: int) -> "UnitQuerySet":
        """Units that yearly figures of this year belong to (in force on 31 December)."""
        from provinces.models import year_reference_date

        return self.in_force_on(year_reference_date(year))

    def current(self) -> "UnitQuerySet":
        """Units in force today."""
        return self.in_force_on(timezone.localdate())

    def search(self, query: str) -> "UnitQuerySet":
        """Units whose name or alias contains the query, with or without diacritics."""
        folded = fold(query)
        if not folded:
            return self.none()
        return self.filter(search_text__contains=folded)

    def vietnamese_order(self) -> "UnitQuerySet":
        """Order by name in Vietnamese alphabetical order (Đ after D, Ă and Â after A)."""
        return self.order_by("sort_key", "code")
