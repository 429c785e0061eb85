"""Read an uploaded file into rows of cells: CSV in any of the encodings Excel writes, or XLSX.

Files that are not tables (a PDF renamed .csv, an image, an empty or oversized file) are refused
with a message saying what the file is and what to send instead; nothing here raises anything else.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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
    #: Entirely empty lines after the header: skipped, and listed by number in the summary.
    blank_lines: list[int] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict, repr=False)


class _Limits:
    """The resource limits of one read (settings IMPORT_MAX_*), checked at the first excess."""

    def __init__(self) -> None:
        self.rows = settings.IMPORT_MAX_ROWS
        self.columns = settings.IMPORT_MAX_COLUMNS
        self.cell_chars = settings.IMPORT_MAX_CELL_CHARS
        self.read = 0

    def row(self, line: int, cells: list[object]) -> None:
        """Count a row read (an empty one too) and check its width and cell lengths."""
        self.read += 1
        if self.read > self.rows + 1:  # the header and IMPORT_MAX_ROWS data rows
            raise FileRefused(
                _("The file has more than %(max)s rows (empty rows count too). Split it by year or indicator.")
                % {"max": self.rows}
            )
        if len(cells) > self.columns:
            raise FileRefused(
                _("Line %(line)s has %(count)s columns; at most %(max)s are read. Remove the unused columns.")
                % {"line": line, "count": len(cells), "max": self.columns}
            )
        for number, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and len(cell) > self.cell_chars:
                raise FileRefused(
                    _(
                        "Line %(line)s, column %(column)s holds %(count)s characters; a cell may hold at most "
                        "%(max)s (a note or a source title is far shorter)."
                    )
                    % {"line": line, "column": number, "count": len(cell), "max": self.cell_chars}
                )


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


def rows_estimate(content: bytes) -> int:
    """Return about how many rows a file has, cheaply (line breaks, or the sheet's declared dimension)."""
    if not content.startswith(b"PK\x03\x04"):
        return content.count(b"\n") or content.count(b"\n\x00")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = sorted(
                (m for m in archive.infolist() if m.filename.startswith("xl/worksheets/sheet")),
                key=lambda m: m.filename,
            )
            if not sheets:
                return 0
            with archive.open(sheets[0]) as handle:
                head = handle.read(4096).decode("utf-8", "replace")
            # <dimension ref="A1:F200001"/>; without one, about 200 bytes of XML per row
            found = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
            return int(found.group(1)) if found else sheets[0].file_size // 200
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return 0


def _decode(content: bytes) -> tuple[str, str]:
    """Return the text and the encoding: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileRefused(_("The file says it is UTF-16 text but is not readable as such.")) from exc
    encoding = "utf-8-sig" if content.startswith(b"\xef\xbb\xbf") else "utf-8"
    if utf16 := _utf16_without_bom(content):
        try:
            return content.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise FileRefused(
                _("The file looks like UTF-16 text without a byte-order mark and cannot be read. Save it as CSV UTF-8.")
            ) from exc
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


def _utf16_without_bom(content: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when the text is UTF-16 without a BOM (every other byte NUL), else None."""
    sample = content[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


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


#: The first line is looked for in this many characters first (a header is far shorter).
_FIRST_LINE_CHARS = 65536


def _csv_read(content: bytes, file_name: str) -> Table:
    text, encoding = _decode(content)
    if _looks_binary(text):
        raise FileRefused(_("This is a binary file, not a text table. Upload a CSV or XLSX file."))
    head = text[:_FIRST_LINE_CHARS]
    first = next((line for line in io.StringIO(head) if line.strip()), None)
    if len(text) > len(head) and (first is None or not first.endswith("\n")):  # cut by the slice: read it all
        first = next((line for line in io.StringIO(text) if line.strip()), None)
    del text, head
    if first is None:
        raise FileRefused(_("The file is empty."))
    delimiter = _delimiter_of(first.rstrip("\r\n"))
    # The cells are read from the bytes, decoded as they go: a StringIO of the whole text holds 4 bytes a
    # character (70 MB for a 200,000-row file, the peak of its preview).
    stream = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    table = Table(file_format="csv", header=[], header_line=0, encoding=encoding, delimiter=delimiter)
    limits = _Limits()
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            limits.row(start, cells)
            _row_add(table, start, cells)
    except csv.Error as exc:
        raise FileRefused(
            _("Line %(line)s cannot be read as CSV (%(reason)s).")
            % {"line": reader.line_num, "reason": _csv_reason(str(exc))}
        ) from exc
    table.strings.clear()
    return table


def _row_add(table: Table, line: int, cells: list[object]) -> None:
    """Add a row: the first non-empty one is the header; empty rows after it are remembered by line."""
    if not any(str(c).strip() for c in cells):
        if table.header:
            table.blank_lines.append(line)
        return
    if not table.header:
        table.header, table.header_line = [str(c).strip() for c in cells], line
    else:
        # Short texts repeat (codes, years, indicator codes, notes): one copy of each keeps big files small.
        strings = table.strings
        table.rows.append(
            (line, [strings.setdefault(c, c) if isinstance(c, str) and len(c) <= 64 else c for c in cells])
        )


def _csv_reason(message: str) -> str:
    """Return Python's csv error text in the active language."""
    reasons = {
        "unexpected end of data": _('the file ends inside a quoted cell: a quote (") is not closed'),
        "line contains NUL": _("the line contains a NUL character: the file is not plain text"),
        "new-line character seen in unquoted field": _("a line break inside a cell that is not quoted"),
        "field larger than field limit": _("a cell is larger than the limit"),
    }
    for english, translated in reasons.items():
        if message.startswith(english):
            return str(translated)
    if "expected after" in message:
        return str(_("a quoted cell is followed by other characters before the separator"))
    return str(_("the line is not valid CSV"))


#: Parts of an XLSX that openpyxl reads whole into memory (the sheets themselves are streamed).
_XLSX_IN_MEMORY = ("xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml")


def _xlsx_check_sizes(content: bytes) -> None:
    """Refuse a workbook whose declared uncompressed size is over the limit, before parsing anything."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(
            _("This is a ZIP-based file but not an Excel workbook (.xlsx). Upload a CSV or XLSX file.")
        ) from exc
    total = sum(m.file_size for m in members)
    in_memory = sum(m.file_size for m in members if m.filename in _XLSX_IN_MEMORY)
    if total > limit or in_memory > limit // 4:
        raise FileRefused(
            _(
                "The workbook unpacks to %(size)s; at most %(limit)s is read. Remove unused sheets, images and "
                "formatting, or split the file."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )


def _xlsx_read(content: bytes) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _xlsx_check_sizes(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            _("This is a ZIP-based file but not an Excel workbook (.xlsx). Upload a CSV or XLSX file.")
        ) from exc
    limits = _Limits()
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRefused(_("The workbook has no sheet."))
        # The declared dimension (e.g. A1:XFD1048576) is refused before a single row is read.
        if (sheet.max_row or 0) > limits.rows + 1 or (sheet.max_column or 0) > limits.columns:
            raise FileRefused(
                _(
                    "The sheet declares %(rows)s rows and %(columns)s columns; at most %(max_rows)s rows and "
                    "%(max_columns)s columns are read. Copy the table into a new sheet and save it again."
                )
                % {
                    "rows": sheet.max_row,
                    "columns": sheet.max_column,
                    "max_rows": limits.rows,
                    "max_columns": limits.columns,
                }
            )
        table = Table(file_format="xlsx", header=[], header_line=0)
        rows = sheet.iter_rows(values_only=True, max_col=limits.columns + 1)
        for number, values in enumerate(rows, start=1):
            cells = ["" if v is None else v for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            limits.row(number, cells)
            _row_add(table, number, cells)
    finally:
        workbook.close()
    if not table.header:
        raise FileRefused(_("The first sheet of the workbook is empty."))
    table.strings.clear()
    return table
