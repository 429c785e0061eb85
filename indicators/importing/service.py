"""The import service: validate every row of a file, then write all of it or nothing.

Used by ``manage.py importvalues``, the admin upload pages and ``manage.py loadpublished``.
Validation runs on in-memory indexes (one query for units, one for indicators, one for sources,
one for the existing values of the affected indicator-years); writing is one transaction of
bulk inserts and updates. Empty cells never erase a stored figure: a file changes only what it states.
"""

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from indicators.importing.columns import layout_detect
from indicators.importing.reading import FileRefused, Table, table_read
from indicators.importing.rows import Candidate, candidates_iter, convention_decide, value_cells_iter
from indicators.importing.validation import Planned, RowError, Validator
from indicators.models import ImportBatch, Indicator, Source
from indicators.numbers import Convention
from indicators.services import (
    ValueInput,
    WriteRefused,
    changes_since,
    history_channel,
    import_channel,
    locked_pairs,
    stale_text,
    units_allowed,
    values_write,
)
from provinces.resolver import UnitIndex

__all__ = ["ImportReport", "Planned", "RowError", "values_import"]

#: How often (in rows) an import reports its progress to a background job.
PROGRESS_EVERY = 2000
#: New values built and written at a time (memory stays bounded whatever the file's size).
WRITE_CHUNK = 5000


