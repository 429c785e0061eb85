"""The bulk export of every public value as one CSV file."""

from django.http import HttpRequest, StreamingHttpResponse

from indicators.selectors import public_values
from reports.exports.downloads import values_export_response


def export_values(request: HttpRequest) -> StreamingHttpResponse:
    """Stream every public value with its unit, indicator and source as one CSV file."""
    return values_export_response(public_values(), filename="cchc_values.csv")
