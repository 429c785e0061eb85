"""Turn table cells into candidate rows and decide the file's decimal convention once.

A file is written either the Vietnamese way (99,7 and 1.746) or the English way (99.7 and
1,746). Cells that can be read only one way vote for a convention; cells like ``1.746`` could
be either and follow the vote. Cells voting both ways are errors, and a file whose numeric cells
are all ambiguous is refused until the person states the convention (``--decimal``).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from config.params import digits_param
from indicators.importing.columns import FIGURE_TEXT_COLUMNS, LONG, Layout
from indicators.numbers import MISSING_MARKERS, Convention

_SPACES = re.compile(r"[\s\u00a0\u202f']")


@dataclass(slots=True)
class Cell:
    """One cell and where it is, so that every error can name its line and column."""

    text: object
    line: int
    column: str


@dataclass(slots=True)
class Candidate:
    """One figure to import: a unit, a year, an indicator, and a value and/or rank cell."""

    line: int
    unit: Cell | None
    unit_code: Cell | None
    year: Cell
    indicator: Cell
    value: Cell | None
    rank: Cell | None
    texts: dict[str, Cell]
    level_hint: str | None = None
    #: Why a row without value and rank looks malformed (another separator, cut short …), for its error.
    empty_reason: str = ""
    #: A cell that swallowed a line break and what looks like the next row (an unclosed quote).
    swallowed: Cell | None = None

    def text(self, name: str) -> str:
        """Return a free-text field of the row, stripped ('' when absent)."""
        cell = self.texts.get(name)
        return "" if cell is None or cell.text is None else str(cell.text).strip()


def is_empty(cell: Cell | None) -> bool:
    """Return whether a cell carries nothing (absent, blank, or a spreadsheet's empty)."""
    return (
        cell is None
        or cell.text is None
        or (isinstance(cell.text, str) and cell.text.strip().lower() in MISSING_MARKERS)
    )


_TEXT_FIELDS = ("level", "parent", *FIGURE_TEXT_COLUMNS)


def candidates_iter(
    *,
    rows: list[tuple[int, list[object]]],
    header: list[str],
    layout: Layout,
    delimiter: str = "",
    file_format: str = "",
) -> Iterator[Candidate]:
    """Yield one candidate per figure: per row in the long layout, per filled indicator cell in the wide one.

    A wide row with no filled indicator cell still gives one candidate (without value and rank), so
    that it is reported as an error: only an entirely empty row (dropped by the reader) is skipped.
    Why a row has no figure (``empty_reason``) is worked out only for such rows.
    """
    fields = layout.fields
    texts = [(name, index) for name in _TEXT_FIELDS if (index := fields.get(name)) is not None]
    unit_at, code_at, year_at = fields.get("unit"), fields.get("unit_code"), fields["year"]
    long = layout.kind == LONG
    if long:
        indicator_at, value_at, rank_at = fields["indicator"], fields.get("value"), fields.get("rank")
    else:
        codes = sorted(set(layout.value_columns) | set(layout.rank_columns))
        first = min([*layout.value_columns.values(), *layout.rank_columns.values()], default=None)
    for line, cells in rows:
        width = len(cells)

        def cell(index: int | None, cells: list[object] = cells, line: int = line, width: int = width) -> Cell | None:
            if index is None:
                return None
            return Cell(cells[index] if index < width else "", line, header[index])

        common = {
            "line": line,
            "unit": cell(unit_at),
            "unit_code": cell(code_at),
            "year": cell(year_at),
            "texts": {name: cell(index) for name, index in texts},
            "level_hint": layout.unit_level,
            "swallowed": _swallowed(cells, header, line, delimiter),
        }
        if long:
            value, rank = cell(value_at), cell(rank_at)
            reason = _empty_reason(cells, header, delimiter, file_format) if is_empty(value) and is_empty(rank) else ""
            yield Candidate(indicator=cell(indicator_at), value=value, rank=rank, empty_reason=reason, **common)
            continue
        found = False
        for code in codes:
            value, rank = cell(layout.value_columns.get(code)), cell(layout.rank_columns.get(code))
            if is_empty(value) and is_empty(rank):
                continue  # an empty cell in a wide sheet is a figure not known, not a zero
            found = True
            yield Candidate(indicator=Cell(code, line, code), value=value, rank=rank, **common)
        if not found:
            reason = _empty_reason(cells, header, delimiter, file_format)
            yield Candidate(indicator=Cell("", line, ""), value=cell(first), rank=None, empty_reason=reason, **common)


def value_cells_iter(*, rows: list[tuple[int, list[object]]], header: list[str], layout: Layout) -> Iterator[Cell]:
    """Yield the filled value cells of the file: those of the candidates, without building the candidates."""
    columns = [layout.fields["value"]] if layout.kind == LONG and "value" in layout.fields else []
    if layout.kind != LONG:
        columns = [layout.value_columns[code] for code in sorted(layout.value_columns)]  # the candidates' order
    for line, cells in rows:
        width = len(cells)
        for index in columns:
            if index < width:
                found = Cell(cells[index], line, header[index])
                if not is_empty(found):
                    yield found


def _empty_reason(cells: list[object], header: list[str], delimiter: str, file_format: str) -> str:
    """Return the likely cause of a row whose value and rank cells are empty."""
    filled = [str(c) for c in cells if str(c).strip()]
    others = [d for d in (",", ";", "\t") if d != delimiter]
    if delimiter and len(filled) == 1 and (other := next((d for d in others if d in filled[0]), None)):
        return _("its columns are separated by “%(other)s” while the file uses “%(delimiter)s”") % {
            "other": "TAB" if other == "\t" else other,
            "delimiter": "TAB" if delimiter == "\t" else delimiter,
        }
    if file_format == "csv" and len(cells) < len(header):  # a sheet's trailing empty cells are not read
        return _("it has only %(count)s of the %(total)s columns: the row is cut short") % {
            "count": len(cells),
            "total": len(header),
        }
    if file_format == "xlsx":
        return _(
            "the value cell is empty; a formula whose result was not saved reads as empty: open the file in "
            "Excel and save it again, or paste the values"
        )
    return _("the value and rank cells are empty")


def _swallowed(cells: list[object], header: list[str], line: int, delimiter: str) -> Cell | None:
    """Return a cell that runs over a line break into text holding the separator (an unclosed quote)."""
    if not delimiter:
        return None
    for index, text in enumerate(cells):
        if isinstance(text, str) and "\n" in text.strip() and delimiter in text.split("\n", 1)[1]:
            return Cell(text, line, header[index] if index < len(header) else str(index + 1))
    return None


def convention_vote(text: object) -> str | None:
    """Return 'comma' or 'dot' when the cell can only be read one way, 'ambiguous' for 1.746, else None."""
    if not isinstance(text, str):
        return None
    body = _SPACES.sub("", text.strip()).rstrip("%").lstrip("+-<>")
    dots, commas = body.count("."), body.count(",")
    if not dots and not commas:
        return None
    if dots and commas:
        return "comma" if body.rfind(",") > body.rfind(".") else "dot"
    sep = "." if dots else ","
    if body.count(sep) > 1:  # repeated: a thousands separator, so the other one is the decimal
        return "comma" if sep == "." else "dot"
    integer, _sep, fraction = body.partition(sep)
    if len(fraction) == 3 and 1 <= len(integer) <= 3 and integer != "0" and integer.isdigit():
        return "ambiguous"
    return "comma" if sep == "," else "dot"


def convention_decide(
    *, cells: list[Cell], stated: Convention | None
) -> tuple[Convention | None, list[tuple[Cell, str]]]:
    """Return the file's convention and the cells in error (conflicting, or ambiguous with no decision)."""
    votes: dict[str, list[Cell]] = {"comma": [], "dot": [], "ambiguous": []}
    for c in cells:
        vote = convention_vote(c.text)
        if vote:
            votes[vote].append(c)
    errors: list[tuple[Cell, str]] = []
    decided: Convention | None = stated
    if stated is None and votes["comma"] and votes["dot"]:
        majority, minority = ("comma", "dot") if len(votes["comma"]) >= len(votes["dot"]) else ("dot", "comma")
        example = votes[majority][0]
        for c in votes[minority]:
            errors.append((c, _conflict_message(c, minority, example)))
        return None, errors
    if stated is None:
        decided = "comma" if votes["comma"] else "dot" if votes["dot"] else None
    else:
        other = "dot" if stated == "comma" else "comma"
        for c in votes[other]:
            errors.append((c, _stated_conflict_message(c, stated)))
    if decided is None and votes["ambiguous"]:
        for c in votes["ambiguous"]:
            errors.append(
                (
                    c,
                    _(
                        "“%(text)s” could be read two ways and no other number in the file settles it. State the "
                        "decimal separator: --decimal=comma (Vietnamese: 99,7 and 1.746) or --decimal=dot (99.7 and "
                        "1,746), or the “Decimal separator” choice on the upload form."
                    )
                    % {"text": c.text},
                )
            )
    return decided, errors


def _conflict_message(cell: Cell, kind: str, example: Cell) -> str:
    mark = _("a decimal comma") if kind == "comma" else _("a decimal point")
    other = _("a decimal point") if kind == "comma" else _("a decimal comma")
    return _(
        "“%(text)s” uses %(mark)s, but other numbers in the file use %(other)s (e.g. “%(example)s” on line "
        "%(line)s). Use one convention in the whole file."
    ) % {"text": cell.text, "mark": mark, "other": other, "example": example.text, "line": example.line}


def _stated_conflict_message(cell: Cell, stated: str) -> str:
    name = _("comma") if stated == "comma" else _("dot")
    return _("“%(text)s” does not follow the stated decimal separator (%(name)s).") % {"text": cell.text, "name": name}


def rank_parse(text: object) -> int | None:
    """Return the rank in a cell ('15', '15/63', 15.0), None when empty; raise ValueError otherwise."""
    if text is None or (isinstance(text, str) and text.strip().lower() in {"", "-", "n/a", "na"}):
        return None
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, (int, float, Decimal)):
        if text != int(text):
            raise ValueError(text)
        number = int(text)
    else:
        body = str(text).strip().split("/")[0].strip()
        if digits_param(body, max_length=9) is None:  # ASCII digits: isdigit() takes "²" and "①" too
            raise ValueError(text)
        number = int(body)
    if number < 1:
        raise ValueError(text)
    return number


def year_parse(text: object) -> int:
    """Return the year in a cell (2023, '2023', 2023.0); raise ValueError when it is not a year."""
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, (int, float, Decimal)):
        if text != int(text):
            raise ValueError(text)
        return int(text)
    body = str(text).strip()
    if body.endswith(".0"):
        body = body[:-2]
    if digits_param(body, max_length=4) is None or len(body) != 4:
        raise ValueError(text)
    return int(body)
