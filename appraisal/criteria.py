"""Criteria sets from and to CSV/XLSX, and copying a set to the next year.

The import has the guarantees of the value imports: the whole file or nothing; every bad row is
reported with its line, column and reason; children's maxima add up to their parent's; the areas
add up to the set's total (100 unless the set says otherwise). A partial set (reference data
where the source shows only part of the tree) may leave maxima unaccounted for and kinds blank.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from appraisal.models import CriteriaSet, Criterion, Kind, NodeLevel
from indicators.importing.reading import FileRefused, table_read
from indicators.models import Indicator, plain_decimal
from indicators.numbers import NumberFormatError, parse_number

COLUMNS = [
    "code",
    "parent_code",
    "level",
    "name_vi",
    "name_en",
    "max_score",
    "kind",
    "guidance",
    "evidence_required",
    "deductions",
    "indicator",
    "source_url",
    "note",
]
REQUIRED = ("code", "level", "name_vi", "max_score")
#: The reference files (shared/data/criteria) call the guidance "assessment_method".
ALIASES = {"assessment_method": "guidance"}
PARENT_LEVEL = {NodeLevel.AREA: None, NodeLevel.CRITERION: NodeLevel.AREA, NodeLevel.SUBCRITERION: NodeLevel.CRITERION}
YES = {"1", "x", "yes", "true", "có", "co"}
NO = {"", "0", "no", "false", "không", "khong"}


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class CriteriaImport:
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error


@dataclass
class _Node:
    line: int
    values: dict
    children: list["_Node"] = field(default_factory=list)


def criteria_import(*, criteria_set: CriteriaSet, content: bytes, file_name: str) -> CriteriaImport:
    """Replace the set's tree by the file's, all or nothing; return the errors instead of raising."""
    result = CriteriaImport()
    try:
        table = table_read(content=content, file_name=file_name)
    except FileRefused as exc:
        result.file_error = exc.message
        return result
    header = [ALIASES.get(str(h).strip().lower(), str(h).strip().lower()) for h in table.header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.file_error = _("Missing column(s): %(columns)s. The columns are: %(all)s.") % {
            "columns": ", ".join(missing),
            "all": ", ".join(COLUMNS),
        }
        return result
    nodes = _rows_parse(table, header, criteria_set, result)
    _tree_check(nodes, criteria_set, result)
    if result.ok:
        result.created = _tree_write(criteria_set, nodes)
    return result


def _rows_parse(table, header: list[str], criteria_set: CriteriaSet, result: CriteriaImport) -> list[_Node]:
    indicators = set(Indicator.objects.filter(group="par").values_list("code", flat=True))
    nodes: list[_Node] = []
    seen: set[str] = set()
    for line, cells in table.rows:
        raw = {name: ("" if value is None else str(value).strip()) for name, value in zip(header, cells, strict=False)}
        if not any(raw.values()):
            continue
        values = {name: raw.get(name, "") for name in COLUMNS}

        def error(column: str, message: str, line: int = line) -> None:
            result.errors.append(RowError(line, column, message))

        if not values["code"]:
            error("code", _("The code is empty."))
        elif values["code"] in seen:
            error("code", _("The code %(code)s appears twice.") % {"code": values["code"]})
        seen.add(values["code"])
        if values["level"] not in NodeLevel.values:
            error(
                "level", _("Unknown level “%(text)s”: use area, criterion or subcriterion.") % {"text": values["level"]}
            )
        if not values["name_vi"]:
            error("name_vi", _("The Vietnamese name is empty."))
        try:
            values["max_score"] = parse_number(values["max_score"]).value
            if values["max_score"] is None or values["max_score"] <= 0:
                error("max_score", _("Give the maximum points, a number above 0."))
        except NumberFormatError as exc:
            error("max_score", str(exc))
        if values["kind"] not in ("", *Kind.values):
            error("kind", _("Unknown kind “%(text)s”: use self_assessed or survey.") % {"text": values["kind"]})
        if values["evidence_required"].lower() not in YES | NO:
            error("evidence_required", _("Write 1 (required) or 0 (not required)."))
        values["evidence_required"] = values["evidence_required"].lower() in YES
        if values["indicator"] and values["indicator"] not in indicators:
            error("indicator", _("%(code)s is not a PAR indicator of the catalogue.") % {"code": values["indicator"]})
        nodes.append(_Node(line, values))
    if not nodes and not result.errors:
        result.file_error = _("The file has no criteria rows.")
    return nodes


def _tree_check(nodes: list[_Node], criteria_set: CriteriaSet, result: CriteriaImport) -> None:
    """Link children to parents and check levels, kinds and the sums of maxima."""
    by_code = {n.values["code"]: n for n in nodes}
    roots = []
    for node in nodes:
        parent_code, level = node.values["parent_code"], node.values["level"]
        if level not in NodeLevel.values:
            continue
        wanted = PARENT_LEVEL[level]
        parent = by_code.get(parent_code)
        if wanted is None:
            if parent_code:
                result.errors.append(RowError(node.line, "parent_code", _("An area has no parent.")))
            roots.append(node)
        elif parent is None:
            result.errors.append(
                RowError(node.line, "parent_code", _("Parent “%(code)s” is not in the file.") % {"code": parent_code})
            )
        elif parent.values["level"] != wanted:
            result.errors.append(
                RowError(
                    node.line,
                    "parent_code",
                    _("A %(level)s must sit under a %(wanted)s.")
                    % {"level": NodeLevel(level).label, "wanted": NodeLevel(wanted).label},
                )
            )
        else:
            parent.children.append(node)
    if result.errors:
        return
    for node in nodes:
        _sum_check(node, node.children, node.values["max_score"], criteria_set.partial, result, node.line)
        if not node.children and not node.values["kind"] and not criteria_set.partial:
            result.errors.append(RowError(node.line, "kind", _("A scored criterion needs its kind.")))
    total = sum((n.values["max_score"] for n in roots), Decimal(0))
    if total > criteria_set.total_max or (not criteria_set.partial and total != criteria_set.total_max):
        result.errors.append(
            RowError(
                roots[0].line if roots else 0,
                "max_score",
                _("The areas add up to %(sum)s, but the set's total is %(total)s.")
                % {"sum": plain_decimal(total), "total": plain_decimal(criteria_set.total_max)},
            )
        )


def _sum_check(node, children, maximum, partial: bool, result: CriteriaImport, line: int) -> None:
    if not children:
        return
    total = sum((c.values["max_score"] for c in children), Decimal(0))
    if total > maximum or (not partial and total != maximum):
        result.errors.append(
            RowError(
                line,
                "max_score",
                _("The children of %(code)s add up to %(sum)s, not its maximum %(max)s.")
                % {"code": node.values["code"], "sum": plain_decimal(total), "max": plain_decimal(maximum)},
            )
        )


@transaction.atomic
def _tree_write(criteria_set: CriteriaSet, nodes: list[_Node]) -> int:
    criteria_set.criteria.all().delete()
    indicators = {i.code: i for i in Indicator.objects.filter(group="par")}
    created: dict[str, Criterion] = {}
    for position, node in enumerate(nodes):
        v = node.values
        created[v["code"]] = Criterion.objects.create(
            criteria_set=criteria_set,
            parent=created.get(v["parent_code"]) if v["parent_code"] else None,
            level=v["level"],
            code=v["code"],
            name_vi=v["name_vi"],
            name_en=v["name_en"],
            max_score=v["max_score"],
            kind=v["kind"],
            guidance=v["guidance"],
            evidence_required=v["evidence_required"],
            deductions=v["deductions"],
            indicator=indicators.get(v["indicator"]),
            is_leaf=not node.children,
            position=position,
            source_url=v["source_url"],
            note=v["note"],
        )
    return len(created)


def criteria_rows(criteria_set: CriteriaSet) -> list[list[object]]:
    """Return the set's tree as rows of COLUMNS, in tree order (the import's own format)."""
    rows = []
    for c in criteria_set.criteria.select_related("parent", "indicator").order_by("position"):
        rows.append(
            [
                c.code,
                c.parent.code if c.parent else "",
                c.level,
                c.name_vi,
                c.name_en,
                plain_decimal(c.max_score),
                c.kind,
                c.guidance,
                "1" if c.evidence_required else "0",
                c.deductions,
                c.indicator.code if c.indicator else "",
                c.source_url,
                c.note,
            ]
        )
    return rows


def criteria_csv(criteria_set: CriteriaSet) -> bytes:
    """Return the set as CSV (UTF-8 with BOM, so that Excel reads the diacritics)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(criteria_rows(criteria_set))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def criteria_xlsx(criteria_set: CriteriaSet) -> bytes:
    """Return the set as an XLSX workbook of the import's columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "criteria"
    sheet.append(COLUMNS)
    for row in criteria_rows(criteria_set):
        # A leading "=" would make a formula of a name; text cells stay text.
        sheet.append([f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def criteria_copy(*, criteria_set: CriteriaSet, year: int, name: str = "") -> CriteriaSet:
    """Return a copy of the set for another year, with the whole tree, to be changed before use."""
    copy = CriteriaSet.objects.create(
        name=name or criteria_set.name,
        assessor=criteria_set.assessor,
        year=year,
        body_group=criteria_set.body_group,
        total_max=criteria_set.total_max,
        partial=criteria_set.partial,
        bands=criteria_set.bands,
        source_title=criteria_set.source_title,
        source_url=criteria_set.source_url,
        note=_("Copied from %(set)s.") % {"set": criteria_set},
    )
    created: dict[int, Criterion] = {}
    for c in criteria_set.criteria.order_by("position"):
        old_pk, parent_pk = c.pk, c.parent_id
        c.pk = None
        c.criteria_set = copy
        c.parent = created.get(parent_pk)
        c.save()
        created[old_pk] = c
    return copy
