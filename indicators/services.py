"""The write services: the one gate every channel goes through.

Forms, the year sheet, the import, admin actions, management commands, the appraisal module and
the REST API only *call* these; the services check, themselves and inside the write transaction:

* the user's model permission and province scope (``Value.objects.restrict(user, action)`` and the
  same scope hook for units, see provinces.scope);
* year locks of the indicator group;
* the data rules of a figure (``value_errors``: range, level, plausible year, unit in force);
* the version: a change of a stored value names the version its writer read (``expected_version``);
  a missing or older one is refused, naming what changed since and who changed it. The stored row is
  locked (``select_for_update``) while it is compared and written, and every write advances the version.

Every write records its user and its channel as the history's change reason. Channel strings are
data, in English, never translated: ``"form"``, ``"year sheet"``, ``"import: <file name>"``,
``"restore"``, ``"admin delete"``, ``"admin"``, ``"lock"``, ``"unlock"``, ``"appraisal"``, ``"api"``.

Statuses move draft → submitted → approved; returning a submission puts it back to draft with the
approver's comment. Changing an approved value writes its pending correction (``correction_of``),
and the approved row serves the public until the correction is approved.
"""

import datetime
import functools
import io
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators import ranking_summary
from indicators.models import (
    ImportBatch,
    Indicator,
    Qualifier,
    Source,
    Value,
    ValueStatus,
    YearLock,
    plain_decimal,
    value_errors,
)
from indicators.signals import values_changed
from provinces.models import AdministrativeUnit

#: The figure's own fields (Value.FIGURE_FIELDS): what a write sets and what a correction copies onto the approved row.
FIGURE_FIELDS = Value.FIGURE_FIELDS

#: Channels (history change reasons) written by this project's own pages; data, never translated.
CHANNEL_FORM = "form"
CHANNEL_YEAR_SHEET = "year sheet"
CHANNEL_RESTORE = "restore"
CHANNEL_ADMIN_DELETE = "admin delete"
CHANNEL_ADMIN = "admin"


def import_channel(file_name: str) -> str:
    """Return the channel of an import: ``"import: <file name>"``."""
    return f"import: {file_name}"


_channel: ContextVar[str | None] = ContextVar("history_channel", default=None)


@contextmanager
def history_channel(channel: str) -> Iterator[None]:
    """Record ``channel`` on every history record made in the block that names no channel of its own.

    For writes that go through model saves the services do not make themselves: the sources an
    import creates, the catalogue loader's indicators.
    """
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


def history_channel_fill(sender: type, history_instance: object, **kwargs: object) -> None:
    """Fill in the channel of a history record from ``history_channel`` (connected in IndicatorsConfig.ready)."""
    channel = _channel.get()
    if channel and not history_instance.history_change_reason:
        history_instance.history_change_reason = channel


# -- what callers pass and get back ----------------------------------------------------------------
@dataclass
class ValueInput:
    """One row to write: the figure of indicator × unit × year, and the version its writer read.

    ``expected_version`` is required (not None) when a value for indicator × unit × year is stored:
    it is the version of the row the write changes (the pending correction when one exists, else
    the value). ``source=None`` keeps the stored source of an existing value; a new value needs one.
    ``row`` is the caller's label for errors (a line number, a JSON index).
    """

    indicator: Indicator
    unit: AdministrativeUnit
    year: int
    value: Decimal | None = None
    rank: int | None = None
    rank_basis: str = ""
    qualifier: str = ""
    source: Source | None = None
    note: str = ""
    expected_version: int | None = None
    row: str | int = ""


class StoredValue(NamedTuple):
    """A stored value as the checks and a write read it: its key, state and figure, without a model instance.

    Read by ``StoredValue.read`` (one tuple per row): building 100,000 model instances twice took most of
    the time of an import changing every stored figure (bench/import, update; cProfile). Attribute names
    are the model's (``source_id``, ``correction_of_id``), so the checks take either.
    """

    pk: int
    indicator_id: int
    unit_id: int
    year: int
    correction_of_id: int | None
    status: str
    version: int
    value: Decimal | None
    rank: int | None
    rank_basis: str
    qualifier: str
    note: str
    source_id: int
    previous_value: Decimal | None
    previous_rank: int | None
    corrected_at: datetime.datetime | None

    @classmethod
    def read(cls, queryset: QuerySet[Value]) -> Iterator["StoredValue"]:
        """Yield the rows of a Value queryset as StoredValues."""
        return map(cls._make, queryset.values_list(*cls._fields))


@dataclass
class WriteError:
    """One reason a write was refused: which row, which field ("" for the whole row), why."""

    row: str | int
    field: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(str(part) for part in (self.row, self.field) if part != "")
        return f"{where}: {self.message}" if where else self.message


