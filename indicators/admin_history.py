"""The searchable change log: every recorded change of values, sources, indicators and locks.

Each object's own history (with restore for national administrators) is on its change page;
these lists search across objects: by user, change reason (the channel: form, year sheet or
import file name), indicator code, unit name or code, and date.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Source, Value, YearLock

HistoricalValue = Value.history.model


class ReadOnlyLog(admin.ModelAdmin):
    list_display = ("history_date", "history_type", "history_user", "history_change_reason")
    list_filter = ("history_type",)
    list_select_related = ("history_user",)
    date_hierarchy = "history_date"
    search_fields = ("history_user__username", "history_change_reason")
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> object:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404  # out of scope or never recorded: not found, rather than a redirect hinting at it
        return obj

    @admin.display(description=_("year"), ordering="year")
    def year_label(self, obj: object) -> str:
        return str(obj.year)  # not "2.023": USE_THOUSAND_SEPARATOR would group a year like a number


@admin.register(HistoricalValue)
class ValueLogAdmin(ReadOnlyLog):
    list_display = (
        "history_date",
        "history_type",
        "history_user",
        "history_change_reason",
        "indicator",
        "unit",
        "year_label",
        "value",
        "rank",
        "status",
        "version",
    )
    list_filter = ("history_type", "status", "year")
    list_select_related = ("history_user", "indicator", "unit")
    search_fields = (
        "history_user__username",
        "history_change_reason",
        "indicator__code",
        "unit__search_text",
        "unit__code",
    )
    search_help_text = _("User, channel (form, year sheet, file name), indicator code, unit name or code.")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A province's staff read the history of their own province's values only.
        records = Value.history.restrict(request.user, "view")
        ordering = self.get_ordering(request)
        return records.order_by(*ordering) if ordering else records


@admin.register(Source.history.model)
class SourceLogAdmin(ReadOnlyLog):
    list_display = (*ReadOnlyLog.list_display, "title", "url")
    search_fields = (*ReadOnlyLog.search_fields, "title", "url")


@admin.register(Indicator.history.model)
class IndicatorLogAdmin(ReadOnlyLog):
    list_display = (*ReadOnlyLog.list_display, "code", "name_vi")
    search_fields = (*ReadOnlyLog.search_fields, "code", "name_vi", "name_en")


@admin.register(YearLock.history.model)
class YearLockLogAdmin(ReadOnlyLog):
    list_display = (*ReadOnlyLog.list_display, "group", "year_label")
    list_filter = ("history_type", "group")
