"""Admin for the indicator catalogue, sources and values."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.params import id_param
from indicators import admin_history, admin_imports  # noqa: F401  (the import pages and the change log)
from indicators.exports import values_staff_export
from indicators.forms import (
    ValueAdminForm,
    YearSheetChooseForm,
    YearSheetDefaultsForm,
    YearSheetFormSet,
    number_display,
    stale_message,
)
from indicators.models import DisputedFigure, Indicator, SeriesBreak, Source, Value, ValueStatus, YearLock
from indicators.permissions import (
    can_change_value,
    can_delete_value,
    is_national_admin,
    locked_pairs,
    permits,
    units_editable_by,
    values_visible_to,
)
from indicators.services import (
    CHANNEL_ADMIN,
    CHANNEL_ADMIN_DELETE,
    CHANNEL_FORM,
    CHANNEL_RESTORE,
    StaleValue,
    WriteRefused,
    value_restore,
    value_return,
    value_save,
    values_approve,
    values_delete,
    values_submit,
)
from indicators.yearsheet import SheetRow, rows_by_group, yearsheet_rows, yearsheet_save
from provinces.models import AdministrativeUnit, Level
from provinces.scope import unit_scope_q
from provinces.text import fold


class RestorableHistoryAdmin(SimpleHistoryAdmin):
    """History per object for everyone who may view it; restoring an earlier version only for national admins.

    Every save and delete records its user and channel ("admin", "restore", "admin delete").
    Subclasses whose rows have a province scope narrow ``history_records``: an object whose history
    the user may not read is not found (404), on its history list and on each of its versions.
    """

    def history_records(self, request: HttpRequest) -> QuerySet:
        """Return the historical records the user may read (all of them for unscoped models)."""
        return self.model.history.all()

    def _history_check(self, request: HttpRequest, object_id: str) -> None:
        pk = id_param(str(object_id))
        if pk is None:
            raise Http404  # django-simple-history would query the text as an id
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        if self.model.objects.filter(pk=pk).exists() or not self.history_records(request).filter(id=pk).exists():
            raise Http404  # another province's object, or one that never was: not found either way

    def get_history_queryset(self, request: HttpRequest, history_manager: object, pk_name: str, object_id: str):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return records.filter(history_id__in=self.history_records(request).values("history_id"))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        self._history_check(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: object = None) -> bool:
        return not is_national_admin(request.user)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, object]:
        """Return the add form's initial data from the query string, without related ids that are not ids.

        The autocomplete widgets query their selected value as an id: ``?unit=²`` would answer 500.
        """
        initial = super().get_changeform_initial_data(request)
        related = {f.name for f in self.model._meta.get_fields() if f.is_relation and f.many_to_one}
        return {k: v for k, v in initial.items() if k not in related or id_param(str(v)) is not None}

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        self._history_check(request, object_id)
        if id_param(str(version_id)) is None:
            raise Http404
        if not self.history_records(request).filter(id=object_id, history_id=version_id).exists():
            raise Http404
        if request.method == "POST" and not is_national_admin(request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: models.Model, form: object, change: bool) -> None:
        if not getattr(obj, "_change_reason", None):  # a subclass may name a finer channel ("lock")
            obj._change_reason = CHANNEL_RESTORE if hasattr(obj, "_history") else CHANNEL_ADMIN
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = CHANNEL_ADMIN_DELETE
        obj._history_user = request.user
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # One by one, so that each history record carries the channel (a queryset delete reloads the rows).
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class SeriesBreakInline(admin.TabularInline):
    model = SeriesBreak
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(RestorableHistoryAdmin):
    list_display = ("code", "name_vi", "name_en", "group", "measure_unit", "range_label", "direction", "levels")
    list_filter = ("group", "measure_unit", "direction")
    search_fields = ("code", "name_vi", "name_en", "short_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = (SeriesBreakInline,)
    fieldsets = (
        (None, {"fields": ("code", "group", "parent", "short_name", "display_order")}),
        (_("Names and description"), {"fields": ("name_vi", "name_en", "description_vi", "description_en")}),
        (_("Measurement"), {"fields": ("measure_unit", "min_value", "max_value", "decimals", "direction", "levels")}),
        (_("Methodology"), {"fields": ("methodology",)}),
    )

    @admin.display(description=_("allowed range"))
    def range_label(self, obj: Indicator) -> str:
        return f"{number_display(obj.min_value) or '…'} – {number_display(obj.max_value) or '…'}"


@admin.register(Source)
class SourceAdmin(RestorableHistoryAdmin):
    list_display = ("title", "source_class", "publisher", "published_on", "url", "value_count")
    list_filter = ("source_class",)
    search_fields = ("title", "publisher", "url")
    ordering = ("title", "pk")  # the count annotation drops Meta.ordering (GROUP BY)
    # A URL typed without a scheme is read as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        # One annotated query for the count column, not one query per row.
        return super().get_queryset(request).annotate(value_count=Count("values"))

    @admin.display(description=_("values citing it"), ordering="value_count")
    def value_count(self, obj: Source) -> int:
        return obj.value_count


class ProvinceFilter(admin.SimpleListFilter):
    """Values of one province and of its districts and communes (either structure)."""

    title = _("province")
    parameter_name = "province"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        provinces = (
            units_editable_by(request.user)
            .filter(level=Level.PROVINCE)
            .vietnamese_order()
            .only("pk", "short_name", "valid_from", "valid_to")
        )
        # Both structures hold a "Bắc Ninh": the validity period tells them apart.
        return [
            (str(p.pk), f"{p.short_name} ({p.validity_label})" if p.valid_from or p.valid_to else p.short_name)
            for p in provinces
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Value]) -> QuerySet[Value]:
        pk = id_param(self.value())
        if pk is None:
            return queryset
        return queryset.filter(Q(unit_id=pk) | Q(unit__parent_id=pk) | Q(unit__parent__parent_id=pk))


class StatusFilter(admin.SimpleListFilter):
    """Values by publication status, pending corrections apart."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*ValueStatus.choices, ("correction", _("pending correction"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Value]) -> QuerySet[Value]:
        if self.value() == "correction":
            return queryset.filter(correction_of__isnull=False)
        if self.value() in ValueStatus.values:
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Value)
class ValueAdmin(RestorableHistoryAdmin):
    """Values of the user's province scope; edits of published values become corrections (indicators.workflow)."""

    form = ValueAdminForm
    list_display = (
        "indicator",
        "unit",
        "year_label",
        "value_label",
        "rank",
        "rank_basis",
        "qualifier",
        "status_label",
        "source",
        "updated_by",
        "updated_at",
    )
    list_filter = (
        StatusFilter,
        "indicator",
        ("indicator__group", admin.ChoicesFieldListFilter),
        "year",
        ("unit__level", admin.ChoicesFieldListFilter),
        ProvinceFilter,
    )
    list_select_related = ("indicator", "unit", "unit__parent", "source", "updated_by")
    search_fields = ("indicator__code", "unit__code")
    search_help_text = _("Unit name (with or without diacritics), unit code or indicator code.")
    autocomplete_fields = ("indicator", "unit", "source")
    actions = ("submit_selected", "approve_selected", "export_selected", "export_selected_xlsx")
    workflow_fields = (
        "status",
        "review_comment",
        "version",
        "correction_of",
        "corrected_at",
        "previous_value",
        "previous_rank",
    )
    readonly_fields = ("created_by", "created_at", "updated_by", "updated_at", "import_batch", *workflow_fields)
    fieldsets = (
        (None, {"fields": ("indicator", "unit", "year", "expected_version")}),
        (_("Figure"), {"fields": ("value", "rank", "rank_basis", "qualifier")}),
        (_("Source"), {"fields": ("source", "note")}),
        (_("Publication"), {"fields": workflow_fields}),
        (_("History"), {"fields": ("created_by", "created_at", "updated_by", "updated_at", "import_batch")}),
    )

    @admin.display(description=_("year"), ordering="year")
    def year_label(self, obj: Value) -> str:
        return str(obj.year)  # not "2.023": USE_THOUSAND_SEPARATOR would group a year like a number

    @admin.display(description=_("value"), ordering="value")
    def value_label(self, obj: Value) -> str:
        return number_display(obj.value)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj: Value) -> str:
        label = obj.get_status_display()
        return gettext("%(status)s (correction)") % {"status": label} if obj.correction_of_id else label

    def get_form(self, request: HttpRequest, obj: Value | None = None, **kwargs: object) -> type[ValueAdminForm]:
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    # -- scope ------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Value]:
        # The changelist adds list_select_related only to a queryset without select_related: name them all.
        queryset = super().get_queryset(request).select_related(*self.list_select_related)
        return values_visible_to(request.user, queryset)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Value | None:
        obj = super().get_object(request, object_id, from_field)
        if obj is None and Value.objects.filter(pk=id_param(object_id)).exists():
            raise Http404  # another province's value: not found, rather than a hint that it exists
        return obj

    def formfield_for_foreignkey(self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: object) -> object:
        if db_field.name == "unit":
            kwargs["queryset"] = units_editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Value | None = None) -> bool:
        if obj is None:
            return super().has_change_permission(request)
        return can_change_value(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Value | None = None) -> bool:
        if obj is None:
            return super().has_delete_permission(request)
        return can_delete_value(request.user, obj)

    def history_records(self, request: HttpRequest) -> QuerySet:
        return Value.history.restrict(request.user, "view")

    def delete_model(self, request: HttpRequest, obj: Value) -> None:
        self.delete_queryset(request, Value.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Value]) -> None:
        try:
            values_delete(values=list(queryset), user=request.user, channel=CHANNEL_ADMIN_DELETE)
        except WriteRefused as exc:
            raise PermissionDenied(exc.messages) from exc

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Value], search_term: str
    ) -> tuple[QuerySet[Value], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded:
            # Unit names are matched on the folded search_text, so "dak lak" finds Đắk Lắk.
            results = results | queryset.filter(unit__search_text__contains=folded)
        return results, may_have_duplicates

    # -- saving ------------------------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Value, form: ValueAdminForm, change: bool) -> None:
        if change and form.has_changed():
            obj.import_batch = None  # a hand edit: the import no longer wrote the current figure
        expected = form.cleaned_data.get("expected_version") if change else None
        if hasattr(obj, "_history"):  # simple_history's revert form
            written = value_restore(value=obj, user=request.user, expected_version=expected)
        else:
            written = value_save(value=obj, user=request.user, channel=CHANNEL_FORM, expected_version=expected)
        if written.pk != obj.pk:
            self.message_user(
                request,
                gettext("The published figure stays public until this correction is approved."),
                messages.INFO,
            )

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleValue as exc:
            # Someone saved between this form's checks and its write: nothing of this save was written.
            self.message_user(request, stale_message(exc.changes, exc.by), messages.ERROR)
        except WriteRefused as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        except IntegrityError:
            self.message_user(
                request, gettext("Someone else saved the same figure meanwhile; nothing was saved."), messages.ERROR
            )
        return HttpResponseRedirect(request.get_full_path())

    # -- workflow ----------------------------------------------------------------------------
    def _workflow_report(self, request: HttpRequest, done: int, refused: list, verb: str) -> None:
        if done:
            self.message_user(request, gettext("%(count)s value(s) %(verb)s.") % {"count": done, "verb": verb})
        for refusal in refused[:20]:
            self.message_user(request, refusal.reason, messages.WARNING)

    @admin.action(description=_("Submit the selected drafts for approval"), permissions=["submit"])
    def submit_selected(self, request: HttpRequest, queryset: QuerySet[Value]) -> None:
        done, refused = values_submit(values=list(self._loaded(queryset)), user=request.user, channel="form")
        self._workflow_report(request, done, refused, gettext("submitted"))

    @admin.action(description=_("Approve (publish) the selected submitted values"), permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Value]) -> None:
        done, refused = values_approve(values=list(self._loaded(queryset)), user=request.user, channel="form")
        self._workflow_report(request, done, refused, gettext("approved"))

    @admin.action(description=_("Export the selected values as CSV (including unpublished)"), permissions=["export"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[Value]) -> HttpResponse:
        return values_staff_export(self._loaded(queryset.restrict(request.user, "export")), export_format="csv")

    @admin.action(description=_("Export the selected values as XLSX (including unpublished)"), permissions=["export"])
    def export_selected_xlsx(self, request: HttpRequest, queryset: QuerySet[Value]) -> HttpResponse:
        return values_staff_export(self._loaded(queryset.restrict(request.user, "export")), export_format="xlsx")

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("indicators.submit_value")

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("indicators.approve_value")

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("indicators.export_unpublished_value")

    @staticmethod
    def _loaded(queryset: QuerySet[Value]) -> QuerySet[Value]:
        return queryset.select_related("indicator", "unit__parent", "source", "correction_of")

    def workflow_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Submit, approve or return one value from its change page (POST only)."""
        if request.method != "POST":
            raise PermissionDenied
        value = self.get_object(request, object_id)
        if value is None:
            raise Http404
        action = request.POST.get("_workflow", "")
        needed = {"submit": "indicators.submit_value", "approve": "indicators.approve_value"}.get(action)
        if not request.user.has_perm(needed or "indicators.approve_value"):
            raise PermissionDenied
        if action == "submit":
            done, refused = values_submit(values=[value], user=request.user, channel="form")
            self._workflow_report(request, done, refused, gettext("submitted"))
        elif action == "approve":
            done, refused = values_approve(values=[value], user=request.user, channel="form")
            self._workflow_report(request, done, refused, gettext("approved"))
        elif action == "return":
            comment = request.POST.get("workflow_comment", "")
            problem = value_return(value=value, user=request.user, comment=comment, channel="form")
            self.message_user(
                request,
                problem or gettext("Returned to its editor."),
                messages.WARNING if problem else messages.SUCCESS,
            )
        else:
            raise PermissionDenied
        if Value.objects.filter(pk=value.pk).exists():
            return HttpResponseRedirect(reverse("admin:indicators_value_change", args=[value.pk]))
        return HttpResponseRedirect(reverse("admin:indicators_value_change", args=[value.correction_of_id]))

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Value | None = None,
    ) -> HttpResponse:
        if obj is not None:
            user = request.user
            context["workflow"] = {
                "submit": obj.status == ValueStatus.DRAFT and permits(user, "submit", obj),
                "approve": obj.status == ValueStatus.SUBMITTED and permits(user, "approve", obj),
                "correction": getattr(obj, "correction", None) if obj.status == ValueStatus.APPROVED else None,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("yearsheet/", wrap(self.yearsheet_view), name="indicators_value_yearsheet"),
            path("<path:object_id>/workflow/", wrap(self.workflow_view), name="indicators_value_workflow"),
            *super().get_urls(),
        ]

    # -- year sheet --------------------------------------------------------------------------
    def yearsheet_view(self, request: HttpRequest) -> HttpResponse:
        """Show and save every indicator of one unit for one year (?unit=<id>&year=<year>).

        Staff who may only read (approvers, viewers) see the sheet without its save button;
        the submit and approve buttons act on the sheet's drafts and submissions.
        """
        self._yearsheet_check_access(request)
        may_edit = self.has_add_permission(request) and self.has_change_permission(request)
        choose = YearSheetChooseForm(request.GET or None, admin_site=self.admin_site)
        choose.fields["unit"].queryset = units_editable_by(request.user).select_related("parent")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Year sheet"),
            "choose": choose,
            "may_edit": may_edit,
        }
        if not choose.is_valid():
            context["media"] = self.media + choose.media
            return TemplateResponse(request, "admin/indicators/value/yearsheet.html", context)
        unit, year = choose.cleaned_data["unit"], choose.cleaned_data["year"]
        sheet_url = f"{reverse('admin:indicators_value_yearsheet')}?unit={unit.pk}&year={year}"
        rows = yearsheet_rows(unit=unit, year=year, user=request.user)
        if request.method == "POST" and request.POST.get("_workflow") in ("submit", "approve"):
            return self._yearsheet_workflow(request, rows, request.POST["_workflow"], sheet_url)
        if request.method == "POST" and not may_edit:
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        defaults, formset = self._yearsheet_forms(request, data, rows=rows, unit=unit, year=year)
        if data is not None and (saved := self._yearsheet_save(request, defaults, formset, rows, sheet_url)):
            return saved
        context.update(self._yearsheet_context(request, rows, unit=unit, year=year, defaults=defaults, formset=formset))
        context["media"] = self.media + choose.media + defaults.media
        return TemplateResponse(request, "admin/indicators/value/yearsheet.html", context)

    def _yearsheet_check_access(self, request: HttpRequest) -> None:
        """Refuse staff without the view permission; another province's unit answers 404."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        unit_id = id_param(request.GET.get("unit", ""))
        if (
            unit_scope_q(request.user)  # scoped staff only: national staff see every unit
            and unit_id is not None
            and not units_editable_by(request.user).filter(pk=unit_id).exists()
            and AdministrativeUnit.objects.filter(pk=unit_id).exists()
        ):
            raise Http404  # another province's unit

    def _yearsheet_forms(
        self, request: HttpRequest, data: object, *, rows: list[SheetRow], unit: AdministrativeUnit, year: int
    ) -> tuple[YearSheetDefaultsForm, YearSheetFormSet]:
        """Return the sheet's defaults form (the source for every row) and its row formset, bound to data."""
        source_ids = _source_ids(data, rows)
        sources = Source.objects.in_bulk(source_ids) if source_ids else {}
        defaults = YearSheetDefaultsForm(data, prefix="sheet", sources=sources, admin_site=self.admin_site)
        formset = YearSheetFormSet(
            data,
            prefix="rows",
            rows=rows,
            unit=unit,
            year=year,
            sources=sources,
            admin_site=self.admin_site,
            can_delete_values=self.has_delete_permission(request),
            may_delete_published=is_national_admin(request.user),
            locked_groups=frozenset(group for group, locked_year in locked_pairs() if locked_year == year),
        )
        return defaults, formset

    def _yearsheet_save(
        self,
        request: HttpRequest,
        defaults: YearSheetDefaultsForm,
        formset: YearSheetFormSet,
        rows: list[SheetRow],
        sheet_url: str,
    ) -> HttpResponse | None:
        """Save the posted sheet through the write gate; return the redirect, or None with the errors shown."""
        defaults_valid = defaults.is_valid()
        formset.default_source = defaults.cleaned_data.get("source") if defaults_valid else None
        if not (formset.is_valid() and defaults_valid):
            return None
        try:
            sheet = formset.row_kwargs
            counts = yearsheet_save(
                unit=sheet["unit"], year=sheet["year"], entries=formset.entries(), user=request.user
            )
        except IntegrityError:
            # Someone else saved a figure of this sheet since it was opened; nothing was written.
            formset.non_form_errors().append(
                gettext("This sheet was changed by someone else meanwhile; nothing was saved. Reload it.")
            )
        except StaleValue as exc:
            formset.non_form_errors().append(f"{exc.value}: {stale_message(exc.changes, exc.by)}")
        except WriteRefused as exc:
            _sheet_refusal(formset, rows, exc)
        else:
            self.message_user(request, _saved_message(counts), messages.SUCCESS)
            if "_save_submit" in request.POST and request.user.has_perm("indicators.submit_value"):
                # "Save and submit": the saved sheet's drafts go for approval in the same click.
                fresh = yearsheet_rows(unit=sheet["unit"], year=sheet["year"], user=request.user)
                return self._yearsheet_workflow(request, fresh, "submit", sheet_url)
            return HttpResponseRedirect(sheet_url)
        return None

    @staticmethod
    def _yearsheet_context(
        request: HttpRequest,
        rows: list[SheetRow],
        *,
        unit: AdministrativeUnit,
        year: int,
        defaults: YearSheetDefaultsForm,
        formset: YearSheetFormSet,
    ) -> dict:
        """Return what the sheet's template shows beyond the chooser: the rows by group and the buttons."""
        statuses = [row.existing.status for row in rows if row.existing is not None]
        user = request.user
        return {
            "unit": unit,
            "year": year,
            "in_force": unit.in_force_in_year(year),
            "defaults": defaults,
            "formset": formset,
            "locked_groups": formset.row_kwargs["locked_groups"],
            "may_submit": ValueStatus.DRAFT in statuses and user.has_perm("indicators.submit_value"),
            "may_save_submit": user.has_perm("indicators.add_value")
            and user.has_perm("indicators.change_value")
            and user.has_perm("indicators.submit_value"),
            "may_approve": ValueStatus.SUBMITTED in statuses and user.has_perm("indicators.approve_value"),
            "groups": [
                (label, [_sheet_line(formset.forms[i], rows[i]) for i in pos]) for label, pos in rows_by_group(rows)
            ],
        }

    def _yearsheet_workflow(
        self, request: HttpRequest, rows: list[SheetRow], action: str, sheet_url: str
    ) -> HttpResponse:
        values = [row.existing for row in rows if row.existing is not None]
        if action == "submit":
            values = [v for v in values if v.status == ValueStatus.DRAFT]
            done, refused = values_submit(values=values, user=request.user, channel="year sheet")
            self._workflow_report(request, done, refused, gettext("submitted"))
        else:
            values = [v for v in values if v.status == ValueStatus.SUBMITTED]
            done, refused = values_approve(values=values, user=request.user, channel="year sheet")
            self._workflow_report(request, done, refused, gettext("approved"))
        if not done and not refused:
            self.message_user(request, gettext("Nothing to do on this sheet."), messages.WARNING)
        return HttpResponseRedirect(sheet_url)


def _sheet_refusal(formset: object, rows: list[SheetRow], refused: WriteRefused) -> None:
    """Show the write service's refusal of a year sheet at the lines it names (rows are indicator codes)."""
    forms_by_code = {row.indicator.code: form for row, form in zip(rows, formset.forms, strict=True)}
    formset.non_form_errors().append(gettext("Nothing was saved: correct the rows marked below."))
    for error in refused.errors:
        form = forms_by_code.get(str(error.row))
        if form is None:
            formset.non_form_errors().append(str(error))
        else:
            form.add_error(error.field if error.field in ("value", "rank") else None, error.message)


def _source_ids(data: object, rows: list) -> set[int]:
    """Return the ids of every source the sheet may show: stored ones and those in the posted form."""
    ids = {row.existing.source_id for row in rows if row.existing is not None}
    if data is not None:
        keys = ["sheet-source", *(f"rows-{i}-source" for i in range(len(rows)))]
        ids |= {pk for k in keys if (pk := id_param(data.get(k))) is not None}
    return ids


def _sheet_line(form: object, row: SheetRow) -> dict[str, object]:
    """Return what the template shows for one line, with numbers written the active language's way."""
    indicator, stored = row.indicator, row.existing
    current = ""
    if stored is not None:
        parts = [number_display(stored.value) if stored.value is not None else "—"]
        if stored.rank is not None:
            basis = f" ({stored.get_rank_basis_display()})" if stored.rank_basis else ""
            parts.append(gettext("rank %(rank)s%(basis)s") % {"rank": stored.rank, "basis": basis})
        parts.append(stored.get_qualifier_display())
        current = " · ".join(parts)
    low, high = number_display(indicator.min_value), number_display(indicator.max_value)
    return {"form": form, "row": row, "current": current, "range": f"{low or '…'} – {high or '…'}"}


def _saved_message(counts: dict[str, int]) -> str:
    return gettext("Year sheet saved: %(created)s created, %(updated)s updated, %(deleted)s deleted.") % {
        "created": counts.get("created", 0),
        "updated": counts.get("updated", 0),
        "deleted": counts.get("deleted", 0),
    }


@admin.register(DisputedFigure)
class DisputedFigureAdmin(SimpleHistoryAdmin):
    list_display = ("value", "figure", "rank", "source")
    list_select_related = ("value__indicator", "value__unit", "source")
    raw_id_fields = ("value",)
    autocomplete_fields = ("source",)
    search_fields = ("value__unit__name", "value__indicator__code", "source__title")


@admin.register(YearLock)
class YearLockAdmin(RestorableHistoryAdmin):
    """Lock a year of an indicator group (national administrators); deleting the lock unlocks it."""

    list_display = ("group", "year_label", "locked_by", "locked_at", "note")
    list_filter = ("group",)
    fields = ("group", "year", "note")

    @admin.display(description=_("year"), ordering="year")
    def year_label(self, obj: YearLock) -> str:
        return str(obj.year)

    def save_model(self, request: HttpRequest, obj: YearLock, form: object, change: bool) -> None:
        if not change:
            obj.locked_by = request.user
        obj._change_reason = "lock" if not change else "form"
        super().save_model(request, obj, form, change)

    def delete_model(self, request: HttpRequest, obj: YearLock) -> None:
        obj._change_reason = "unlock"
        super().delete_model(request, obj)
