"""The one CSV/XLSX cell writer of every download, public (reports) and staff (the value admin).

CSV files open correctly in Excel: UTF-8 with a byte-order mark (without it Excel reads Vietnamese as
Windows-1252 mojibake), a header of stable English snake_case names, numbers with a dot decimal and no
grouping. Numbers are written as numbers. Text cells that a spreadsheet would run as a formula — starting
with = + - @, a tab or a carriage return, their fullwidth forms ＝ ＋ － ＠ (some spreadsheets fold them to
ASCII) or | (DDE) — are prefixed with an apostrophe, whatever follows: ``=1+cmd|' /C calc'!A0`` and
``-2+3`` are text, not formulas. Lives in indicators (not reports) so that the staff export can use it.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "|")


def safe_text(text: str) -> str:
    """Return text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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


def csv_line(row: Sequence[object]) -> str:
    """Return one CSV line (CRLF-terminated) of the row's cells."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([cell_value(v) for v in row])
    return buffer.getvalue()


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Yield the CSV text line by line, the BOM and header first."""
    yield BOM + csv_line(columns)
    for row in rows:
        yield csv_line(row)


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[object]], *, rows_per_chunk: int) -> Iterator[str]:
    """Yield the same CSV text as csv_lines in chunks of rows_per_chunk rows.

    One writer and buffer serve every row (csv_lines makes them per line), which is most of the
    bulk export's time at millions of rows; memory stays bounded by the chunk.
    """
    yield BOM + csv_line(columns)
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


def attachment(filename: str) -> str:
    """Return the Content-Disposition value of a download named filename."""
    return f'attachment; filename="{filename}"'


def csv_response(*, filename: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """Return a CSV download of the rows."""
    response = HttpResponse("".join(csv_lines(columns, rows)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(filename)
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
    response["Content-Disposition"] = attachment(filename)
    return response


#: The staff export's columns, published or not (the public bulk export is reports.exports.downloads).
STAFF_EXPORT_COLUMNS = [
    "indicator",
    "unit_code",
    "unit",
    "year",
    "value",
    "rank",
    "qualifier",
    "status",
    "correction_of",
    "source_title",
    "source_url",
    "note",
]


def values_staff_export(values: QuerySet, *, export_format: str) -> HttpResponse:
    """Return the given values (with indicator, unit and source loaded) as a staff CSV or XLSX download."""
    rows = (
        (
            v.indicator.code,
            v.unit.code,
            v.unit.short_name,
            v.year,
            v.value,
            v.rank,
            v.qualifier,
            v.status,
            v.correction_of_id,
            v.source.title,
            v.source.url,
            v.note,
        )
        for v in values.order_by("indicator__code", "year", "unit__sort_key")
    )
    basename = "cchc_values_staff"
    if export_format == "xlsx":
        return xlsx_response(filename=f"{basename}.xlsx", columns=STAFF_EXPORT_COLUMNS, rows=rows, sheet_title="values")
    return csv_response(filename=f"{basename}.csv", columns=STAFF_EXPORT_COLUMNS, rows=rows)
