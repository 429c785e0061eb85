"""Admin for the appraisal's set-up: criteria sets, campaigns with their council, reporter accounts.

The daily work (self-assessment, appraisal, returns, finalisation) happens in the /appraisal/ workspace,
whose services hold the rules; scores are therefore read-only here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appraisal.access import sets_administered_by
from appraisal.models import Appraiser, Assessment, BodyAccount, Campaign, CriteriaSet, Criterion


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ("code", "level", "name_vi", "max_score", "kind", "evidence_required", "indicator")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "year", "body_group", "assessor", "total_max", "partial")
    list_filter = ("year", "body_group", "partial")
    search_fields = ("name",)
    autocomplete_fields = ("assessor",)
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=sets_administered_by(request.user).values("pk"))


class AppraiserInline(admin.TabularInline):
    model = Appraiser
    extra = 1
    autocomplete_fields = ("user", "bodies")
    filter_horizontal = ("areas",)


class AssessmentInline(admin.TabularInline):
    model = Assessment
    fields = ("body", "status", "submitted_at")
    readonly_fields = ("status", "submitted_at")
    autocomplete_fields = ("body",)
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ("name", "year", "criteria_set", "status", "self_assessment_closes", "appraisal_closes", "chair")
    list_filter = ("status", "year")
    list_select_related = ("criteria_set", "chair")
    readonly_fields = ("status", "finalised_at", "published_at")
    autocomplete_fields = ("chair",)
    inlines = [AssessmentInline, AppraiserInline]

    def get_queryset(self, request):
        # An administrator sees the campaigns of the sets they administer (their province's).
        return super().get_queryset(request).filter(criteria_set__in=sets_administered_by(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criteria_set":
            kwargs["queryset"] = sets_administered_by(request.user).filter(partial=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(BodyAccount)
class BodyAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "body")
    list_select_related = ("user", "body")
    autocomplete_fields = ("user", "body")
