"""Admin: criteria are edited here; everything else is read-only (rules are versioned, results frozen,
sheets submitted through the pages and the API)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from . import models


@admin.register(models.Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ["flow", "position", "code", "name", "weight", "active"]
    list_filter = ["flow", "active"]
    list_editable = ["weight", "active"]


@admin.register(models.Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]


@admin.register(models.Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["period", "status", "opened_at", "deadline"]


@admin.register(models.ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = ["round", "flow", "evaluator_name", "evaluatee_name", "status", "total", "submitted_at"]
    list_filter = ["flow", "status", "round"]
    search_fields = ["evaluator_code", "evaluatee_code", "evaluator_name", "evaluatee_name"]
    exclude = ["token"]


@admin.register(models.ScoringRule, models.BonusRule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ["version", "note", "created_at", "created_by"]


@admin.register(models.SurveyImport)
class SurveyImportAdmin(ReadOnlyAdmin):
    list_display = ["period", "file_name", "row_count", "imported_at", "imported_by"]


@admin.register(models.ResultRun)
class ResultRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "id", "status", "rule", "as_of", "computed_at", "published_at"]
    list_filter = ["status", "period"]


@admin.register(models.BonusRun)
class BonusRunAdmin(ReadOnlyAdmin):
    list_display = ["period", "id", "rule", "workers", "total", "computed_at"]


@admin.register(models.WorkerAssessment)
class WorkerAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["period", "staff", "score", "assessed_by", "assessed_at"]
    list_filter = ["period"]


class RepresentativeInline(admin.TabularInline):
    model = models.Representative
    extra = 0


@admin.register(models.SupervisionCommittee)
class SupervisionCommitteeAdmin(admin.ModelAdmin):
    """Committees and their representatives are kept here too (the street's page does the same)."""

    list_display = ["name", "grid", "formed_on"]
    search_fields = ["name", "grid__code", "grid__name"]
    raw_id_fields = ["grid"]
    readonly_fields = ["created_by"]
    inlines = [RepresentativeInline]


class SupervisionQuestionInline(admin.TabularInline):
    model = models.SupervisionQuestion
    extra = 0
    can_delete = False
    fields = readonly_fields = ["unit_name", "text", "status", "asked_at", "answer", "answered_at", "answered_by"]

    def has_add_permission(self, request, obj=None):
        return False


class SupervisionRatingInline(admin.TabularInline):
    model = models.SupervisionRating
    extra = 0
    can_delete = False
    fields = readonly_fields = ["unit_name", "score", "comment", "rated_at", "rated_by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.SupervisionRound)
class SupervisionRoundAdmin(ReadOnlyAdmin):
    """Rounds are recorded through the pages and the API (the workflow and the one-rating rule); read here."""

    list_display = ["committee", "period", "status", "opened_at", "closed_at"]
    list_filter = ["status", "period"]
    search_fields = ["committee__name", "committee__grid__code"]
    inlines = [SupervisionQuestionInline, SupervisionRatingInline]