class WriteRefused(Exception):
    """Nothing was written; ``errors`` lists every reason, row by row."""

    def __init__(self, errors: list[WriteError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [str(e) for e in self.errors]


class StaleValue(WriteRefused):
    """The value was changed by someone else since its writer read it (a form, a sheet, a file)."""

    def __init__(self, value: Value, changes: list[tuple[str, str, str]], by: str, *, row: str | int = "") -> None:
        self.value, self.changes, self.by = value, changes, by
        super().__init__([WriteError(row, "version", stale_text(value, changes, by))])


@dataclass(frozen=True)
class Refusal:
    """Why one value of a workflow transition was not moved on."""

    value: Value
    reason: str


# -- the checks, shared by every write -------------------------------------------------------------
def changes_since(value: "Value | StoredValue", *, version: int) -> tuple[list[tuple[str, str, str]], str]:
    """Return (field, then, now) for what changed since ``version``, and who changed it last."""
    history = Value.history.filter(id=value.pk)  # a StoredValue has no ``history`` manager of its own
    then = history.filter(version=version).order_by("history_date").last()
    latest = history.order_by("-history_date").first()
    by = str(latest.history_user) if latest and latest.history_user else _("someone else")
    if then is None:
        return [], by
    changed = []
    for name in (*FIGURE_FIELDS, "status"):
        attname = f"{name}_id" if name == "source" else name
        old, new = getattr(then, attname), getattr(value, attname)
        if old != new:
            changed.append((name, _shown(old), _shown(new)))
    return changed, by


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return str(value)


def stale_text(value: "Value | StoredValue", changes: list[tuple[str, str, str]], by: str) -> str:
    """Return the refusal of a stale write: who changed the value meanwhile and what."""
    what = "; ".join(f"{name}: {old or '—'} → {new or '—'}" for name, old, new in changes)
    return _("%(by)s changed this value (now version %(version)s) since you read it: %(what)s.") % {
        "by": by,
        "version": value.version,
        "what": what or _("the publication status"),
    }


def _label(indicator: Indicator, unit: AdministrativeUnit, year: int) -> str:
    return f"{indicator.code} · {unit.short_name} ({unit.code}) · {year}"


def _locked_message(indicator: Indicator, year: int) -> str:
    return _(
        "%(group)s %(year)s is locked: its values cannot be changed until a national administrator unlocks it."
    ) % {"group": indicator.get_group_display(), "year": year}


def _outside_message(unit: AdministrativeUnit) -> str:
    return _("%(unit)s (code %(code)s) is outside your province.") % {"unit": unit.short_name, "code": unit.code}


def locked_pairs() -> set[tuple[str, int]]:
    """Return every locked (indicator group, year)."""
    return set(YearLock.objects.values_list("group", "year"))


def is_locked(*, group: str, year: int) -> bool:
    """Return whether the year of an indicator group is locked."""
    return YearLock.objects.filter(group=group, year=year).exists()


def units_allowed(user: AbstractBaseUser | None, units: Iterable[AdministrativeUnit]) -> set[int]:
    """Return the ids of the given units that are in the user's province scope (one query)."""
    ids = {u.pk for u in units}
    if user is None:
        return ids
    return set(AdministrativeUnit.objects.in_scope_of(user).filter(pk__in=ids).values_list("pk", flat=True))


def _may(user: AbstractBaseUser | None, action: str) -> bool:
    return user is None or bool(user.is_active and user.has_perm(Value.objects.none().permission(action)))


def row_errors(
    row: ValueInput,
    *,
    user: AbstractBaseUser | None,
    stored: "Value | StoredValue | None",
    allowed_units: set[int],
    locks: set[tuple[str, int]],
    publish: bool = False,
    memo: dict[tuple, object] | None = None,
) -> list[WriteError]:
    """Return why one row may not be written: permission, scope, lock, data rules and version.

    A row outside the user's scope gets that one error and nothing about what is stored. ``memo`` is
    value_errors' memo, kept by the caller for a batch of rows.
    """
    errors: list[WriteError] = []

    def refuse(field: str, message: str) -> None:
        errors.append(WriteError(row.row, field, message))

    if user is not None:
        if row.unit.pk not in allowed_units:
            refuse("unit", _outside_message(row.unit))
            return errors
        if not _may(user, "change" if stored is not None else "add"):
            refuse("", _("You may not change values.") if stored is not None else _("You may not create values."))
            return errors
        if publish and not _may(user, "approve"):
            refuse("status", _("You may not publish values."))
            return errors
    if (row.indicator.group, row.year) in locks:
        refuse("year", _locked_message(row.indicator, row.year))
    for field, messages in value_errors(
        indicator=row.indicator, unit=row.unit, year=row.year, value=row.value, rank=row.rank, memo=memo
    ).items():
        for message in messages:
            refuse(field, message)
    if row.rank_basis and row.rank is None:
        refuse("rank_basis", _("A rank basis needs a published rank."))
    if stored is None and row.source is None:
        refuse("source", _("Give the source of the figure."))
    if stored is None and row.expected_version is not None:
        refuse(
            "version",
            _("%(value)s was deleted since you read it (version %(version)s).")
            % {"value": _label(row.indicator, row.unit, row.year), "version": row.expected_version},
        )
    elif stored is not None and row.expected_version is None:
        refuse(
            "version",
            _("%(value)s is already stored (version %(version)s): give the version you read to change it.")
            % {"value": _label(row.indicator, row.unit, row.year), "version": stored.version},
        )
    elif stored is not None and row.expected_version != stored.version:
        changes, by = changes_since(stored, version=row.expected_version)
        refuse("version", f"{_label(row.indicator, row.unit, row.year)}: {stale_text(stored, changes, by)}")
    return errors


# -- the batch write: every new channel calls this --------------------------------------------------
def values_write(
    *,
    rows: Sequence[ValueInput],
    user: AbstractBaseUser | None,
    channel: str,
    publish: bool = False,
    import_batch: ImportBatch | None = None,
    returning: bool = True,
) -> list[Value]:
    """Write rows of figures, all or nothing; return the row written (or left unchanged) for each input.

    Checks for every row: the user's permission and scope, year locks, the data rules
    (``value_errors``, plausible year included) and the version (a stale or missing
    ``expected_version`` is refused, naming the row and what changed). Writes drafts (an approved
    value gets its pending correction); with ``publish`` writes approved values directly, allowed
    only for ``user=None`` (system loaders) or users with ``indicators.approve_value`` in scope.
    The history records ``user`` and ``channel``. Raise WriteRefused listing every bad row.
    With ``returning=False`` (an import of many rows) return an empty list: on PostgreSQL the rows are
    then checked and written from plain tuples, without a model instance per row.
    """
    rows = list(rows)
    if not rows:
        return []
    with transaction.atomic():
        full = returning or connection.vendor != "postgresql"  # SQLite's bulk writes need instances
        stored = _stored_locked(rows, publish=publish, full=full)
        allowed = units_allowed(user, (r.unit for r in rows))
        locks = locked_pairs()
        errors: list[WriteError] = []
        seen: set[tuple[int, int, int]] = set()
        memo: dict[tuple, object] = {}
        for row in rows:
            key = (row.indicator.pk, row.unit.pk, row.year)
            if key in seen:
                errors.append(
                    WriteError(row.row, "", _("%(value)s appears twice.") % {"value": _label(*_key_objects(row))})
                )
                continue
            seen.add(key)
            errors += row_errors(row, user=user, stored=stored.get(key), allowed_units=allowed, locks=locks,
                                 publish=publish, memo=memo)  # fmt: skip
        if errors:
            raise WriteRefused(errors)
        written = _rows_write(rows, stored, user=user, channel=channel, publish=publish, batch=import_batch,
                              returning=returning)  # fmt: skip
        if publish:
            # Only a publishing write changes what the public sees (a draft or a correction does not).
            ranking_summary.refresh({(row.indicator.pk, row.year) for row in rows})
        values_changed()
    return written


def _key_objects(row: ValueInput) -> tuple[Indicator, AdministrativeUnit, int]:
    return row.indicator, row.unit, row.year


#: Up to this many rows, the stored rows are read by their exact keys (indicator-year × the rows' units);
#: beyond, by indicator and year alone, so that the query's parameters stay bounded (SQLite allows 32,766).
KEYED_READ_ROWS = 10_000


def _stored_locked(
    rows: list[ValueInput], *, publish: bool, lock: bool = True, full: bool = True
) -> "dict[tuple[int, int, int], Value | StoredValue]":
    """Return the stored row each input changes, locked until the transaction ends (pk order: no deadlock).

    The pending correction of a published value is the row a staff write changes; a publishing
    write (the loaders of published figures) changes the published row itself. Model instances when
    ``full``, else StoredValues. Only the rows' own keys are read (and locked): an import's chunk of
    5,000 rows used to lock every value of its indicators' years, three times as many rows.
    """
    groups: dict[tuple[int, int], set[int]] = {}
    for r in rows:
        groups.setdefault((r.indicator.pk, r.year), set()).add(r.unit.pk)
    if len(rows) <= KEYED_READ_ROWS:
        keys = functools.reduce(
            operator.or_, (Q(indicator_id=i, year=y, unit_id__in=sorted(u)) for (i, y), u in groups.items())
        )
    else:
        keys = Q(indicator_id__in={i for i, _y in groups}, year__in={y for _i, y in groups})
    queryset = Value.objects.filter(keys).order_by("pk")
    if lock:
        queryset = queryset.select_for_update()
    stored: dict[tuple[int, int, int], Value | StoredValue] = {}
    for value in queryset if full else StoredValue.read(queryset):
        if value.correction_of_id is not None and publish:
            continue
        key = (value.indicator_id, value.unit_id, value.year)
        if key not in stored or value.correction_of_id is not None:
            stored[key] = value
    return stored


def _figure(row: ValueInput, stored: "Value | StoredValue | None") -> dict[str, object]:
    """Return the figure a row writes, by attribute name (``source_id``): the stored source when it names none."""
    return {
        "value": row.value,
        "rank": row.rank,
        "rank_basis": row.rank_basis if row.rank is not None else "",
        "qualifier": row.qualifier or Qualifier.EXACT,
        "source_id": row.source.pk if row.source is not None else stored.source_id,
        "note": row.note,
    }


def _differs(value: "Value | StoredValue", figure: dict[str, object]) -> bool:
    return any(getattr(value, name) != new for name, new in figure.items())


#: What a correction of a published figure keeps of the figure it replaced.
CORRECTION_FIELDS = ("previous_value", "previous_rank", "corrected_at")
#: The columns a change of a stored row writes, by attribute name.
UPDATED_FIELDS = (
    *(f"{name}_id" if name == "source" else name for name in FIGURE_FIELDS),
    "status",
    "updated_by_id",
    "updated_at",
    "import_batch_id",
    "version",
    *CORRECTION_FIELDS,
)


def _numbers(figure: dict[str, object]) -> dict[str, object]:
    """Return the figure's value and rank: what makes a change of a published figure a correction."""
    return {name: figure[name] for name in ("value", "rank") if name in figure}


def _rows_write(
    rows: list[ValueInput],
    stored: "dict[tuple[int, int, int], Value | StoredValue]",
    *,
    user: AbstractBaseUser | None,
    channel: str,
    publish: bool,
    batch: ImportBatch | None,
    returning: bool,
) -> list[Value]:
    """Write the rows (checked) as new rows, corrections or changes of stored rows; return them if ``returning``.

    New rows and changes are planned as plain dicts by attribute name; model instances are built only
    where a caller gets them back or SQLite's bulk writes need them.
    """
    now = timezone.now()
    status = ValueStatus.APPROVED if publish else ValueStatus.DRAFT
    common = {
        "created_by_id": user.pk if user is not None else None,
        "updated_by_id": user.pk if user is not None else None,
        "import_batch_id": batch.pk if batch is not None else None,
    }
    new: list[dict[str, object]] = []
    new_rows: list[ValueInput] = []
    changed: list[tuple[Value | StoredValue, dict[str, object]]] = []
    corrected: list[int] = []
    outcome: list[int | Value | StoredValue] = []  # per row: its index in ``new``, or the stored row
    for row in rows:
        existing = stored.get((row.indicator.pk, row.unit.pk, row.year))
        figure = _figure(row, existing)
        if existing is None:
            fields = {"status": status, "correction_of_id": None}
        elif not _differs(existing, figure) and (not publish or existing.status == ValueStatus.APPROVED):
            outcome.append(existing)  # nothing to write; its version was still checked
            continue
        elif existing.status == ValueStatus.APPROVED and not publish:
            # A published figure stays public: the change becomes its pending correction.
            fields = {"status": ValueStatus.DRAFT, "correction_of_id": existing.pk}
            corrected.append(existing.pk)
        else:
            correction = (existing.previous_value, existing.previous_rank, existing.corrected_at)
            if publish and existing.status == ValueStatus.APPROVED and _differs(existing, _numbers(figure)):
                # A published figure replaced by the loader of published figures: recorded as a correction.
                correction = (existing.value, existing.rank, now)
            changes = {**figure, "status": status, "updated_by_id": common["updated_by_id"], "updated_at": now,
                       "import_batch_id": common["import_batch_id"], "version": existing.version + 1,
                       **dict(zip(CORRECTION_FIELDS, correction, strict=True))}  # fmt: skip
            changed.append((existing, changes))
            outcome.append(existing)
            continue
        outcome.append(len(new))
        new.append({"indicator_id": row.indicator.pk, "unit_id": row.unit.pk, "year": row.year, **common, **fields,
                    **figure})  # fmt: skip
        new_rows.append(row)
    instances = None
    if returning or connection.vendor != "postgresql":
        instances = [_instance(row, fields, user=user, batch=batch) for row, fields in zip(new_rows, new, strict=True)]
    _values_create(new, instances, user=user, channel=channel, now=now)
    _values_update(changed, user=user, channel=channel, now=now)
    if corrected:
        # The published rows are unchanged but for their version: a reader of the old one is stale.
        _versions_advance(corrected)
    if not returning:
        return []
    return [instances[o] if isinstance(o, int) else o for o in outcome]


def _versions_advance(ids: list[int]) -> None:
    """Advance the version of the given rows (on PostgreSQL with the ids as one array, not one parameter each)."""
    if connection.vendor != "postgresql":
        Value.objects.filter(pk__in=ids).update(version=F("version") + 1)
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Value._meta.db_table)} SET {quote('version')} = {quote('version')} + 1 "  # noqa: S608
            f"WHERE {quote(Value._meta.pk.column)} = ANY(%s)",
            [ids],
        )


