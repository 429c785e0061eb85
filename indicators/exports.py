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
from openpyxl.utils import get_column_letter

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


def _column_width(values: Iterable[object]) -> float:
    longest = max((len(str(v)) for v in values if v not in (None, "")), default=4)
    return min(max(longest + 2, 6), 60)


def _number_format(values: Sequence[object]) -> str | None:
    """Return the Excel number format of a column of numbers: whole numbers plain, decimals with two places."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers:
        return None
    return "0" if all(isinstance(v, int) or float(v).is_integer() for v in numbers) else "#,##0.00"


def _header_cells(sheet: object, names: Sequence[object]) -> list[WriteOnlyCell]:
    """Return a header row for a write-only sheet: the names in bold, formula-like text neutralised."""
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=safe_text(str(name)))
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def xlsx_bytes(
    *,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    sheet_title: str = "data",
    title_lines: Sequence[str] = (),
    sources: Sequence[tuple[str, str]] = (),
    sources_title: str = "sources",
    sources_columns: Sequence[str] = ("no", "title", "url"),
) -> bytes:
    """Return an XLSX workbook: optional title lines, a bold frozen header, the rows, and a sources sheet.

    ``title_lines`` (what the table is: indicator, year, filters) go above the header, the first in bold;
    the header row is frozen, columns are as wide as their content (up to 60 characters), numbers stay
    numbers with a number format per column (whole numbers plain, decimals with two places, shown with the
    reader's own separators by Excel). ``sources`` (title, url) go to a second sheet, numbered from 1.
    Every cell goes through cell_value (formula-like text neutralised).
    """
    body = [[_xlsx_cell(cell_value(v)) for v in row] for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_name(sheet_title))
    for index, name in enumerate(columns):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = _column_width([name, *(row[index] for row in body[:2000])])
    header_row = len(title_lines) + (2 if title_lines else 1)
    sheet.freeze_panes = f"A{header_row + 1}"
    for number, line in enumerate(title_lines):
        cell = WriteOnlyCell(sheet, value=safe_text(str(line)))
        cell.font = Font(bold=number == 0, size=13 if number == 0 else 11)
        sheet.append([cell])
    if title_lines:
        sheet.append([])
    sheet.append(_header_cells(sheet, columns))
    formats = [_number_format([row[i] for row in body]) for i in range(len(columns))]
    for row in body:
        cells = []
        for value, number_format in zip(row, formats, strict=False):
            cell = WriteOnlyCell(sheet, value=value)
            if number_format and isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    if sources:
        listing = workbook.create_sheet(title=_sheet_name(sources_title))
        for letter, width in zip("ABC", (6, 70, 60), strict=True):
            listing.column_dimensions[letter].width = width
        listing.freeze_panes = "A2"
        listing.append(_header_cells(listing, sources_columns))
        for number, (title, url) in enumerate(sources, start=1):
            listing.append([number, cell_value(title) or None, cell_value(url) or None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else (None if value == "" else value)


def _sheet_name(title: str) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in str(title)).strip()
    return cleaned[:31] or "data"


def xlsx_response(
    *,
    filename: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    sheet_title: str = "data",
    **extra: object,
) -> HttpResponse:
    """Return an XLSX download of the rows (``extra``: xlsx_bytes' title lines and sources)."""
    response = HttpResponse(
        xlsx_bytes(columns=columns, rows=rows, sheet_title=sheet_title, **extra), content_type=XLSX_CONTENT_TYPE
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
