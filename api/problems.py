"""Errors as RFC 9457 problem details: ``application/problem+json`` with type, title, status, detail.

Input errors also carry ``errors``: one entry per wrong field, with the row (0-based, for batch
writes) when the error belongs to a row. Plain HTTP errors (404, 405, 406, 429 …) have the type
``about:blank``; the API's own kinds have a ``urn:par-dashboard:problem:…`` type (docs/api.md).
"""

import http
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:par-dashboard:problem:"
INVALID_INPUT = TYPE_PREFIX + "invalid-input"
WRITE_REFUSED = TYPE_PREFIX + "write-refused"


class Problem(exceptions.APIException):
    """An error of the API's own kind, with a status, a type and per-field errors."""

    def __init__(self, *, status_code: int, kind: str, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.status_code, self.kind, self.errors = status_code, kind, errors or []


class NotModified(exceptions.APIException):
    """The client's copy is current (a conditional GET): answered 304 without a body."""

    status_code = status.HTTP_304_NOT_MODIFIED


def field_errors(detail: Any, *, row: int | None = None, field: str = "") -> Iterator[dict[str, Any]]:
    """Flatten DRF's nested validation errors into {row, field, message} entries.

    The errors of a batch's ``rows`` come per row (a list, or a dict keyed by the row's index):
    ``{"rows": {1: {"value": ["…"]}}}`` gives ``{"row": 1, "field": "value", "message": "…"}``.
    """
    if isinstance(detail, dict):
        for name, inner in detail.items():
            if name == "rows" and not field and _per_row(inner):
                items = inner.items() if isinstance(inner, dict) else enumerate(inner)
                for index, item in items:
                    yield from field_errors(item, row=int(index))
            else:
                path = "" if name == "non_field_errors" else str(name)
                yield from field_errors(inner, row=row, field=f"{field}.{path}".strip(".") if path else field)
    elif isinstance(detail, list):
        for item in detail:
            yield from field_errors(item, row=row, field=field)
    else:
        entry: dict[str, Any] = {"field": field, "message": str(detail)}
        if row is not None:
            entry = {"row": row, **entry}
        yield entry


def _per_row(errors: Any) -> bool:
    if isinstance(errors, dict):
        return all(str(key).isdigit() for key in errors)
    return isinstance(errors, list) and any(isinstance(item, dict) for item in errors)


def problem(*, status_code: int, detail: str, kind: str = "about:blank", errors: list | None = None) -> dict:
    """Return a problem details document."""
    document: dict[str, Any] = {
        "type": kind,
        "title": http.HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors:
        document["errors"] = errors
    return document


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Answer every error the views raise as a problem document (DRF's EXCEPTION_HANDLER)."""
    if isinstance(exc, NotModified):
        return Response(status=status.HTTP_304_NOT_MODIFIED)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a programming error: let it surface (and be logged) rather than hide it
    if isinstance(exc, Problem):
        document = problem(status_code=exc.status_code, detail=str(exc.detail), kind=exc.kind, errors=exc.errors)
    elif isinstance(exc, exceptions.ValidationError):
        errors = list(field_errors(exc.detail))
        document = problem(
            status_code=response.status_code,
            detail=_("The request has %(count)d error(s); see errors.") % {"count": len(errors)},
            kind=INVALID_INPUT,
            errors=errors,
        )
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data.get("detail", "")
        document = problem(status_code=response.status_code, detail=str(detail))
    headers = {name: value for name, value in response.items() if name in {"WWW-Authenticate", "Retry-After"}}
    return Response(document, status=response.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
