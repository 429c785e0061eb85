"""Admin for the indicator catalogue, sources and values."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators import admin_imports  # noqa: F401  (the import upload pages)
from indicators.forms import (
    ValueAdminForm,
    YearSheetChooseForm,
    YearSheetDefaultsForm,
    YearSheetFormSet,
    number_display,
)
from indicators.models import Indicator, SeriesBreak, Source, Value
from indicators.yearsheet import SheetRow, rows_by_group, yearsheet_rows, yearsheet_save
from provinces.models import AdministrativeUnit, Level
from provinces.text import fold


class SeriesBreakInline(admin.TabularInline):
    model = SeriesBreak
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
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
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "published_on", "url", "value_count")
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
            AdministrativeUnit.objects.filter(level=Level.PROVINCE)
            .vietnamese_order()
            .only("pk", "short_name", "valid_from", "valid_to")
        )
        # Both structures hold a "Bắc Ninh": the validity period tells them apart.
        return [
            (str(p.pk), f"{p.short_name} ({p.validity_label})" if p.valid_from or p.valid_to else p.short_name)
            for p in provinces
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Value]) -> QuerySet[Value]:
        if not self.value() or not self.value().isdigit():
            return queryset
        pk = int(self.value())
        return queryset.filter(Q(unit_id=pk) | Q(unit__parent_id=pk) | Q(unit__parent__parent_id=pk))


@admin.register(Value)
class ValueAdmin(admin.ModelAdmin):
    form = ValueAdminForm
    list_display = (
        "indicator",
        "unit",
        "year_label",
        "value_label",
        "rank",
        "rank_basis",
        "qualifier",
        "source",
        "updated_by",
        "updated_at",
    )
    list_filter = (
        "indicator",
        ("indicator__group", admin.ChoicesFieldListFilter),
        "year",
        ("unit__level", admin.ChoicesFieldListFilter),
        ProvinceFilter,
    )
    list_select_related = ("indicator", "unit", "source", "updated_by")
    search_fields = ("indicator__code", "unit__code")
    search_help_text = _("Unit name (with or without diacritics), unit code or indicator code.")
    autocomplete_fields = ("indicator", "unit", "source")
    readonly_fields = ("created_by", "created_at", "updated_by", "updated_at", "import_batch")
    fieldsets = (
        (None, {"fields": ("indicator", "unit", "year")}),
        (_("Figure"), {"fields": ("value", "rank", "rank_basis", "qualifier")}),
        (_("Source"), {"fields": ("source", "note")}),
        (_("History"), {"fields": readonly_fields}),
    )

    @admin.display(description=_("year"), ordering="year")
    def year_label(self, obj: Value) -> str:
        return str(obj.year)  # not "2.023": USE_THOUSAND_SEPARATOR would group a year like a number

    @admin.display(description=_("value"), ordering="value")
    def value_label(self, obj: Value) -> str:
        return number_display(obj.value)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Value], search_term: str
    ) -> tuple[QuerySet[Value], bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if folded:
            # Unit names are matched on the folded search_text, so "dak lak" finds Đắk Lắk.
            results = results | queryset.filter(unit__search_text__contains=folded)
        return results, may_have_duplicates

    def save_model(self, request: HttpRequest, obj: Value, form: ValueAdminForm, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if change and form.has_changed():
            obj.import_batch = None  # a hand edit: the import no longer wrote the current figure
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        sheet = path("yearsheet/", self.admin_site.admin_view(self.yearsheet_view), name="indicators_value_yearsheet")
        return [sheet, *super().get_urls()]

    def yearsheet_view(self, request: HttpRequest) -> HttpResponse:
        """Show and save every indicator of one unit for one year (?unit=<id>&year=<year>)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Year sheet"),
            "choose": YearSheetChooseForm(request.GET or None, admin_site=self.admin_site),
        }
        if not context["choose"].is_valid():
            context["media"] = self.media + context["choose"].media
            return TemplateResponse(request, "admin/indicators/value/yearsheet.html", context)
        unit, year = context["choose"].cleaned_data["unit"], context["choose"].cleaned_data["year"]
        rows = yearsheet_rows(unit=unit, year=year)
        data = request.POST if request.method == "POST" else None
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
        )
        if data is not None:
            defaults_valid = defaults.is_valid()
            formset.default_source = defaults.cleaned_data.get("source") if defaults_valid else None
            if formset.is_valid() and defaults_valid:
                try:
                    counts = yearsheet_save(unit=unit, year=year, entries=formset.entries(), user=request.user)
                except IntegrityError:
                    # Someone else saved a figure of this sheet since it was opened; nothing was written.
                    formset.non_form_errors().append(
                        gettext("This sheet was changed by someone else meanwhile; nothing was saved. Reload it.")
                    )
                else:
                    self.message_user(request, _saved_message(counts), messages.SUCCESS)
                    return HttpResponseRedirect(
                        f"{reverse('admin:indicators_value_yearsheet')}?unit={unit.pk}&year={year}"
                    )
        context.update(
            unit=unit,
            year=year,
            in_force=unit.in_force_in_year(year),
            defaults=defaults,
            formset=formset,
            groups=[
                (label, [_sheet_line(formset.forms[i], rows[i]) for i in pos]) for label, pos in rows_by_group(rows)
            ],
            media=self.media + context["choose"].media + defaults.media,
        )
        return TemplateResponse(request, "admin/indicators/value/yearsheet.html", context)


def _source_ids(data: object, rows: list) -> set[int]:
    """Return the ids of every source the sheet may show: stored ones and those in the posted form."""
    ids = {row.existing.source_id for row in rows if row.existing is not None}
    if data is not None:
        keys = ["sheet-source", *(f"rows-{i}-source" for i in range(len(rows)))]
        ids |= {int(data[k]) for k in keys if str(data.get(k, "")).isdigit() and len(data[k]) < 18}
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
