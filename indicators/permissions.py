"""Who may read and write which values: the one place where a staff member's province scope is decided.

Admin querysets, object permissions, autocompletes, filters, the year sheet, bulk actions, the import
and the staff export all ask here. Model permissions (the role's group, accounts.roles) say *what* a
user may do; the scope says *where*: every province for users with ``accounts.all_provinces`` (national
administrators, viewers) and superusers; otherwise the province of their StaffProfile, its districts and
communes, and the provinces it succeeded in 2025 with theirs. A user without either has no scope.
"""

from django.db.models import QuerySet

from accounts.scope import User, has_all_provinces, is_national_admin, scope_provinces, unit_scope_q
from indicators.models import Value, ValueStatus, YearLock
from provinces.models import AdministrativeUnit

__all__ = [
    "can_change_value",
    "can_delete_value",
    "has_all_provinces",
    "is_locked",
    "is_national_admin",
    "locked_pairs",
    "unit_in_scope",
    "unit_scope_q",
    "units_editable_by",
    "values_visible_to",
]


def units_editable_by(user: User) -> QuerySet[AdministrativeUnit]:
    """Return the units whose values the user may read and write (when the role allows the action)."""
    return AdministrativeUnit.objects.filter(unit_scope_q(user))


def values_visible_to(user: User, queryset: QuerySet[Value] | None = None) -> QuerySet[Value]:
    """Return the values the user may see in the admin and staff exports, published or not."""
    queryset = Value.objects.all() if queryset is None else queryset
    return queryset.filter(unit_scope_q(user, prefix="unit__"))


def unit_in_scope(user: User, unit: AdministrativeUnit) -> bool:
    """Return whether one unit is in the user's scope (no query when the unit's parents are loaded)."""
    provinces = scope_provinces(user)
    if provinces is None:
        return True
    chain = [unit.pk, unit.parent_id]
    if unit.parent_id is not None:
        chain.append(unit.parent.parent_id)
    return any(pk in provinces for pk in chain if pk is not None)


def is_locked(*, group: str, year: int) -> bool:
    """Return whether the year of an indicator group is locked."""
    return YearLock.objects.filter(group=group, year=year).exists()


def locked_pairs() -> set[tuple[str, int]]:
    """Return every locked (indicator group, year)."""
    return set(YearLock.objects.values_list("group", "year"))


def value_locked(value: Value) -> bool:
    """Return whether the value's indicator group and year are locked (asked once per value object)."""
    if not hasattr(value, "_locked"):
        value._locked = is_locked(group=value.indicator.group, year=value.year)
    return value._locked


def can_change_value(user: User, value: Value) -> bool:
    """Return whether the user may edit the value's figure (an approved one through a correction)."""
    return user.has_perm("indicators.change_value") and unit_in_scope(user, value.unit) and not value_locked(value)


def can_delete_value(user: User, value: Value) -> bool:
    """Return whether the user may delete the value: a draft in scope, or anything for a national administrator."""
    if not (user.has_perm("indicators.delete_value") and unit_in_scope(user, value.unit)):
        return False
    if value_locked(value):
        return False
    return value.status != ValueStatus.APPROVED or is_national_admin(user)
