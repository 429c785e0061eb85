"""Staff preview of unpublished values on the public pages: who may preview, and the preview in force.

A preview is a filter on values (the staff member's province scope) held in a context variable for
the duration of one request (reports.preview sets it); ``indicators.selectors.public_values()`` reads
it, so every public page, chart and export previews through the same single gate without any
selector taking a new argument. A context variable, not a global: each thread and each request
starts without a preview, and ``values_previewed`` always restores the previous state.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Q

from accounts.scope import User
from provinces.scope import unit_scope_q

_preview_scope: ContextVar[Q | None] = ContextVar("preview_scope", default=None)


def may_preview(user: User) -> bool:
    """Return whether the user may preview unpublished values: active staff who may view values."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm("indicators.view_value"))


def preview_scope() -> Q | None:
    """Return the filter on values whose unpublished rows the current preview shows; None outside a preview."""
    return _preview_scope.get()


@contextmanager
def values_previewed(*, user: User) -> Iterator[None]:
    """Preview the unpublished values in the user's scope (every province for national staff) within the block."""
    token = _preview_scope.set(unit_scope_q(user, prefix="unit__"))
    try:
        yield
    finally:
        _preview_scope.reset(token)


@contextmanager
def values_not_previewed() -> Iterator[None]:
    """Show only published values within the block, whatever preview the request asked for (the API's reads)."""
    token = _preview_scope.set(None)
    try:
        yield
    finally:
        _preview_scope.reset(token)
