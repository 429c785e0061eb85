"""A table as a CSV or XLSX download (the ranking page and every chart's CSV go through indicators.exports' one cell writer)."""

from collections.abc import Sequence

from django.http import HttpResponse

from indicators.exports import (
    csv_response,
    xlsx_response,
)


def table_response(
    *, export_format: str, basename: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> HttpResponse:
    """Return the rows as a CSV or XLSX download named basename.csv / basename.xlsx."""
    if export_format == "xlsx":
        return xlsx_response(filename=f"{basename}.xlsx", columns=columns, rows=rows, sheet_title=basename)
    return csv_response(filename=f"{basename}.csv", columns=columns, rows=rows)
