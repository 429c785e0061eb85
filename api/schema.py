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