def _instance(row: ValueInput, fields: dict[str, object], *, user: AbstractBaseUser | None,
              batch: ImportBatch | None) -> Value:  # fmt: skip
    """Return the model instance of a new row, its related objects cached as the caller gave them."""
    value = Value(**fields)
    value.indicator, value.unit = row.indicator, row.unit
    if row.source is not None:
        value.source = row.source
    value.created_by = value.updated_by = user
    value.import_batch = batch
    return value


def _values_create(
    values: list[dict[str, object]],
    instances: list[Value] | None,
    *,
    user: AbstractBaseUser | None,
    channel: str,
    now: datetime.datetime,
) -> None:
    """Insert new rows (by attribute name) with their creation history rows ("+", ``user``, ``channel``).

    On PostgreSQL by COPY (ids drawn from the table's sequence first), the history copied from the inserted
    rows by one INSERT … SELECT: 100,000 rows and their history take a fraction of the time of INSERTs built
    by the ORM (bench/RESULTS.md, import). Elsewhere (SQLite) the ``instances`` of the rows by
    simple_history's bulk_create_with_history. The rows are the same either way; ``instances``, when
    given, get their ids and dates.
    """
    if not values:
        return
    if connection.vendor != "postgresql":
        bulk_create_with_history(instances, Value, batch_size=500, default_user=user, default_change_reason=channel)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [Value._meta.db_table, Value._meta.pk.column, len(values)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    fields = Value._meta.concrete_fields
    auto_now = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    pk_name = Value._meta.pk.attname
    # Every new row names the same fields; the others take their default (the dates: now), converted once.
    constant = {
        f.attname: _CopyText(_copy_text(now if f.attname in auto_now else f.get_default()))
        for f in fields
        if f.attname not in values[0]
    }
    attnames = [f.attname for f in fields]
    _copy(
        Value._meta.db_table,
        [f.column for f in fields],
        (
            [merged[a] for a in attnames]
            for merged in ({**constant, **v, pk_name: pk} for v, pk in zip(values, ids, strict=True))
        ),
    )
    if instances is not None:
        for value, pk in zip(instances, ids, strict=True):
            value.pk = pk
            for name in auto_now:
                setattr(value, name, now)
            value._state.adding, value._state.db = False, connection.alias
    _history_insert(ids, history_type="+", user=user, channel=channel, now=now)


def _values_update(
    changed: "list[tuple[Value | StoredValue, dict[str, object]]]",
    *,
    user: AbstractBaseUser | None,
    channel: str,
    now: datetime.datetime,
) -> None:
    """Write the changes (UPDATED_FIELDS by attribute name) of stored rows, with their history ("~").

    On PostgreSQL the changes are COPied into a temporary table and applied by one ``UPDATE … FROM``, the
    history copied from the changed rows by one INSERT … SELECT: Django's bulk_update writes a CASE WHEN per
    field and row, and building it cost 19 of the 20 s of publishing 3,000 changed figures (bench/publish,
    cProfile). Elsewhere (SQLite) the changes are set on the stored instances and written by
    simple_history's bulk_update_with_history. The rows and their history are the same either way. Model
    instances given are changed in place (what values_write returns).
    """
    if not changed:
        return
    for stored, changes in changed:
        if isinstance(stored, Value):
            for name, new in changes.items():
                setattr(stored, name, new)
    if connection.vendor != "postgresql":
        bulk_update_with_history([stored for stored, _changes in changed], Value, list(UPDATED_FIELDS),
                                 batch_size=500, default_user=user, default_change_reason=channel)  # fmt: skip
        return
    table, quote = Value._meta.db_table, connection.ops.quote_name
    columns = [Value._meta.pk.column, *(Value._meta.get_field(name).column for name in UPDATED_FIELDS)]
    staged = "value_update_staged"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staged} AS SELECT {', '.join(map(quote, columns))} FROM {quote(table)} LIMIT 0"  # noqa: S608
        )
    _copy(staged, columns, ([stored.pk, *(changes[name] for name in UPDATED_FIELDS)] for stored, changes in changed))
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} AS v SET {assignments} FROM {staged} AS s "  # noqa: S608 (names from the model)
            f"WHERE v.{quote(columns[0])} = s.{quote(columns[0])}"
        )
        cursor.execute(f"DROP TABLE {staged}")
    _history_insert([stored.pk for stored, _changes in changed], history_type="~", user=user, channel=channel,
                    now=now)  # fmt: skip