@dataclass
class ImportReport:
    """What an import found and did: the preview of the admin and the summary of the command."""

    file_name: str
    dry_run: bool
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    layout: str = ""
    convention: str | None = None
    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    blank_lines: list[int] = field(default_factory=list)
    no_figure_lines: list[int] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_sources: list[str] = field(default_factory=list)
    written: bool = False
    batch: ImportBatch | None = None
    #: "indicator:unit:year" -> version of the stored value (None: none stored) for every planned row;
    #: the admin keeps it with the preview and hands it back on confirm (``seen_versions``).
    versions: dict[str, int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return whether the file can be (or was) written: no file error and no row error."""
        return not self.file_error and not self.errors

    def by_action(self, action: str) -> list[Planned]:
        """Return the planned rows of one action: create, update or unchanged."""
        return [p for p in self.planned if p.action == action]

    @property
    def counts(self) -> dict[str, int]:
        """Return the number of rows to create, to update, unchanged, in error and skipped as empty."""
        return {
            "create": len(self.by_action("create")),
            "update": len(self.by_action("update")),
            "unchanged": len(self.by_action("unchanged")),
            "error_rows": len({e.line for e in self.errors}),
            "empty": len(self.blank_lines),
            "no_figure": len(self.no_figure_lines),
        }

    def summary_lines(self) -> list[str]:
        """Return the summary as lines of text, the same for the command and the admin preview."""
        return list(self.summary_iter())

    def summary_iter(self) -> Iterator[str]:
        """Yield the summary line by line (a 200,000-row dry run is printed without holding its text)."""
        if self.file_error:
            yield _("%(file)s refused: %(reason)s") % {"file": self.file_name, "reason": self.file_error}
            return
        c = self.counts
        if self.errors or self.convention:
            # A refused file may have refused its decimals: "not needed" would be wrong there.
            convention = _("comma") if self.convention == "comma" else _("dot") if self.convention else _("undecided")
        else:
            convention = _("not needed")
        layout = _("wide") if self.layout == "wide" else _("long")
        yield _("%(file)s: %(format)s, %(layout)s layout, decimal %(convention)s.") % {
            "file": self.file_name,
            "format": self.file_format.upper(),
            "layout": layout,
            "convention": convention,
        }
        yield (
            _(
                "To create: %(create)s · to update: %(update)s · unchanged: %(unchanged)s · rows in error: "
                "%(error_rows)s · empty (skipped): %(empty)s"
            )
            % c
        )
        if self.blank_lines:
            yield (_("Empty lines skipped: %(lines)s") % {"lines": ", ".join(map(str, self.blank_lines))})
        if self.no_figure_lines:
            yield (
                _("Rows stating no figure (N/A, -), skipped: lines %(lines)s")
                % {"lines": ", ".join(map(str, self.no_figure_lines))}
            )
        if self.ignored_columns:
            yield (_("Columns ignored: %(columns)s") % {"columns": ", ".join(self.ignored_columns)})
        if self.new_sources:
            yield (_("New sources: %(sources)s") % {"sources": "; ".join(self.new_sources)})
        yield from (f"  {e}" for e in self.errors)
        if not self.errors:
            yield from (f"  {_('create')} {p.describe()}" for p in self.by_action("create"))
            yield from (f"  {_('update')} {p.describe()}" for p in self.by_action("update"))
        if self.errors:
            yield (_("Nothing was written: correct the rows above and import the file again."))
        elif self.written:
            yield (_("Written: %(create)s created, %(update)s updated.") % c)
        elif self.dry_run:
            yield (_("Dry run: nothing was written."))
        elif not c["create"] and not c["update"]:
            yield (_("Nothing to write: every value is already stored as in the file."))


def values_import(
    *,
    content: bytes,
    file_name: str,
    user: object | None = None,
    source: Source | None = None,
    decimal: Convention | None = None,
    dry_run: bool = False,
    note: str = "",
    units: "UnitIndex | None" = None,
    publish: bool = False,
    channel: str = "",
    seen_versions: dict[str, int | None] | None = None,
    progress: "Callable[[int, int], None] | None" = None,
) -> ImportReport:
    """Validate a CSV/XLSX file of values and, unless dry_run or any row is wrong, write all of it.

    ``source`` is used for rows that name no source of their own; ``decimal`` settles files whose
    numbers could be read both ways; ``units`` is a prebuilt UnitIndex for callers that import several
    files. A staff ``user`` may import only rows of their province scope (one row outside refuses
    the file); rows of a locked year refuse it too. ``progress(done, total)`` is called every
    few thousand rows (the background jobs show it). Imported values are drafts, and changes of
    published values become their pending corrections, unless ``publish`` (the loaders of published
    figures), which writes them approved. ``seen_versions`` (the preview's ``report.versions``)
    refuses the file when a value changed since the preview, naming the rows; the write itself goes
    through indicators.services.values_write, which checks scope, locks and versions again under row
    locks. Rows outside the user's scope are refused without anything stored about them being shown.
    ``channel`` is the history's change reason (default "import: <file>"); with ``publish`` a changed
    published figure is corrected in place, keeping the figure it replaces (``previous_value``/
    ``previous_rank``, ``corrected_at``), as an approved correction does.
    Return the report; never raise for bad input.
    """
    report = ImportReport(file_name=file_name, dry_run=dry_run)
    try:
        table = table_read(content=content, file_name=file_name)
    except FileRefused as exc:
        report.file_error = exc.message
        return report
    report.file_format, report.encoding, report.delimiter = table.file_format, table.encoding, table.delimiter
    report.blank_lines = table.blank_lines
    indicators = {i.code: i for i in Indicator.objects.all()}
    candidates = _candidates(table, indicators, report)
    if candidates is None:
        return report
    # Candidates are built one at a time rather than held (a 200,000-row file stays small in memory); the
    # convention is decided on the value cells alone.
    values = list(value_cells_iter(rows=table.rows, header=table.header, layout=candidates.keywords["layout"]))
    report.convention, convention_errors = convention_decide(cells=values, stated=decimal)
    del values
    report.errors += [RowError(c.line, c.column, message) for c, message in convention_errors]
    bad_cells = {(c.line, c.column) for c, _message in convention_errors}
    validator = Validator(indicators=indicators, convention=report.convention, default_source=source, units=units)
    total = len(table.rows)
    for number, candidate in enumerate(candidates(rows=_released(table.rows))):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(min(number, total), total)
        if candidate.value and (candidate.line, candidate.value.column) in bad_cells:
            continue
        planned = validator.validate(candidate)
        if planned is not None:
            report.planned.append(planned)
    if progress is not None:
        progress(total, total)  # every row checked: what remains is comparing and writing
    # The file's cells are no longer needed (the planned rows hold what is written): each row was freed once
    # validated, so the cells and the planned rows are never all in memory at once (a 200,000-row preview).
    table.rows.clear()
    validator.rows_done()
    report.errors += validator.errors
    report.no_figure_lines = validator.no_figure_lines
    report.errors += _scope_errors(report, user=user)  # before classify: nothing stored is read for them
    validator.classify(report.planned, prefer_corrections=not publish)
    report.errors += _lock_errors(report.planned)
    report.versions = {_key(p): p.existing.version if p.existing is not None else None for p in report.planned}
    if seen_versions is not None:
        report.errors += _changed_since_preview(report.planned, seen_versions)
    report.errors.sort(key=lambda e: (e.line, e.column))
    report.new_sources = validator.new_source_labels(report.planned)
    changes = any(p.action != "unchanged" for p in report.planned) or validator.source_classes_changed()
    if report.ok and not dry_run and changes:
        expected = seen_versions if seen_versions is not None else report.versions
        _write(report, validator=validator, user=user, source=source, note=note, layout=report.layout,
               publish=publish, expected=expected, channel=channel or import_channel(report.file_name))  # fmt: skip
    return report


def _released(rows: list[tuple[int, list[object]]]) -> Iterator[tuple[int, list[object]]]:
    """Yield the rows of a table, dropping each from the list as it is handed out (its cells freed once used)."""
    for index, row in enumerate(rows):
        rows[index] = None
        yield row


def _key(planned: Planned) -> str:
    return f"{planned.indicator.pk}:{planned.unit.pk}:{planned.year}"


def _scope_errors(report: ImportReport, *, user: object | None) -> list[RowError]:
    """Take the rows outside the user's province scope out of the plan, with one error each."""
    allowed = units_allowed(user, (p.unit for p in report.planned))
    outside = [p for p in report.planned if p.unit.pk not in allowed]
    report.planned = [p for p in report.planned if p.unit.pk in allowed]
    return [
        RowError(
            p.line,
            p.unit_column,
            _("%(unit)s (code %(code)s) is outside your province; the file is refused as a whole.")
            % {"unit": p.unit.short_name, "code": p.unit.code},
        )
        for p in outside
    ]


def _changed_since_preview(planned: list[Planned], seen: dict[str, int | None]) -> list[RowError]:
    """Return an error for every row whose stored value changed (or appeared, or went) since the preview."""
    errors = []
    for p in planned:
        then = seen.get(_key(p), -1)
        now = p.existing.version if p.existing is not None else None
        if then == now:
            continue
        what = ""
        if p.existing is not None and then not in (None, -1):
            changes, by = changes_since(p.existing, version=then)
            what = stale_text(p.existing, changes, by)
        elif p.existing is not None:
            what = _("a value was stored meanwhile (version %(version)s).") % {"version": now}
        else:
            what = _("the stored value was deleted meanwhile.")
        errors.append(
            RowError(
                p.line,
                "version",
                _("%(unit)s · %(year)s · %(code)s changed since the preview: %(what)s Preview the file again.")
                % {"unit": p.unit.short_name, "year": p.year, "code": p.indicator.code, "what": what},
            )
        )
    return errors


def _lock_errors(planned: list[Planned]) -> list[RowError]:
    """Return an error for every row that would change a locked year."""
    errors = []
    locks = locked_pairs()
    errors += [
        RowError(
            p.line,
            p.year_column,
            _("%(group)s %(year)s is locked: its values cannot be changed until a national administrator unlocks it.")
            % {"group": p.indicator.get_group_display(), "year": p.year},
        )
        for p in planned
        if p.action != "unchanged" and (p.indicator.group, p.year) in locks
    ]
    return errors


def _candidates(
    table: Table, indicators: dict[str, Indicator], report: ImportReport
) -> Callable[[], Iterator[Candidate]] | None:
    """Return a function giving the file's candidates one by one, or None when the header is wrong or no row."""
    layout = layout_detect(header=table.header, indicator_codes=set(indicators))
    report.layout, report.ignored_columns = layout.kind, layout.ignored
    if layout.errors:
        report.errors += [RowError(table.header_line, column, message) for column, message in layout.errors]
        return None
    if not table.rows:
        report.file_error = _("The file has a header row but no data rows.")
        return None
    return functools.partial(
        candidates_iter,
        rows=table.rows,
        header=table.header,
        layout=layout,
        delimiter=table.delimiter,
        file_format=table.file_format,
    )


def _write(
    report: ImportReport,
    *,
    validator: Validator,
    user: object | None,
    source: Source | None,
    note: str,
    layout: str,
    publish: bool,
    channel: str,
    expected: dict[str, int | None],
) -> None:
    counts = report.counts
    # ``channel`` is stored in the history as data, like "form" and "year sheet": never in the user's language.
    try:
        with transaction.atomic(), history_channel(channel):
            sources = validator.sources_save(report.planned)
            if source is not None and source.pk is None:
                source = sources.get((source.title, source.url))
            batch = ImportBatch.objects.create(
                file_name=report.file_name[:255],
                file_format=report.file_format,
                layout=layout,
                source=source,
                created_by=user,
                rows_created=counts["create"],
                rows_updated=counts["update"],
                rows_unchanged=counts["unchanged"],
                note=note,
            )
            rows = [
                ValueInput(
                    indicator=p.indicator,
                    unit=p.unit,
                    year=p.year,
                    source=sources[p.source_key],
                    expected_version=expected.get(_key(p)),
                    row=p.line,
                    **p.merged(p.existing),
                )
                for p in report.planned
                if p.action != "unchanged"
            ]
            # Scope, locks, data rules and each version again, under row locks: the one write gate. A chunk at
            # a time (200,000 model instances and their history rows at once took 700 MB); a refused chunk
            # rolls back the whole transaction, so the file is still written all or nothing.
            for start in range(0, len(rows), WRITE_CHUNK):
                values_write(rows=rows[start : start + WRITE_CHUNK], user=user, channel=channel, publish=publish,
                             import_batch=batch, returning=False)  # fmt: skip
    except WriteRefused as exc:
        report.errors += [RowError(e.row, e.field, e.message) for e in exc.errors]
        return
    except DatabaseError as exc:
        report.file_error = _("The database refused the import, so nothing was written: %(error)s") % {"error": exc}
        return
    report.written, report.batch = True, batch
