"""Publication workflow and conflict-safe writes of single values.

Statuses move draft → submitted → approved; returning a submission puts it back to draft with the
approver's comment. Every write here records its channel (form, year sheet, import file) as the
history's change reason, and checks the value's ``version`` in the UPDATE's WHERE clause, so two
people saving the same value never silently overwrite each other, on SQLite or PostgreSQL.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Value, ValueStatus
from indicators.permissions import is_locked, unit_in_scope

#: The figure's own fields: what a correction copies onto the approved row.
FIGURE_FIELDS = ("value", "rank", "rank_basis", "qualifier", "source", "note")


class StaleValue(Exception):
    """The value was changed by someone else since the form showing it was opened."""

    def __init__(self, value: Value, changes: list[tuple[str, str, str]], by: str) -> None:
        super().__init__(_("changed meanwhile"))
        self.value, self.changes, self.by = value, changes, by


@dataclass(frozen=True)
class Refusal:
    value: Value
    reason: str


def changes_since(value: Value, *, version: int) -> tuple[list[tuple[str, str, str]], str]:
    """Return (field, then, now) for what changed since ``version``, and who changed it last."""
    then = value.history.filter(version=version).order_by("history_date").last()
    latest = value.history.order_by("-history_date").first()
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
        return format(value.normalize(), "f")
    return str(value)


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


def value_save(*, value: Value, user: AbstractBaseUser, channel: str, expected_version: int | None) -> Value:
    """Save a new or changed value from a form; an approved value gets a correction row instead.

    Return the row written: the value itself, or its (new or updated) correction.
    """
    value._change_reason = channel
    value._history_user = user
    value.updated_by = user
    if value.pk is None:
        value.created_by = user
        value.status = ValueStatus.DRAFT
        value.save()
        return value
    with transaction.atomic():
        if expected_version is not None:
            version_claim(value=value, expected=expected_version)
        # The stored status decides, not the instance's: a version restored from the history
        # carries the status it had then.
        stored_status = Value.objects.filter(pk=value.pk).values_list("status", flat=True).first()
        if stored_status == ValueStatus.APPROVED:
            return _correction_write(value=value, user=user, channel=channel)
        value.status = ValueStatus.DRAFT  # an edited submission must be submitted again
        value.save()
    return value


def _correction_write(*, value: Value, user: AbstractBaseUser, channel: str) -> Value:
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
    correction.save()
    # The approved row is unchanged: save it as it is stored, with only the version moved on.
    Value.objects.filter(pk=stored.pk).update(version=value.version)
    return correction


def _workflow_refusal(user: AbstractBaseUser, value: Value, *, perm: str, status: str) -> str | None:
    if not user.has_perm(perm) or not unit_in_scope(user, value.unit):
        return _("%(value)s: not yours to act on.") % {"value": value}
    if value.status != status:
        return _("%(value)s is %(status)s.") % {"value": value, "status": value.get_status_display()}
    if is_locked(group=value.indicator.group, year=value.year):
        return _("%(value)s: %(year)s is locked for this indicator group.") % {"value": value, "year": value.year}
    return None


@transaction.atomic
def values_submit(*, values: list[Value], user: AbstractBaseUser, channel: str) -> tuple[int, list[Refusal]]:
    """Submit drafts for approval; return how many were submitted and why the others were not."""
    done, refused = 0, []
    for value in values:
        reason = _workflow_refusal(user, value, perm="indicators.submit_value", status=ValueStatus.DRAFT)
        if reason:
            refused.append(Refusal(value, reason))
            continue
        value.status, value.review_comment, value.updated_by = ValueStatus.SUBMITTED, "", user
        _save(value, user=user, channel=channel)
        done += 1
    return done, refused


@transaction.atomic
def values_approve(*, values: list[Value], user: AbstractBaseUser, channel: str) -> tuple[int, list[Refusal]]:
    """Publish submitted values; a correction is copied onto the approved row it corrects."""
    done, refused = 0, []
    for value in values:
        reason = _workflow_refusal(user, value, perm="indicators.approve_value", status=ValueStatus.SUBMITTED)
        if reason:
            refused.append(Refusal(value, reason))
            continue
        if value.correction_of_id is None:
            value.status, value.review_comment = ValueStatus.APPROVED, ""
            value.version += 1
            _save(value, user=user, channel=channel)
        else:
            _correction_apply(value, user=user, channel=channel)
        done += 1
    return done, refused


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
    reason = _workflow_refusal(user, value, perm="indicators.approve_value", status=ValueStatus.SUBMITTED)
    if reason:
        return reason
    if not comment.strip():
        return _("Say why the value is returned.")
    value.status, value.review_comment = ValueStatus.DRAFT, comment.strip()
    _save(value, user=user, channel=channel)
    return None


def _save(value: Value, *, user: AbstractBaseUser, channel: str) -> None:
    value._change_reason = channel
    value._history_user = user
    value.save()
