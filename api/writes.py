"""Staff writes through the API: resolve a batch's codes and ids, then hand it to the one write gate.

Scope, year locks, versions, validation, drafts, all-or-nothing and history are decided by
``indicators.services.values_write`` alone, exactly as for the admin, the year sheet and imports;
this module only turns JSON rows into ``ValueInput`` (one query per kind of object, whatever the
number of rows) and refusals into problem documents naming the row and field.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from rest_framework import status

from api.problems import INVALID_INPUT, WRITE_REFUSED, Problem
from indicators.models import Indicator, Source, Value
from indicators.services import ValueInput, WriteError, WriteRefused, values_write
from provinces.models import AdministrativeUnit

CHANNEL = "api"


def _by_key(model: type, field: str, keys: set) -> dict:
    return {getattr(obj, field): obj for obj in model.objects.filter(**{f"{field}__in": keys})}


def _inputs(rows: Sequence[dict[str, Any]]) -> list[ValueInput]:
    """Return the gate's inputs, or raise a 422 problem listing every unknown indicator, unit or source."""
    indicators = _by_key(Indicator, "code", {row["indicator"] for row in rows})
    units = _by_key(AdministrativeUnit, "pk", {row["unit"] for row in rows})
    sources = _by_key(Source, "pk", {row["source"] for row in rows if row.get("source") is not None})
    errors = []
    for index, row in enumerate(rows):
        if row["indicator"] not in indicators:
            errors.append(
                {
                    "row": index,
                    "field": "indicator",
                    "message": _("Unknown indicator “%(code)s”.") % {"code": row["indicator"]},
                }
            )
        if row["unit"] not in units:
            errors.append(
                {"row": index, "field": "unit", "message": _("No unit has the id %(id)s.") % {"id": row["unit"]}}
            )
        if row.get("source") is not None and row["source"] not in sources:
            errors.append(
                {"row": index, "field": "source", "message": _("No source has the id %(id)s.") % {"id": row["source"]}}
            )
    if errors:
        raise Problem(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            kind=INVALID_INPUT,
            detail=_("The request has %(count)d error(s); see errors.") % {"count": len(errors)},
            errors=errors,
        )
    return [
        ValueInput(
            indicator=indicators[row["indicator"]],
            unit=units[row["unit"]],
            year=row["year"],
            value=row.get("value"),
            rank=row.get("rank"),
            rank_basis=row.get("rank_basis") or "",
            qualifier=row.get("qualifier") or "",
            source=sources.get(row.get("source")),
            note=row.get("note") or "",
            expected_version=row.get("expected_version"),
            row=index,
        )
        for index, row in enumerate(rows)
    ]


def _refusal_status(user: AbstractBaseUser, errors: list[WriteError]) -> int:
    """Return the HTTP status of a refusal: 403 without any write permission, 409 when versions are the only
    problem (re-read and retry), else 422 (scope, locked year, data rules: retrying will not help)."""
    if not (user.has_perm("indicators.add_value") or user.has_perm("indicators.change_value")):
        return status.HTTP_403_FORBIDDEN
    if all(error.field == "version" for error in errors):
        return status.HTTP_409_CONFLICT
    return status.HTTP_422_UNPROCESSABLE_ENTITY


def api_values_write(*, rows: Sequence[dict[str, Any]], user: AbstractBaseUser) -> list[Value]:
    """Write a batch of validated rows as drafts through the write gate, all or nothing; refusals become problems."""
    inputs = _inputs(rows)
    try:
        return values_write(rows=inputs, user=user, channel=CHANNEL, publish=False)
    except WriteRefused as refused:
        errors = [{"row": error.row, "field": error.field, "message": str(error.message)} for error in refused.errors]
        raise Problem(
            status_code=_refusal_status(user, refused.errors),
            kind=WRITE_REFUSED,
            detail=_("Nothing was written: %(count)d row error(s); see errors.") % {"count": len(errors)},
            errors=errors,
        ) from None
