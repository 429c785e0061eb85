"""Read an uploaded file into rows of cells: CSV in any of the encodings Excel writes, or XLSX.

Files that are not tables (a PDF renamed .csv, an image, an empty or oversized file) are refused
with a message saying what the file is and what to send instead; nothing here raises anything else.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

#: Guard against spreadsheets that are small when zipped but huge when opened.
MAX_ROWS = 200_000
DELIMITERS = (",", ";", "\t")

_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\xd0\xcf\x11\xe0": "OLE",  # Excel 97–2003 .xls and old Word files
    b"\x1f\x8b": "gzip",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
}


class FileRefused(Exception):
    """The file is not a table this import can read; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The cells of a file: the header and the data rows, each with the line number a person sees."""

    file_format: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def table_read(*, content: bytes, file_name: str) -> Table:
    """Return the table in a CSV or XLSX file, or raise FileRefused saying why it cannot be read."""
    limit = settings.IMPORT_MAX_BYTES
    if len(content) > limit:
        raise FileRefused(
            _("The file is %(size)s; the largest file accepted is %(limit)s. Split it by year or indicator.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)}
        )
    if not content.strip():
        raise FileRefused(_("The file is empty."))
    kind = next((name for magic, name in _MAGIC.items() if content.startswith(magic)), None)
    if kind == "PDF":
        raise FileRefused(
            _("This is a PDF document, not a table. Copy the table into a spreadsheet and save it as CSV or XLSX.")
        )
    if kind == "OLE":
        raise FileRefused(
            _("This is an old Excel 97–2003 (.xls) file. Save it as .xlsx or as CSV UTF-8 and upload again.")
        )
    if kind:
        raise FileRefused(_("This is a %(kind)s file, not a table. Upload a CSV or XLSX file.") % {"kind": kind})
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_read(content)
    return _csv_read(content, file_name)


def _decode(content: bytes) -> tuple[str, str]:
    """Return the text and the encoding: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The file says it is UTF-16 text but is not readable as such.")) from exc
    encoding = "utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else "utf-8"
    if b"\x00" in content[:4096]:
        raise FileRefused(_("This is a binary file, not a text table. Upload a CSV or XLSX file."))
    try:
        return content.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise FileRefused(
            _(
                "The file is not UTF-8 text (byte %(position)s cannot be read). In Excel choose "
                "“CSV UTF-8” or “Unicode Text” when saving, or upload the .xlsx file itself."
            )
            % {"position": exc.start + 1}
        ) from exc


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t")
    return controls > max(2, len(sample) // 50)


def _delimiter_of(header_line: str) -> str:
    """Return the separator used in the header line: the most frequent of comma, semicolon and tab."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best] == 0:
        raise FileRefused(
            _(
                "No columns were found in the first line “%(line)s”. Separate columns with commas, semicolons "
                "or tabs, and start with a header row such as unit,year,indicator,value."
            )
            % {"line": header_line[:80]}
        )
    return best


def _csv_read(content: bytes, file_name: str) -> Table:
    text, encoding = _decode(content)
    if _looks_binary(text):
        raise FileRefused(_("This is a binary file, not a text table. Upload a CSV or XLSX file."))
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FileRefused(_("The file is empty."))
    delimiter = _delimiter_of(lines[first])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table(file_format="csv", header=[], header_line=0, encoding=encoding, delimiter=delimiter)
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            if not table.header:
                table.header, table.header_line = [c.strip() for c in cells], start
            else:
                table.rows.append((start, cells))
            if len(table.rows) > MAX_ROWS:
                raise FileRefused(_("The file has more than %(max)s rows. Split it.") % {"max": MAX_ROWS})
    except csv.Error as exc:
        raise FileRefused(
            _("Line %(line)s cannot be read as CSV (%(reason)s).") % {"line": reader.line_num, "reason": exc}
        ) from exc
    return table


def _xlsx_read(content: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            _("This is a ZIP-based file but not an Excel workbook (.xlsx). Upload a CSV or XLSX file.")
        ) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefused(_("The workbook has no sheet."))
        table = Table(file_format="xlsx", header=[], header_line=0)
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else v for v in values]
            if not any(str(c).strip() for c in cells):
                continue
            if not table.header:
                table.header, table.header_line = [str(c).strip() for c in cells], number
            else:
                table.rows.append((number, cells))
            if len(table.rows) > MAX_ROWS:
                raise FileRefused(_("The sheet has more than %(max)s rows. Split it.") % {"max": MAX_ROWS})
    finally:
        workbook.close()
    if not table.header:
        raise FileRefused(_("The first sheet of the workbook is empty."))
    return table