def _history_insert(
    ids: list[int], *, history_type: str, user: AbstractBaseUser | None, channel: str, now: datetime.datetime
) -> None:
    """Insert one history row per value id, copied from the row as stored now, in the ids' order (PostgreSQL).

    The same rows simple_history's bulk_history_create would write from the instances just saved, built
    by the database instead of formatted by Python (half the COPY of a 100,000-row import).
    """
    history = Value.history.model
    if user is None:
        user = history.get_default_history_user(Value())  # the request's user, as bulk_history_create takes it
    quote = connection.ops.quote_name
    tracked = [f.attname for f in history.tracked_fields]
    by_attname = {f.attname: f.column for f in history._meta.concrete_fields}
    columns = [by_attname[name] for name in tracked]
    columns += [
        by_attname[name] for name in ("history_date", "history_change_reason", "history_type", "history_user_id")
    ]
    selected = [f"v.{quote(Value._meta.get_field(name).column)}" for name in tracked]
    pk = quote(Value._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 (names from the models)
            f"SELECT {', '.join(selected)}, %s, %s, %s, %s "
            f"FROM unnest(%s::bigint[]) WITH ORDINALITY AS w(id, n) JOIN {quote(Value._meta.db_table)} AS v "
            f"ON v.{pk} = w.id ORDER BY w.n",
            [now, channel, history_type, user.pk if user is not None else None, ids],
        )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: object) -> str:
    """Return a field's value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


class _CopyText(str):
    """A field already written in COPY's text format (a value shared by every row, converted once)."""


