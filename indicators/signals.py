"""The data generation: one number that changes whenever anything the public pages show is written.

Public pages are cached under a key that includes this number (see reports.cache), so a write
never has to find and delete the cached pages it affects: it starts a new generation, and every
page is computed afresh on its next request. Row saves and deletes announce themselves through
the signals connected here; bulk writes (bulk_create, bulk_update, QuerySet.update, raw SQL)
send no signal, so their callers call ``values_changed()`` themselves.

The number lives in the ``generation`` cache, shared by every server process (a file cache on
one machine, Redis when REDIS_URL is set), so a figure approved in one worker is never served
stale by another.
"""

import time
from collections.abc import Hashable

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from provinces.signals import units_loaded

GENERATION_KEY = "data-generation"


def data_generation() -> int:
    """Return the current data generation, starting one if none is stored."""
    cache = caches["generation"]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


#: This process's reads kept for one data generation (generation_store): the generation, and the reads by key.
_kept: tuple[int | None, dict[Hashable, object]] = (None, {})


def generation_store() -> dict[Hashable, object]:
    """Return this process's store of reads for the current data generation: a new, empty one once it changes.

    For reads that every visitor sees alike (the indicator catalogue, the provinces in force, the years with
    public figures), which a page would otherwise make on every request: what is kept can never outlive the
    data it was read from, by the page cache's reasoning (a write starts a new generation at once and again
    when it commits). Never for anything that depends on who asks: a staff preview, a user's scope.
    The caller reads the generation once per request and keeps the store it got for the request.
    """
    global _kept
    generation = data_generation()
    kept_generation, kept = _kept
    if kept_generation != generation:
        kept = {}
        _kept = (generation, kept)  # one assignment: another thread sees the old store or the new one
    return kept


def _new_generation() -> None:
    # A fresh timestamp rather than an increment: two processes writing at once still each leave
    # a number no cached page was stored under (an increment of a file cache can lose one).
    caches["generation"].set(GENERATION_KEY, time.time_ns(), timeout=None)


def values_changed() -> None:
    """Start a new data generation now and again when the current transaction commits.

    Now, so that the writing request (and a test in its transaction) sees its own change; on
    commit, so that a page computed by another request between the write and the commit, from
    the data before it, is not kept under the generation that follows the commit.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _on_write(sender: type, **kwargs: object) -> None:
    if kwargs.get("raw"):  # fixtures loading: nothing is cached for them yet
        return
    values_changed()


def connect() -> None:
    """Connect the row-write signals of every model whose data the public pages show."""
    from indicators.models import Indicator, PublishedAverage, SeriesBreak, Source, Value
    from provinces.models import AdministrativeUnit

    for model in (Value, PublishedAverage, Indicator, Source, SeriesBreak, AdministrativeUnit):
        uid = f"data-generation-{model._meta.label_lower}"
        post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
    units_loaded.connect(_on_write, dispatch_uid="data-generation-units-loaded")
