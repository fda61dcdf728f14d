from django.contrib import admin

from . import models


@admin.register(models.PatrolPlan)
class PatrolPlanAdmin(admin.ModelAdmin):
    list_display = ["grid", "times", "every_days", "active", "updated_at"]
    list_filter = ["active", "every_days"]
    search_fields = ["grid__code", "grid__name"]
    raw_id_fields = ["grid", "updated_by"]
    list_select_related = ["grid"]


@admin.register(models.PatrolPoint)
class PatrolPointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "grid", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "grid__code", "grid__name"]
    raw_id_fields = ["grid"]
    list_select_related = ["grid"]


class CheckInInline(admin.TabularInline):
    model = models.CheckIn
    extra = 0
    can_delete = False
    fields = ["at", "point", "lat", "lng", "distance_m", "outside_grid", "too_far", "note"]
    readonly_fields = fields


@admin.register(models.Patrol)
class PatrolAdmin(admin.ModelAdmin):
    list_display = ["grid", "patroller", "status", "started_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["grid__code", "grid__name", "patroller__username"]
    raw_id_fields = ["grid", "patroller"]
    list_select_related = ["grid", "patroller"]
    inlines = [CheckInInline]