#: The converters of the common types, looked up by exact type (a subclass, such as a choice, takes _copy_text).
_COPY_CONVERTERS: dict[type, Callable[[object], str]] = {
    type(None): lambda _value: "\\N",
    str: lambda value: value.translate(_COPY_ESCAPES),
    int: int.__str__,
    Decimal: lambda value: format(value, "f"),
    datetime.datetime: datetime.datetime.isoformat,
    _CopyText: str.__str__,
}


def _copy(table: str, columns: list[str], rows: Iterable[list[object]]) -> None:
    """COPY rows into a table (PostgreSQL), converting each field to COPY's text format."""
    converters = _COPY_CONVERTERS
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join([(converters.get(type(v)) or _copy_text)(v) for v in row]))
        buffer.write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN", buffer)


# -- one value from a form ---------------------------------------------------------------------------
def _input_of(value: Value, expected_version: int | None) -> ValueInput:
    return ValueInput(
        indicator=value.indicator,
        unit=value.unit,
        year=value.year,
        value=value.value,
        rank=value.rank,
        rank_basis=value.rank_basis,
        qualifier=value.qualifier,
        source=value.source if value.source_id else None,
        note=value.note,
        expected_version=expected_version,
    )


def version_claim(*, value: Value, expected: int) -> None:
    """Advance the version if it is still ``expected`` (compare-and-set in the UPDATE), else raise StaleValue.

    Call inside the transaction that saves the value; on PostgreSQL a concurrent claim waits for
    this transaction and then finds the version moved on.
    """
    claimed = Value.objects.filter(pk=value.pk, version=expected).update(version=F("version") + 1)
    if not claimed:
        current = Value.objects.get(pk=value.pk)
        changes, by = changes_since(current, version=expected)
        raise StaleValue(current, changes, by)
    value.version = expected + 1


