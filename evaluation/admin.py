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
