"""OpenAPI details the views cannot tell drf-spectacular themselves: the token scheme and the error answers."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.problems import PROBLEM_CONTENT_TYPE


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A staff member's API token, created in the admin (API tokens). Reads need none.",
        }


class ProblemErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(required=False, help_text="0-based row of a batch write.")
    field = serializers.CharField()
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)


def problem_responses(**codes: str) -> dict:
    """Return problem-document responses (application/problem+json) for the given status codes (``_400="…"``)."""
    return {
        (int(code.lstrip("_")), PROBLEM_CONTENT_TYPE): OpenApiResponse(response=ProblemSerializer, description=text)
        for code, text in codes.items()
    }


COMMON_PROBLEMS = {
    "_401": "A token was sent but is not valid or has been revoked.",
    "_404": "Not found.",
    "_406": "Not acceptable: ask for JSON (application/json) or CSV (text/csv).",
    "_429": "Too many requests; wait for Retry-After seconds.",
}


def read_responses(ok: object) -> dict:
    """Return the responses of a public read: the data as JSON or CSV, 304 for a current copy, problem documents."""
    return {
        (200, "application/json"): ok,
        (200, "text/csv"): OpenApiResponse(response=str, description="The same rows as CSV (UTF-8 with a BOM)."),
        (304, "application/json"): OpenApiResponse(
            description="Not modified: the copy named by If-None-Match / If-Modified-Since is current."
        ),
        **problem_responses(_400="A parameter is wrong; errors name it.", **COMMON_PROBLEMS),
    }


def write_responses(ok: object) -> dict:
    """Return the responses of a batch write: the rows written, or a problem naming rows and fields."""
    return {
        (200, "application/json"): ok,
        **problem_responses(
            _400="The body is malformed (not JSON, a wrong type, a missing field); errors name row and field.",
            _401="No valid token: writes need a staff member's API token.",
            _403="The token's user may not write values.",
            _409="A value was changed by someone else since its version was read; nothing was written.",
            _415="Send JSON (Content-Type: application/json).",
            _422="Rows name an unknown indicator, unit or source, or the write gate refused them (scope, locked "
            "year, data rules); nothing was written.",
            _429=COMMON_PROBLEMS["_429"],
        ),
    }


def batch_limits_hook(result: dict, generator: object, request: object, public: bool) -> dict:
    """Give the batch bodies their row limits (1 … API_MAX_WRITE_ROWS), which drf-spectacular does not emit."""
    from django.conf import settings

    schemas = result.get("components", {}).get("schemas", {})
    for name in ("ValueWriteRequest", "ValueUpdateRequest"):
        rows = schemas.get(name, {}).get("properties", {}).get("rows")
        if rows is not None:
            rows.update(minItems=1, maxItems=settings.API_MAX_WRITE_ROWS)
    return result
