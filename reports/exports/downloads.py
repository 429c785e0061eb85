"""The public downloads: tables and charts as CSV/XLSX, and the streamed bulk export.

Every cell goes through indicators.exports (BOM, numbers as numbers, formula-like text neutralised), the
one cell writer that the staff export uses too; the bulk export's PostgreSQL COPY mirrors it in SQL."""

import os
import threading
from collections.abc import Iterator

from django.db import connection
from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from indicators.exports import (
    BOM,
    CSV_CONTENT_TYPE,
    FORMULA_STARTS,
    attachment,
    csv_chunks,
    csv_line,
)

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
    "source_class": "source__source_class",
    "note": "note",
}


EXPORT_CHUNK_SIZE = 2000


def values_export_stream(values: QuerySet) -> Iterator[str]:
    """Yield every value of the queryset as CSV lines, reading the database in chunks (bounded memory)."""
    rows = _export_ordered(values).values_list(*VALUE_EXPORT_FIELDS.values()).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    return csv_chunks(list(VALUE_EXPORT_FIELDS), rows, rows_per_chunk=EXPORT_CHUNK_SIZE)


# Fields written as numbers or dates; every other field is text, neutralised like safe_text, empty for ''.
_NUMBER_FIELDS = {"year", "rank"}


_DECIMAL_FIELDS = {"value"}


_DATE_FIELDS = {"unit__valid_from", "unit__valid_to", "source__published_on"}


# Stands for a newline inside a field while PostgreSQL's row ends (\n) become the CSV's \r\n; its carriage
# return makes PostgreSQL quote the field, as Python's csv quotes a field with a newline.
_EMBEDDED_NEWLINE = "\r\ue000"


_COPY_BUFFER = 256 * 1024


def _copy_cell(field: str, column: str) -> str:
    """Return the SQL that formats one column exactly as cell_value does in Python."""
    if field in _NUMBER_FIELDS:
        return column
    if field in _DECIMAL_FIELDS:
        return f"trim_scale({column})"
    if field in _DATE_FIELDS:
        return f"to_char({column}, 'YYYY-MM-DD')"
    text = f"replace({column}, E'\\n', E'\\r\\ue000')"
    starts = ", ".join("E'" + c.encode("unicode_escape").decode() + "'" for c in FORMULA_STARTS)
    quote = "''''"  # one apostrophe, as SQL writes it
    return f"NULLIF(CASE WHEN left({column}, 1) IN ({starts}) THEN {quote} || {text} ELSE {text} END, '')"


def values_export_copy_sql(values: QuerySet) -> str:
    """Return the COPY … TO STDOUT statement that writes the bulk export's rows on PostgreSQL."""
    sql, params = values.values_list(*VALUE_EXPORT_FIELDS.values()).query.sql_with_params()
    with connection.cursor() as cursor:
        inner = cursor.cursor.mogrify(sql, params).decode()
    names = [f"c{i}" for i in range(len(VALUE_EXPORT_FIELDS))]
    cells = ", ".join(_copy_cell(field, name) for field, name in zip(VALUE_EXPORT_FIELDS.values(), names, strict=True))
    # A plain projection of the ordered subquery keeps its order.
    # The inner query is Django's own, its parameters quoted by the driver (mogrify); the rest is fixed text.
    return f"COPY (SELECT {cells} FROM ({inner}) AS q({', '.join(names)})) TO STDOUT WITH (FORMAT csv)"  # noqa: S608


def values_export_copy_stream(values: QuerySet) -> Iterator[bytes]:
    """Yield the bulk export as PostgreSQL's COPY writes it: the same bytes as values_export_stream, faster.

    COPY runs in a helper thread on this request's connection and writes into an OS pipe (a C-level
    file: no Python call per row); the response reads the other end, so memory stays flat whatever
    the number of rows. If the download stops, the pipe is closed and the COPY fails and ends.
    """
    statement = values_export_copy_sql(_export_ordered(values))
    raw = connection.connection
    read_end, write_end = os.pipe()
    failures: list[Exception] = []

    def produce() -> None:
        try:
            with open(write_end, "wb", buffering=_COPY_BUFFER) as pipe, raw.cursor() as cursor:
                cursor.copy_expert(statement, pipe)
        except Exception as error:  # handed to the reader, which raises it
            failures.append(error)

    yield (BOM + csv_line(list(VALUE_EXPORT_FIELDS))).encode()
    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    newline = _EMBEDDED_NEWLINE.encode()
    rest = b""
    with open(read_end, "rb", buffering=0) as pipe:
        try:
            while chunk := pipe.read(_COPY_BUFFER):
                # Only row ends are newlines in COPY's output (a field's newlines were replaced): cut there.
                rest += chunk
                cut = rest.rfind(b"\n") + 1
                if cut:
                    yield rest[:cut].replace(b"\n", b"\r\n").replace(newline, b"\n")
                    rest = rest[cut:]
        finally:
            pipe.close()
            thread.join()
    if failures:
        raise failures[0]


def _export_ordered(values: QuerySet) -> QuerySet:
    return values.order_by("indicator__display_order", "indicator__code", "year", "unit__level", "unit__sort_key", "pk")


def values_export_response(values: QuerySet, *, filename: str = "values.csv") -> StreamingHttpResponse:
    """Return the bulk export as a streamed CSV download (COPY on PostgreSQL, chunked csv elsewhere)."""
    stream = values_export_copy_stream(values) if connection.vendor == "postgresql" else values_export_stream(values)
    response = StreamingHttpResponse(stream, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(filename)
    return response
