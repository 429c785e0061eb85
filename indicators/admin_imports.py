"""Admin pages for importing value files: upload → preview → confirm.

The uploaded file is kept server-side between the steps, in a temporary folder under a random
token that only the uploader's session knows; the confirm step reads that file again and
re-validates it, so nothing posted back by the browser is trusted.
"""

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from indicators.importing import ImportReport, values_import
from indicators.importing.jobs import job_start, preview_data, runs_in_background
from indicators.importing.uploads import upload_delete, upload_dir, upload_path, uploads_clean
from indicators.models import ImportBatch, ImportJob, ImportJobStatus, Source

SESSION_KEY = "value_imports"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8 or Excel “Unicode text”) or XLSX, in the documented import format.")
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.order_by("title"),
        required=False,
        help_text=_("Used for rows that give no source_title / source_url of their own."),
    )
    decimal = forms.ChoiceField(
        label=_("Decimal separator"),
        required=False,
        choices=[
            ("", _("detect from the file")),
            ("comma", _("comma (99,7 and 1.746)")),
            ("dot", _("dot (99.7 and 1,746)")),
        ],
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file accepted is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("created_at", "file_name", "file_format", "layout", "created_by", "source", "rows_created",
                    "rows_updated", "rows_unchanged")  # fmt: skip
    list_select_related = ("created_by", "source")
    list_filter = ("file_format", "layout")
    search_fields = ("file_name", "note")
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportBatch]:
        # A province's staff see their own imports and those that wrote only their province's values.
        return super().get_queryset(request).restrict(request.user, "view")

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> ImportBatch | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # another province's import: not found, rather than a hint that it exists
        return obj

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # batches are made by imports only

    def has_change_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="indicators_importbatch_upload"),
            path("preview/<str:token>/", wrap(self.preview_view), name="indicators_importbatch_preview"),
            path("job/<int:job_id>/", wrap(self.job_view), name="indicators_importbatch_job"),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not (request.user.has_perm("indicators.add_value") and request.user.has_perm("indicators.change_value")):
            raise PermissionDenied

    def _context(self, request: HttpRequest, title: str, **extra: object) -> dict[str, object]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Show the upload form; on a valid upload keep the file and go to its preview."""
        self._check(request)
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            uploads_clean()  # abandoned uploads go on every upload too (and by `manage.py cleanimportuploads`)
            token = secrets.token_urlsafe(24)
            upload = form.cleaned_data["file"]
            with upload_path(token).open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            source = form.cleaned_data["source"]
            pending = request.session.get(SESSION_KEY, {})
            pending[token] = {
                "name": Path(upload.name).name[:200],
                "source": source.pk if source else None,
                "decimal": form.cleaned_data["decimal"] or None,
            }
            request.session[SESSION_KEY] = pending
            return HttpResponseRedirect(reverse("admin:indicators_importbatch_preview", args=[token]))
        context = self._context(request, gettext("Import values from a file"), form=form)
        return TemplateResponse(request, "admin/indicators/importbatch/upload.html", context)

    def preview_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """Show what the file would change (GET) or import it after validating it again (POST).

        A large file (IMPORT_BACKGROUND_ROWS) goes to the background worker and its job page instead.
        """
        self._check(request)
        meta = request.session.get(SESSION_KEY, {}).get(token)
        stored = upload_path(token)
        if meta is None or not stored.is_file():
            messages.error(request, gettext("This upload is no longer available; upload the file again."))
            return HttpResponseRedirect(reverse("admin:indicators_importbatch_upload"))
        confirm = request.method == "POST"
        content = stored.read_bytes()
        if runs_in_background(content):
            return self._start_job(request, token, meta, confirm=confirm)
        source = Source.objects.filter(pk=meta["source"]).first() if meta["source"] else None
        report = values_import(
            content=content,
            file_name=meta["name"],
            user=request.user,
            source=source,
            decimal=meta["decimal"],
            dry_run=not confirm,
            # The confirm writes only if every value is still as the preview showed it.
            seen_versions=meta.get("versions") if confirm else None,
        )
        if (done := self._after_import(request, token, meta, report, confirm=confirm)) is not None:
            return done
        context = self._context(
            request,
            gettext("Preview of %(file)s") % {"file": meta["name"]},
            preview=preview_data(report),
            report=report,
            counts=report.counts,
            source=source,
            confirmed=confirm,
        )
        return TemplateResponse(request, "admin/indicators/importbatch/preview.html", context)

    def _start_job(self, request: HttpRequest, token: str, meta: dict, *, confirm: bool) -> HttpResponse:
        """Hand a large file to the background worker and go to its job page."""
        action = ImportJob.CONFIRM if confirm else ImportJob.PREVIEW
        job = job_start(user=request.user, token=token, meta=meta, action=action, language=get_language() or "vi")
        if confirm:
            self._forget(request, token, delete=False)  # the job deletes the file when it is done
        return HttpResponseRedirect(reverse("admin:indicators_importbatch_job", args=[job.pk]))

    def _after_import(
        self, request: HttpRequest, token: str, meta: dict, report: ImportReport, *, confirm: bool
    ) -> HttpResponse | None:
        """Keep or forget the upload after a preview or confirm; return the redirect of a written import."""
        if not confirm and not report.ok:
            self._forget(request, token)  # a refused file is deleted at once; a corrected one is uploaded anew
        elif not confirm:
            meta["versions"] = report.versions  # the confirm writes only if every value is still as shown
            request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), token: meta}
        if not (confirm and report.ok):
            return None
        self._forget(request, token)
        messages.success(
            request,
            imported_message(meta["name"], report.counts),
        )
        return HttpResponseRedirect(reverse("admin:indicators_importbatch_changelist"))

    def job_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """Show a background job: its progress while it runs (the page reloads itself), then its result."""
        self._check(request)
        job = ImportJob.objects.filter(pk=job_id, user=request.user).select_related("source").first()
        if job is None:
            messages.error(request, gettext("This import job does not exist or is not yours."))
            return HttpResponseRedirect(reverse("admin:indicators_importbatch_upload"))
        result = job.result or {}
        done = job.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)
        if job.status == ImportJobStatus.DONE and result.get("written"):
            c = result["counts"]
            messages.success(
                request,
                imported_message(job.file_name, c),
            )
            return HttpResponseRedirect(reverse("admin:indicators_importbatch_changelist"))
        pending = request.session.get(SESSION_KEY, {})
        context = self._context(
            request,
            gettext("Preview of %(file)s") % {"file": job.file_name},
            job=job,
            running=not done,
            preview=result if job.status == ImportJobStatus.DONE else None,
            source=job.source,
            confirm_url=reverse("admin:indicators_importbatch_preview", args=[job.token])
            if job.token in pending and upload_path(job.token).is_file()
            else "",
        )
        return TemplateResponse(request, "admin/indicators/importbatch/preview.html", context)

    def _forget(self, request: HttpRequest, token: str, *, delete: bool = True) -> None:
        pending = request.session.get(SESSION_KEY, {})
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        if delete:
            upload_delete(token)


def imported_message(file_name: str, counts: dict[str, int]) -> str:
    """Return the success message of an import: the counts, and that the imported figures are drafts."""
    text = gettext("%(file)s imported: %(create)s created, %(update)s updated, %(unchanged)s unchanged.") % {
        "file": file_name,
        **counts,
    }
    if counts.get("create") or counts.get("update"):
        # An admin import never publishes (indicators.services): the rows wait for submission and approval.
        text += " " + gettext("The imported figures are drafts — submit them for approval to publish them.")
    return text


__all__ = ["ImportBatchAdmin", "ImportReport", "ImportUploadForm", "upload_dir"]