def value_save_errors(*, value: Value, user: AbstractBaseUser | None, expected_version: int | None) -> list[WriteError]:
    """Return why ``value_save`` would refuse this value now (what a form shows at its fields)."""
    stored = None
    if value.pk is not None:
        stored = Value.objects.select_related("indicator", "unit__parent").filter(pk=value.pk).first()
        if stored is None:
            return [WriteError("", "", _("This value was deleted meanwhile."))]
    else:
        stored = _stored_locked([_input_of(value, None)], publish=False, lock=False).get(
            (value.indicator_id, value.unit_id, value.year)
        )
    units = [value.unit] if stored is None else [value.unit, stored.unit]
    allowed = units_allowed(user, units)
    locks = locked_pairs()
    errors = []
    if value.pk is not None:
        if user is not None and stored.unit_id not in allowed:
            return [WriteError("", "unit", _outside_message(stored.unit))]
        if (stored.indicator.group, stored.year) in locks and (value.indicator.group, value.year) not in locks:
            errors.append(WriteError("", "year", _locked_message(stored.indicator, stored.year)))
    row = _input_of(value, expected_version)
    return errors + row_errors(row, user=user, stored=stored, allowed_units=allowed, locks=locks)


def value_save(*, value: Value, user: AbstractBaseUser | None, channel: str, expected_version: int | None) -> Value:
    """Save a new or changed value from a form; an approved value gets a correction row instead.

    Checks what ``values_write`` checks (scope, locks, data rules, version: required for a stored
    value); raise StaleValue when the version moved on, WriteRefused for any other reason. Return
    the row written: the value itself, or its (new or updated) correction.
    """
    with transaction.atomic():
        if value.pk is not None:
            # Hold the row while checking it: a concurrent save waits, then finds the version moved on.
            stored_version = (
                Value.objects.select_for_update().filter(pk=value.pk).values_list("version", flat=True).first()
            )
            if stored_version is not None and expected_version is not None and stored_version != expected_version:
                current = Value.objects.get(pk=value.pk)
                changes, by = changes_since(current, version=expected_version)
                raise StaleValue(current, changes, by)
        errors = value_save_errors(value=value, user=user, expected_version=expected_version)
        if errors:
            raise WriteRefused(errors)
        value._change_reason = channel
        value._history_user = user
        value.updated_by = user
        if value.pk is None:
            value.created_by = user
            value.status = ValueStatus.DRAFT
            value.save()
            return value
        version_claim(value=value, expected=expected_version)
        # The stored status decides, not the instance's: a version restored from the history
        # carries the status it had then.
        stored_status = Value.objects.filter(pk=value.pk).values_list("status", flat=True).first()
        if stored_status == ValueStatus.APPROVED:
            return _correction_write(value=value, user=user, channel=channel)
        value.status = ValueStatus.DRAFT  # an edited submission must be submitted again
        value.save()
    return value


