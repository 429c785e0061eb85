"""Querysets of values, their history and import batches: ``restrict(user, action)`` on each.

``Value.objects.restrict(user, "change")`` is the one scope mechanism for reads and writes (see
provinces.scope.RestrictedQuerySet): admin lists, history, autocompletes, the import preview, staff
exports and the write services (indicators.services) all ask it, never a helper of their own.
"""

from django.db.models import Exists, OuterRef, Q
from simple_history.manager import HistoricalQuerySet

from provinces.scope import RestrictedQuerySet, unit_scope_q


class ValueQuerySet(RestrictedQuerySet):
    """Values; actions: view, add, change, delete, submit, approve, export (unpublished figures)."""

    unit_path = "unit__"
    action_codenames = {"export": "export_unpublished_value"}


class HistoricalValueQuerySet(HistoricalQuerySet, RestrictedQuerySet):
    """The change records of values: a province's staff see those of their province's values only."""

    unit_path = "unit__"


class ImportBatchQuerySet(RestrictedQuerySet):
    """Import runs: a province's staff see their own and those that wrote only values of their scope."""

    def restrict(self, user: object | None, action: str = "view") -> "ImportBatchQuerySet":
        if user is None:
            return self
        if not (user.is_active and user.has_perm(self.permission(action))):
            return self.none()
        scope = unit_scope_q(user, prefix="unit__")
        if not scope:
            return self
        from indicators.models import Value

        written = Value.objects.filter(import_batch=OuterRef("pk"))
        return self.filter(Q(created_by=user) | (Exists(written.filter(scope)) & ~Exists(written.exclude(scope))))
