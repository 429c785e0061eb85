"""A staff member's province scope, as a filter on administrative units.

The accounts app owns the scope (the StaffProfile's province and ``accounts.all_provinces``) and
registers ``unit_scope_q`` as the unit-scope hook of provinces.scope when it starts, so provinces
imports nothing from here. Everything else asks through ``restrict(user, action)`` on its querysets
(provinces.scope.RestrictedQuerySet), never through this module directly.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from provinces.models import AdministrativeUnit

User = AbstractBaseUser | AnonymousUser


def has_all_provinces(user: User) -> bool:
    """Return whether the user works on every province."""
    return bool(user.is_active and (user.is_superuser or user.has_perm("accounts.all_provinces")))


def is_national_admin(user: User) -> bool:
    """Return whether the user may restore history, lock years and approve any province."""
    return bool(user.is_active and (user.is_superuser or user.has_perm("accounts.restore_history")))


def scope_provinces(user: User) -> list[int] | None:
    """Return the ids of the provinces whose units the user works on; None means every province."""
    if has_all_provinces(user):
        return None
    profile = getattr(user, "staff_profile", None) if user.is_authenticated else None
    if profile is None or profile.province_id is None:
        return []
    cached = getattr(user, "_scope_provinces", None)
    if cached is None:
        predecessors = AdministrativeUnit.successors.through.objects.filter(
            to_administrativeunit_id=profile.province_id
        ).values_list("from_administrativeunit_id", flat=True)
        cached = [profile.province_id, *predecessors]
        user._scope_provinces = cached
    return cached


def unit_scope_q(user: User, *, prefix: str = "") -> Q:
    """Return a filter on units (``prefix`` = the path to the unit, e.g. ``"unit__"``) for the user's scope."""
    provinces = scope_provinces(user)
    if provinces is None:
        return Q()
    if not provinces:
        return Q(pk__in=[])
    return (
        Q(**{f"{prefix}id__in": provinces})
        | Q(**{f"{prefix}parent_id__in": provinces})
        | Q(**{f"{prefix}parent__parent_id__in": provinces})
    )