def _correction_write(*, value: Value, user: AbstractBaseUser | None, channel: str) -> Value:
    """Write the changed figure of an approved value as its pending correction; leave the approved row."""
    stored = Value.objects.get(pk=value.pk)
    correction = getattr(stored, "correction", None) if hasattr(stored, "correction") else None
    if correction is None:
        correction = Value(
            indicator_id=stored.indicator_id,
            unit_id=stored.unit_id,
            year=stored.year,
            correction_of=stored,
            created_by=user,
        )
    for name in FIGURE_FIELDS:
        setattr(correction, name, getattr(value, name))
    correction.status = ValueStatus.DRAFT
    correction.updated_by = user
    correction._change_reason = channel
    correction._history_user = user
    if correction.pk is not None:
        correction.version += 1
    correction.save()
    # The approved row is unchanged: save it as it is stored, with only the version moved on.
    Value.objects.filter(pk=stored.pk).update(version=value.version)
    return correction


def value_restore(*, value: Value, user: AbstractBaseUser, expected_version: int | None) -> Value:
    """Save an earlier version of a value (from its history) over the current one: national administrators only."""
    if not (user.is_active and (user.is_superuser or user.has_perm("accounts.restore_history"))):
        raise WriteRefused([WriteError("", "", _("Only a national administrator may restore an earlier version."))])
    return value_save(value=value, user=user, channel=CHANNEL_RESTORE, expected_version=expected_version)


# -- deletes -------------------------------------------------------------------------------------------
def value_delete_refusal(
    user: AbstractBaseUser | None,
    value: Value,
    *,
    locks: set | None = None,
    permitted: bool | None = None,
    locked: bool | None = None,
) -> str | None:
    """Return why the user may not delete the value, or None: a draft in scope, anything for a national admin.

    ``permitted`` (restrict(user, "delete") holds the value) and ``locked`` may be given when known.
    """
    if permitted is None:
        permitted = user is None or Value.objects.restrict(user, "delete").filter(pk=value.pk).exists()
    if not permitted:
        return _("%(value)s: not yours to delete.") % {"value": value}
    if locked is None:
        locks = locked_pairs() if locks is None else locks
        locked = (value.indicator.group, value.year) in locks
    if locked:
        return _("%(value)s: %(year)s is locked for this indicator group.") % {"value": value, "year": value.year}
    national = user is None or user.is_superuser or user.has_perm("accounts.restore_history")
    if value.status == ValueStatus.APPROVED and not national:
        return _("%(value)s is published: only a national administrator may delete it.") % {"value": value}
    return None


def values_delete(
    *,
    values: Sequence[Value],
    user: AbstractBaseUser | None,
    channel: str,
    expected_versions: dict[int, int | None] | None = None,
) -> int:
    """Delete values, all or none, recording user and channel in each one's history; return how many.

    ``expected_versions`` (value id → version read) makes a delete of a value changed since refused.
    """
    expected_versions = expected_versions or {}
    with transaction.atomic():
        current = {
            v.pk: v
            for v in Value.objects.select_for_update(of=("self",))
            .filter(pk__in=[v.pk for v in values])
            .select_related("indicator", "unit__parent")
            .order_by("pk")
        }
        locks = locked_pairs()
        errors = []
        for value in values:
            stored = current.get(value.pk)
            if stored is None:
                errors.append(WriteError(value.pk, "", _("This value was deleted meanwhile.")))
                continue
            reason = value_delete_refusal(user, stored, locks=locks)
            if reason:
                errors.append(WriteError(stored.pk, "", reason))
            elif value.pk in expected_versions and expected_versions[value.pk] is None:
                errors.append(WriteError(stored.pk, "version", _("Give the version you read to delete this value.")))
            elif value.pk in expected_versions and expected_versions[value.pk] != stored.version:
                changes, by = changes_since(stored, version=expected_versions[value.pk])
                errors.append(WriteError(stored.pk, "version", f"{stored}: {stale_text(stored, changes, by)}"))
        if errors:
            raise WriteRefused(errors)
        for stored in current.values():
            stored._change_reason, stored._history_user = channel, user
            stored.delete()
        ranking_summary.refresh(
            {
                (stored.indicator_id, stored.year)
                for stored in current.values()
                if stored.status == ValueStatus.APPROVED and stored.correction_of_id is None
            }
        )
    return len(current)


