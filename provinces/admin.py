"""Admin for administrative units.

One admin for the single AdministrativeUnit table rather than one per proxy (Province, District,
Commune): other admins point their ``autocomplete_fields`` at the concrete model (Value.unit),
which Django only allows if that model is registered with ``search_fields``; the level filter
gives the per-level lists that the proxies would.

Units are official reference data loaded from provinces/data by ``loadunits``, which resets every
field from the files, so the admin only shows them: an edit here would be silently undone by the
next load. Change a name or add an alias in the data files instead.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from config.params import digits_param, id_param
from provinces.models import REORGANISATION_DATE, AdministrativeUnit


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
        (None, {"fields": ("level", "code", "unit_type", "name", "short_name", "aliases")}),
        (_("Place and validity"), {"fields": ("region", "parent", "valid_from", "valid_to")}),
        (_("Reorganisation"), {"fields": ("predecessor_list", "successor_list")}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> bool:
        return False

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
