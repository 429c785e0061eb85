"""Admin for administrative units.

One admin for the single AdministrativeUnit table rather than one per proxy (Province, District,
Commune): other admins point their ``autocomplete_fields`` at the concrete model (Value.unit),
which Django only allows if that model is registered with ``search_fields``; the level filter
gives the per-level lists that the proxies would.

Units are official reference data loaded from provinces/data by ``loadunits``, which resets every
field from the files, so the admin only shows them: an edit here would be silently undone by the
next load. Change a name or add an alias in the data files instead.

Two kinds of unit are entered here instead, because no file holds them (docs/appraisal.md):
agencies (ministries, and a province's departments) and historical units missing from the GSO files
(a commune merged before 2025), with their validity and successors. ``loadunits`` never touches
either. A province's staff may add and change only departments of their province; the other kinds
need a user who works on every province. A GSO unit from the files stays read-only.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.params import digits_param, id_param
from provinces.models import AGENCY_LEVELS, REORGANISATION_DATE, AdministrativeUnit, Level


class InForceFilter(admin.SimpleListFilter):
    """Filter units by the structure they belong to: in force today, before or from 1 July 2025."""

    title = _("in force")
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            ("today", _("today")),
            ("before", _("before 1 July 2025 (63 provinces)")),
            ("from", _("from 1 July 2025 (34 provinces)")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        day = {
            "today": timezone.localdate(),
            "before": REORGANISATION_DATE - datetime.timedelta(days=1),
            "from": REORGANISATION_DATE,
        }.get(self.value() or "")
        return queryset.in_force_on(day) if day else queryset


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "short_name_sorted", "level", "unit_type", "region", "parent", "validity")
    list_display_links = ("code", "short_name_sorted")
    list_filter = ("level", "unit_type", "region", InForceFilter)
    list_select_related = ("parent",)
    # Used by other admins' autocomplete_fields too; get_search_results below makes it diacritic-insensitive.
    search_fields = ("search_text", "code")
    search_help_text = _("Name, official name or alias, with or without diacritics; or a GSO code.")
    ordering = ("sort_key", "code")
    show_facets = admin.ShowFacets.NEVER  # facet counts would add a query per filter
    fieldsets = (
        (None, {"fields": ("level", "code", "unit_type", "name", "short_name", "name_en", "aliases")}),
        (_("Place and validity"), {"fields": ("region", "parent", "valid_from", "valid_to")}),
        (_("Reorganisation"), {"fields": ("predecessor_list", "successors", "successor_list")}),
    )
    readonly_fields = ("predecessor_list", "successor_list")
    autocomplete_fields = ("parent", "successors")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("provinces.add_administrativeunit")

    def has_change_permission(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> bool:
        """Only units entered by hand (agencies, historical units) change here, within the user's scope."""
        if not request.user.has_perm("provinces.change_administrativeunit"):
            return False
        if obj is None:
            return True
        # loadunits writes in bulk, without history: a creation record means the unit was entered here.
        if not hasattr(obj, "_entered_by_hand"):
            obj._entered_by_hand = obj.level in AGENCY_LEVELS or obj.history.filter(history_type="+").exists()
        entered_by_hand = obj._entered_by_hand
        return (
            entered_by_hand
            and (_works_everywhere(request.user) or obj.level == Level.DEPARTMENT)
            and (AdministrativeUnit.objects.in_scope_of(request.user).filter(pk=obj.pk).exists())
        )

    def get_form(self, request: HttpRequest, obj: AdministrativeUnit | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("ScopedUnitForm", (HandEnteredUnitForm, form), {"user": request.user})

    def has_delete_permission(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("parent")

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        if id_param(object_id) is None:
            raise Http404  # django-simple-history would query the text as an id
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if id_param(object_id) is None or id_param(version_id) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Match the folded name text (so "dak lak" finds Đắk Lắk) or the start of a GSO code.

        An autocomplete for entering values (the value form, the year sheet) offers only the units
        of the user's province scope.
        """
        if request.GET.get("app_label") == "indicators" and request.GET.get("field_name") == "unit":
            queryset = queryset.in_scope_of(request.user)  # the scope hook of provinces.scope
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = queryset.search(term)
        if digits_param(term, max_length=5):
            matches = matches | queryset.filter(code__startswith=term)
        return matches, False

    @admin.display(description=_("name"), ordering="sort_key")
    def short_name_sorted(self, unit: AdministrativeUnit) -> str:
        return unit.short_name

    @admin.display(description=_("in force"))
    def validity(self, unit: AdministrativeUnit) -> str:
        return unit.validity_label

    @admin.display(description=_("predecessors"))
    def predecessor_list(self, unit: AdministrativeUnit) -> SafeString:
        return self._unit_links(unit.predecessors.order_by("sort_key", "code"))

    @admin.display(description=_("successors"))
    def successor_list(self, unit: AdministrativeUnit) -> SafeString:
        return self._unit_links(unit.successors.order_by("sort_key", "code"))

    @staticmethod
    def _unit_links(units: QuerySet) -> SafeString:
        links = format_html_join(
            ", ",
            '<a href="{}">{} ({} {})</a>',
            (
                (
                    reverse("admin:provinces_administrativeunit_change", args=[u.pk]),
                    u.short_name,
                    u.code,
                    u.validity_label,
                )
                for u in units
            ),
        )
        return links or format_html("{}", "—")


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, naming each administrative unit by its label, level and parent.

    Old and new units share names ("Quảng Ninh" until and from 1 July 2025, "Hạ Long" as a city and as a
    ward): the bare name would offer identical choices. Every other model keeps its ``str()``. Served at the
    admin's own autocomplete address (config/urls.py), so every autocomplete field uses it.
    """

    def serialize_result(self, obj: Model, to_field_name: str) -> dict:
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, AdministrativeUnit):
            result["text"] = unit_choice_label(obj)
        return result

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if queryset.model is AdministrativeUnit:
            queryset = queryset.select_related("parent")
        return queryset


def unit_choice_label(unit: AdministrativeUnit) -> str:
    """Return "Hạ Long (đến 30/06/2025) · huyện/thành phố · Quảng Ninh": a unit told apart from its namesakes."""
    parts = [unit.label, str(unit.get_unit_type_display() or unit.get_level_display())]
    if unit.parent_id and unit.parent is not None:
        parts.append(unit.parent.short_name)
    return " · ".join(parts)


def _works_everywhere(user: object) -> bool:
    return bool(user.is_superuser or user.has_perm("accounts.all_provinces"))


class HandEnteredUnitForm(forms.ModelForm):
    """The rules of a unit entered by hand: a department sits under a province of the user's scope."""

    user: object = None

    def clean(self) -> dict:
        cleaned = super().clean()
        level, parent = cleaned.get("level"), cleaned.get("parent")
        if level == Level.DEPARTMENT and (parent is None or parent.level != Level.PROVINCE):
            self.add_error("parent", _("A department's parent is its province."))
        if level == Level.MINISTRY and parent is not None:
            self.add_error("parent", _("A ministry has no parent unit."))
        if not _works_everywhere(self.user):
            if level != Level.DEPARTMENT:
                self.add_error("level", _("You may enter departments of your province only."))
            elif (
                parent is not None
                and not AdministrativeUnit.objects.in_scope_of(self.user).filter(pk=parent.pk).exists()
            ):
                self.add_error("parent", _("You may enter departments of your province only."))
        for successor in cleaned.get("successors") or []:
            if successor.level != level:
                raise ValidationError({"successors": _("A successor is a unit of the same level.")})
        return cleaned
