"""Large imports off the request: preview and confirm of a big file run by the background worker.

django-q2 runs the jobs with its database broker (no other service; ``manage.py qcluster``, started
by ``make run`` and ``make serve``). A file with more than IMPORT_BACKGROUND_ROWS rows gets an
``ImportJob``; its page polls the job's progress and, when done, shows the same preview as a small
file gets at once. The job stores what the page shows (``preview_data``), so a reload loses nothing.
"""

from django.conf import settings
from django.utils import translation

from indicators.importing.reading import rows_estimate
from indicators.importing.service import ImportReport, values_import
from indicators.importing.uploads import upload_delete, upload_path
from indicators.importing.validation import value_show
from indicators.models import ImportJob, ImportJobStatus

#: Rows of each kind listed on the preview page: every row of a file handled at once (IMPORT_BACKGROUND_ROWS
#: rows at most); the first ones of a larger file (every row is in the command's dry run).
PREVIEW_ROWS = 5000
#: Errors kept for the page; the count of rows in error is always exact.
ERRORS_SHOWN = 2000


def runs_in_background(content: bytes) -> bool:
    """Return whether a file is large enough to be previewed and imported by the worker."""
    return rows_estimate(content) > settings.IMPORT_BACKGROUND_ROWS


#: A problem met on at least this many lines is a problem of the file (a missing source, a wrong year
#: column): the preview states it once, with its lines, instead of once per line.
FILE_PROBLEM_LINES = 3


def line_ranges(lines: list[int]) -> str:
    """Return line numbers as short ranges: [2, 3, 4, 7] → "2–4, 7"."""
    parts: list[str] = []
    ordered = sorted(set(lines))
    start = previous = ordered[0] if ordered else 0
    for line in [*ordered[1:], None]:
        if line is not None and line == previous + 1:
            previous = line
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if line is not None:
            start = previous = line
    return ", ".join(parts)


def errors_grouped(errors: list[object]) -> tuple[list[dict], list[dict]]:
    """Return the file's problems stated once, and the other problems grouped per line.

    A message met on FILE_PROBLEM_LINES lines or more is one problem of the file, listed with its lines and
    columns; the rest are grouped by line, one entry per distinct message with every column it concerns (a
    wide file repeats a row's problem in each indicator column).
    """
    lines_by_message: dict[str, set[int]] = {}
    columns_by_message: dict[str, list[str]] = {}
    for error in errors:
        lines_by_message.setdefault(error.message, set()).add(error.line)
        columns = columns_by_message.setdefault(error.message, [])
        if error.column and error.column not in columns:
            columns.append(error.column)
    file_wide = {m for m, lines in lines_by_message.items() if len(lines) >= FILE_PROBLEM_LINES}
    file_problems = [
        {"message": m, "lines": line_ranges(sorted(lines_by_message[m])), "columns": ", ".join(columns_by_message[m])}
        for m in lines_by_message
        if m in file_wide
    ]
    rows: dict[int, dict[str, list[str]]] = {}
    for error in errors:
        if error.message in file_wide:
            continue
        columns = rows.setdefault(error.line, {}).setdefault(error.message, [])
        if error.column and error.column not in columns:
            columns.append(error.column)
    by_line = [
        {"line": line, "problems": [{"columns": ", ".join(cols), "message": m} for m, cols in problems.items()]}
        for line, problems in sorted(rows.items())
    ]
    return file_problems, by_line


def preview_data(report: ImportReport) -> dict[str, object]:
    """Return what the preview page shows about a report, as JSON-ready data (also stored by jobs)."""
    updates = []
    for p in report.by_action("update")[:PREVIEW_ROWS]:
        new = p.merged(p.existing)
        changes = [[name, value_show(old), value_show(new[name])] for name, old in p.old.items()]
        if p.source_changed:
            changes.append(["source", p.old_source, p.source_key[0]])
        updates.append({"line": p.line, "unit": p.unit_label, "year": p.year, "code": p.indicator.code,
                        "changes": changes})  # fmt: skip
    creates = [
        {"line": p.line, "unit": p.unit_label, "year": p.year, "code": p.indicator.code,
         "value": value_show(p.value), "rank": value_show(p.rank)}
        for p in report.by_action("create")[:PREVIEW_ROWS]
    ]  # fmt: skip
    return {
        "file_error": report.file_error,
        "ok": report.ok,
        "written": report.written,
        "file_format": report.file_format,
        "layout": report.layout,
        "convention": report.convention or "",
        "counts": report.counts,
        "ignored_columns": report.ignored_columns,
        "new_sources": report.new_sources,
        "blank_lines": report.blank_lines,
        "no_figure_lines": report.no_figure_lines,
        "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in report.errors[:ERRORS_SHOWN]],
        "errors_hidden": max(0, len(report.errors) - ERRORS_SHOWN),
        # What the page shows: the file's problems once, then one entry per line (see errors_grouped).
        "file_problems": errors_grouped(report.errors)[0],
        "error_lines": errors_grouped(report.errors[:ERRORS_SHOWN])[1],
        "updates": updates,
        "creates": creates,
        "preview_rows": PREVIEW_ROWS,
    }


def job_start(*, user: object, token: str, meta: dict[str, object], action: str, language: str) -> ImportJob:
    """Create a job for an upload and queue it (or run it at once when IMPORT_JOBS_SYNC)."""
    from django_q.tasks import async_task

    seen = None
    if action == ImportJob.CONFIRM:
        # The confirm writes only if every value is still as the preview showed it (issue 10, defect 4).
        preview = (
            ImportJob.objects.filter(user=user, token=token, action=ImportJob.PREVIEW, status=ImportJobStatus.DONE)
            .order_by("-pk")
            .values_list("result", flat=True)
            .first()
        )
        seen = (preview or {}).get("versions", meta.get("versions"))
    job = ImportJob.objects.create(
        result={"seen_versions": seen} if seen is not None else None,
        user=user,
        token=token,
        file_name=str(meta["name"]),
        source_id=meta.get("source"),
        decimal=meta.get("decimal") or "",
        action=action,
        language=language,
    )
    async_task(job_run, job.pk, sync=settings.IMPORT_JOBS_SYNC, task_name=f"import {job.pk}: {job.file_name}"[:100])
    return ImportJob.objects.get(pk=job.pk)


def job_run(job_id: int) -> None:
    """Run one job: validate (and, for a confirm, write) its file, saving progress and the result."""
    job = ImportJob.objects.select_related("user", "source").filter(pk=job_id).first()
    if job is None or job.status != ImportJobStatus.QUEUED:
        return
    seen_versions = (job.result or {}).get("seen_versions")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)
    path = upload_path(job.token)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)

    with translation.override(job.language):
        try:
            content = path.read_bytes()
        except OSError:
            from django.utils.translation import gettext

            result = {"missing": gettext("This upload is no longer available; upload the file again.")}
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED, result=result)
            return
        try:
            report = values_import(
                content=content,
                file_name=job.file_name,
                user=job.user,
                source=job.source,
                decimal=job.decimal or None,
                dry_run=job.action == ImportJob.PREVIEW,
                progress=progress,
                seen_versions=seen_versions if job.action == ImportJob.CONFIRM else None,
            )
        except Exception:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED)
            raise
        data = preview_data(report)
        if job.action == ImportJob.PREVIEW and report.ok:
            data["versions"] = report.versions  # what the confirm checks (not shown on the page)
    if not report.ok or report.written:
        upload_delete(job.token)  # refused or imported: the file is no longer needed
    total = max(job.rows_total, len(report.planned) + len({e.line for e in report.errors}))
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.DONE, result=data, rows_done=total, rows_total=total
    )
