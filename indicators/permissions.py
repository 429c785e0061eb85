"""Object-level questions the admin asks, answered by the one scope mechanism.

Model permissions (the role's group, accounts.roles) say *what* a user may do; the scope says
*where*: every province for users with ``accounts.all_provinces`` (national administrators, viewers)
and superusers; otherwise the province of their StaffProfile, its districts and communes, and the
provinces it succeeded in 2025 with theirs. Both are combined in one place only:
``Value.objects.restrict(user, action)`` (provinces.scope.RestrictedQuerySet). The helpers here are
thin conveniences over it and over the write services' own checks (indicators.services).
"""

from django.db.models import QuerySet

from accounts.scope import User, is_national_admin
from indicators.models import Value
from indicators.services import is_locked, locked_pairs, value_delete_refusal
from provinces.models import AdministrativeUnit

__all__ = [
    "can_change_value",
    "can_delete_value",
    "is_locked",
    "is_national_admin",
    "locked_pairs",
    "permits",
    "units_editable_by",
    "values_visible_to",
]


def units_editable_by(user: User) -> QuerySet[AdministrativeUnit]:
    """Return the units of the user's scope (whose values they may read and write when the role allows)."""
    return AdministrativeUnit.objects.in_scope_of(user)


def values_visible_to(user: User, queryset: QuerySet[Value] | None = None) -> QuerySet[Value]:
    """Return the values the user may see in the admin and staff exports, published or not."""
    return (Value.objects.all() if queryset is None else queryset).restrict(user, "view")


def permits(user: User, action: str, value: Value) -> bool:
    """Return whether ``Value.objects.restrict(user, action)`` holds this value (asked once per value and action)."""
    cache = value.__dict__.setdefault("_permits", {})
    if (user.pk, action) not in cache:
        cache[user.pk, action] = Value.objects.restrict(user, action).filter(pk=value.pk).exists()
    return cache[user.pk, action]


def value_locked(value: Value) -> bool:
    """Return whether the value's indicator group and year are locked (asked once per value object)."""
    if not hasattr(value, "_locked"):
        value._locked = is_locked(group=value.indicator.group, year=value.year)
    return value._locked


def can_change_value(user: User, value: Value) -> bool:
    """Return whether the user may edit the value's figure (an approved one through a correction)."""
    return permits(user, "change", value) and not value_locked(value)


def can_delete_value(user: User, value: Value) -> bool:
    """Return whether the user may delete the value: a draft in scope, or anything for a national administrator."""
    refusal = value_delete_refusal(user, value, permitted=permits(user, "delete", value), locked=value_locked(value))
    return refusal is None
