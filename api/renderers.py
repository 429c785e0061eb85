"""CSV for every list (``?format=csv`` or ``Accept: text/csv``), with the downloads' escaping and BOM."""

from collections.abc import Sequence
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer

from indicators.exports import csv_lines


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(_flat(item)) for item in value if not isinstance(item, dict))
    if isinstance(value, dict):
        return ""
    return value


class CsvRenderer(BaseRenderer):
    """Render the rows of a list as CSV: the view's ``csv_columns``, lists joined by ';'.

    The same cells as the site's downloads (reports.exports.downloads): UTF-8 with a BOM, formulas neutralised.
    Errors stay problem documents in JSON whatever was asked.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        if data is None:
            return b""
        if response is not None and response.status_code >= 400:
            return JSONRenderer().render(data, "application/json", context)
        rows = data.get("results", []) if isinstance(data, dict) else data
        columns: Sequence[str] = getattr(context.get("view"), "csv_columns", None) or (
            list(rows[0].keys()) if rows else []
        )
        lines = csv_lines(columns, ([_flat(row.get(name)) for name in columns] for row in rows))
        return "".join(lines).encode("utf-8")
