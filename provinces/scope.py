"""One scope mechanism for reads and writes: ``queryset.restrict(user, action)``.

Modelled on NetBox's ``RestrictedQuerySet``: the rows a user may act on are those their role's
model permission allows (``<app>.<action>_<model>``) within their province scope. The scope itself
(which provinces a staff member works on) belongs to the accounts app; it registers it here when it
starts (``unit_scope_register``), so provinces imports no app above it and every model that hangs
off an administrative unit (values, their history, the units themselves) filters the same way.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

#: (user, prefix=path to the unit) -> filter on units; registered by the app owning the scope.
UnitScope = Callable[..., Q]
_unit_scope: UnitScope | None = None


def unit_scope_register(scope: UnitScope) -> None:
    """Register the function deciding a user's units (the accounts app does, in its ready())."""
    global _unit_scope
    _unit_scope = scope


def unit_scope_q(user: object, *, prefix: str = "") -> Q:
    """Return the filter on units (``prefix`` = the path to the unit, e.g. ``"unit__"``) for the user's scope.

    An empty Q means every unit. Without a registered scope nobody is let through silently.
    """
    if _unit_scope is None:
        raise ImproperlyConfigured("No unit scope is registered: add 'accounts' to INSTALLED_APPS.")
    return _unit_scope(user, prefix=prefix)


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what one user may do: ``restrict(user, "view")``.

    Subclasses say where the unit is (``unit_path``, "" for units themselves) and may map an
    action to a custom permission (``action_codenames``).
    """

    unit_path: str = "unit__"
    action_codenames: dict[str, str] = {}

    def permission(self, action: str) -> str:
        """Return the permission (``app_label.codename``) an action needs on this queryset's model."""
        opts = self.model._meta
        codename = self.action_codenames.get(action, f"{action}_{opts.model_name}")
        return f"{opts.app_label}.{codename}"

    def restrict(self, user: object | None, action: str = "view") -> "RestrictedQuerySet":
        """Return the rows the user may act on: nothing without the permission, else those of their scope.

        ``user=None`` is the system itself (loaders, migrations): every row.
        """
        if user is None:
            return self
        if not (user.is_active and user.has_perm(self.permission(action))):
            return self.none()
        scope = unit_scope_q(user, prefix=self.unit_path)
        return self.filter(scope) if scope else self
