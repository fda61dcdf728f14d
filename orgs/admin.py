from django.contrib import admin

from . import models


@admin.register(models.SocialOrganisation)
class SocialOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "field", "route", "status", "street", "applied_on", "decision_due_on", "is_overdue"]
    list_filter = ["status", "kind", "field", "route", "is_overdue"]
    search_fields = ["name", "registration_number", "legal_representative"]
    raw_id_fields = ["street", "community"]
    readonly_fields = ["route", "area_code", "decision_due_on", "is_overdue", "overdue_flagged_at"]
    list_select_related = ["street"]


class TenancyInline(admin.TabularInline):
    model = models.Tenancy
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(models.IncubationSite)
class IncubationSiteAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "area_m2", "street"]
    inlines = [TenancyInline]
    raw_id_fields = ["street"]


@admin.register(models.IncubationService)
class IncubationServiceAdmin(admin.ModelAdmin):
    list_display = ["organisation", "site", "kind", "provided_on", "hours"]
    list_filter = ["kind", "site"]
    raw_id_fields = ["organisation"]


@admin.register(models.CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "active"]
    list_filter = ["field", "active"]


class ProjectMilestoneInline(admin.TabularInline):
    model = models.ProjectMilestone
    extra = 0


@admin.register(models.PurchaseProject)
class PurchaseProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "year", "budget", "provider", "status", "assessment_grade"]
    list_filter = ["year", "status", "item__field", "assessment_grade"]
    search_fields = ["code", "title", "provider__name"]
    raw_id_fields = ["provider", "street", "item"]
    readonly_fields = ["area_code"]
    inlines = [ProjectMilestoneInline]


@admin.register(models.Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "organisation", "amount"]
    list_filter = ["year", "title"]
    raw_id_fields = ["organisation"]


@admin.register(models.Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["organisation", "channel", "received_at", "status", "finding", "measure"]
    list_filter = ["status", "channel", "finding", "measure"]
    raw_id_fields = ["organisation", "handled_by"]


@admin.register(models.FundBudget)
class FundBudgetAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "amount"]
    list_filter = ["programme"]


@admin.register(models.OrganisationMember)
class OrganisationMemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organisation", "user"]
    search_fields = ["full_name", "organisation__name", "user__username"]
    raw_id_fields = ["organisation", "user"]


@admin.register(models.FundCall)
class FundCallAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "opens_on", "closes_on", "budget_share"]
    list_filter = ["year"]


class FundMilestoneInline(admin.TabularInline):
    model = models.FundMilestone
    extra = 0
    readonly_fields = ["status", "reported_on", "released_on"]


class FundReviewInline(admin.TabularInline):
    model = models.FundReview
    extra = 0
    raw_id_fields = ["reviewer"]


@admin.register(models.FundApplication)
class FundApplicationAdmin(admin.ModelAdmin):
    """Read and correct; the steps (and the budget check of an award) are taken on the pages or the API."""

    list_display = ["title", "call", "organisation", "community_grid", "amount_requested", "awarded_amount", "status"]
    list_filter = ["status", "category", "call__year"]
    search_fields = ["title", "organisation__name", "community_grid__name"]
    raw_id_fields = ["organisation", "community_grid", "call", "created_by"]
    readonly_fields = ["area_code", "status", "awarded_amount", "average_score", "decided_on"]
    list_select_related = ["call", "organisation", "community_grid"]
    inlines = [FundMilestoneInline, FundReviewInline]