# -- workflow transitions ------------------------------------------------------------------------------
def _transition(
    values: Sequence[Value], *, user: AbstractBaseUser, action: str, status: str
) -> tuple[list[Value], list[Refusal]]:
    """Return the values (re-read and locked) that may move on, and why the others may not."""
    allowed = set(
        Value.objects.restrict(user, action).filter(pk__in=[v.pk for v in values]).values_list("pk", flat=True)
    )
    current = {
        v.pk: v
        for v in Value.objects.select_for_update(of=("self",))
        .filter(pk__in=[v.pk for v in values])
        .select_related("indicator", "unit", "correction_of")
        .order_by("pk")
    }
    locks = locked_pairs()
    ready, refused = [], []
    for value in values:
        stored = current.get(value.pk)
        if stored is None or value.pk not in allowed:
            refused.append(Refusal(value, _("%(value)s: not yours to act on.") % {"value": value}))
        elif stored.status != status:
            refused.append(
                Refusal(
                    stored, _("%(value)s is %(status)s.") % {"value": stored, "status": stored.get_status_display()}
                )
            )
        elif (stored.indicator.group, stored.year) in locks:
            refused.append(
                Refusal(
                    stored,
                    _("%(value)s: %(year)s is locked for this indicator group.")
                    % {"value": stored, "year": stored.year},
                )
            )
        else:
            ready.append(stored)
    return ready, refused


@transaction.atomic
def values_submit(*, values: Sequence[Value], user: AbstractBaseUser, channel: str) -> tuple[int, list[Refusal]]:
    """Submit drafts for approval; return how many were submitted and why the others were not."""
    ready, refused = _transition(values, user=user, action="submit", status=ValueStatus.DRAFT)
    for value in ready:
        value.status, value.review_comment, value.updated_by = ValueStatus.SUBMITTED, "", user
        value.version += 1
        _save(value, user=user, channel=channel)
    return len(ready), refused


@transaction.atomic
def values_approve(*, values: Sequence[Value], user: AbstractBaseUser, channel: str) -> tuple[int, list[Refusal]]:
    """Publish submitted values; a correction is copied onto the approved row it corrects."""
    ready, refused = _transition(values, user=user, action="approve", status=ValueStatus.SUBMITTED)
    for value in ready:
        if value.correction_of_id is None:
            value.status, value.review_comment = ValueStatus.APPROVED, ""
            value.version += 1
            _save(value, user=user, channel=channel)
        else:
            _correction_apply(value, user=user, channel=channel)
    ranking_summary.refresh({(value.indicator_id, value.year) for value in ready})
    return len(ready), refused


def _correction_apply(correction: Value, *, user: AbstractBaseUser, channel: str) -> None:
    published = Value.objects.select_for_update().get(pk=correction.correction_of_id)
    published.previous_value, published.previous_rank = published.value, published.rank
    for name in FIGURE_FIELDS:
        setattr(published, name, getattr(correction, name))
    published.corrected_at = timezone.now()
    published.updated_by = correction.updated_by
    published.import_batch = correction.import_batch
    published.version += 1
    correction._change_reason = channel
    correction._history_user = user
    correction.delete()
    _save(published, user=user, channel=f"{channel}: correction approved")  # history data, not UI text


@transaction.atomic
def value_return(*, value: Value, user: AbstractBaseUser, comment: str, channel: str) -> str | None:
    """Send a submitted value back to draft with the approver's comment; return why not, or None."""
    ready, refused = _transition([value], user=user, action="approve", status=ValueStatus.SUBMITTED)
    if refused:
        return refused[0].reason
    if not comment.strip():
        return _("Say why the value is returned.")
    stored = ready[0]
    stored.status, stored.review_comment = ValueStatus.DRAFT, comment.strip()
    stored.version += 1
    _save(stored, user=user, channel=channel)
    return None


def _save(value: Value, *, user: AbstractBaseUser | None, channel: str) -> None:
    value._change_reason = channel
    value._history_user = user
    value.save()
