"""CSV and XLSX writers shared by every table, chart download and the bulk export.

CSV files open correctly in Excel: UTF-8 with a byte-order mark (without it Excel reads
Vietnamese as Windows-1252 mojibake), a header of stable English snake_case names, numbers
with a dot decimal and no grouping. Text cells that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) are prefixed with an apostrophe.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Return text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def cell_value(value: object) -> object:
    """Return a value for a CSV or XLSX cell: numbers stay numbers, text is neutralised, missing is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # Trailing zeros of the 4-place storage are noise: 99.7000 → 99.7.
        normalised = value.normalize()
        return normalised.quantize(Decimal(1)) if normalised == normalised.to_integral_value() else normalised
    if isinstance(value, int | float):
        return "" if isinstance(value, float) and value != value else value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return safe_text(str(value))


def _csv_line(row: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([cell_value(v) for v in row])
    return buffer.getvalue()


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Yield the CSV text line by line, the BOM and header first."""
    yield BOM + _csv_line(columns)
    for row in rows:
        yield _csv_line(row)


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[object]], *, rows_per_chunk: int) -> Iterator[str]:
    """Yield the same CSV text as csv_lines in chunks of rows_per_chunk rows.

    One writer and buffer serve every row (csv_lines makes them per line), which is most of the
    bulk export's time at millions of rows; memory stays bounded by the chunk.
    """
    yield BOM + _csv_line(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    pending = 0
    for row in rows:
        writer.writerow([cell_value(v) for v in row])
        pending += 1
        if pending == rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(*, filename: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """Return a CSV download of the rows."""
    response = HttpResponse("".join(csv_lines(columns, rows)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def xlsx_bytes(*, columns: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str = "data") -> bytes:
    """Return an XLSX workbook with one sheet: a bold header row, then the rows (numbers as numbers)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "data")
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        values = [cell_value(v) for v in row]
        sheet.append([float(v) if isinstance(v, Decimal) else (None if v == "" else v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, filename: str, columns: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str = "data"
) -> HttpResponse:
    """Return an XLSX download of the rows."""
    response = HttpResponse(
        xlsx_bytes(columns=columns, rows=rows, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = _attachment(filename)
    return response


def table_response(
    *, export_format: str, basename: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> HttpResponse:
    """Return the rows as a CSV or XLSX download named basename.csv / basename.xlsx."""
    if export_format == "xlsx":
        return xlsx_response(filename=f"{basename}.xlsx", columns=columns, rows=rows, sheet_title=basename)
    return csv_response(filename=f"{basename}.csv", columns=columns, rows=rows)


# The bulk export: every public value with its unit, indicator and source, one row each
# (column name in the file → field path).
VALUE_EXPORT_FIELDS = {
    "indicator_code": "indicator__code",
    "indicator_name_vi": "indicator__name_vi",
    "indicator_name_en": "indicator__name_en",
    "measure_unit": "indicator__measure_unit",
    "year": "year",
    "level": "unit__level",
    "unit_code": "unit__code",
    "unit_name": "unit__short_name",
    "unit_valid_from": "unit__valid_from",
    "unit_valid_to": "unit__valid_to",
    "region": "unit__region",
    "value": "value",
    "qualifier": "qualifier",
    "published_rank": "rank",
    "rank_basis": "rank_basis",
    "source_title": "source__title",
    "source_publisher": "source__publisher",
    "source_url": "source__url",
    "source_published_on": "source__published_on",
    "note": "note",
}
EXPORT_CHUNK_SIZE = 2000


def values_export_stream(values: QuerySet) -> Iterator[str]:
    """Yield every value of the queryset as CSV lines, reading the database in chunks (bounded memory)."""
    rows = (
        values.order_by("indicator__display_order", "indicator__code", "year", "unit__level", "unit__sort_key", "pk")
        .values_list(*VALUE_EXPORT_FIELDS.values())
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    return csv_chunks(list(VALUE_EXPORT_FIELDS), rows, rows_per_chunk=EXPORT_CHUNK_SIZE)


def values_export_response(values: QuerySet, *, filename: str = "values.csv") -> StreamingHttpResponse:
    """Return the bulk export as a streamed CSV download."""
    response = StreamingHttpResponse(values_export_stream(values), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response
