from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from core.admin import ReadOnlyAdmin

from . import selectors
from .models import (
    Community,
    Department,
    DepartmentUserObjectPermission,
    Grid,
    GridUserObjectPermission,
    ServiceStation,
    StaffProfile,
    StationUserObjectPermission,
    StreetUnit,
)

admin.site.site_header = _("Haidian Grid Governance Platform")
admin.site.site_title = _("Haidian Grid Governance Platform")


@admin.register(Grid)
class GridAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "area_km2"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "community"]
    list_select_related = ["parent"]


class ServiceStationInline(admin.StackedInline):
    model = ServiceStation
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "street", "is_compound", "is_old_neighbourhood"]
    list_filter = ["kind", "is_compound", "is_old_neighbourhood", "street"]
    search_fields = ["code", "name"]
    list_select_related = ["street"]
    inlines = [ServiceStationInline]


@admin.register(ServiceStation)
class ServiceStationAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "office_area_m2", "full_time_staff"]
    search_fields = ["name", "community__name"]
    list_select_related = ["community"]


class StreetUnitInline(admin.TabularInline):
    model = StreetUnit
    extra = 0
    raw_id_fields = ["street"]


@admin.register(Department)
class DepartmentAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "short_name", "station_name"]
    inlines = [StreetUnitInline]


@admin.register(StreetUnit)
class StreetUnitAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "kind", "department", "section", "street", "management_mode", "in_service"]
    list_filter = ["kind", "in_service", "section", "department", "management_mode"]
    search_fields = ["code", "name"]
    list_select_related = ["department", "street"]
    readonly_fields = ["team_members"]

    @admin.display(description=_("Team members (from the street's stations)"))
    def team_members(self, unit) -> str:
        """A joint enforcement team's members and the station each comes from; they are enlisted through the object
        permissions (serve_station) or ``grids.services.team_enlist``."""
        if unit.pk is None or unit.kind != StreetUnit.Kind.TEAM:
            return "—"
        return "、".join(f"{u.staff_profile.full_name}（{u.staff_profile.station.name}）"
                        for u in selectors.team_members(unit)) or "—"


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "user", "role", "post", "force_group", "home_grid", "department", "listed_publicly"]
    list_filter = ["role", "post", "force_group", "listed_publicly", "department"]
    search_fields = ["full_name", "user__username", "phone", "home_grid__code"]
    raw_id_fields = ["user", "home_grid", "station"]
    list_select_related = ["user", "home_grid", "department"]


class GrantHistoryAdmin(ReadOnlyAdmin):
    """Who was given or lost which scope, when, and by whom (recorded by django-simple-history)."""

    list_display = ["history_date", "history_type", "user", "content_object", "permission", "history_user"]
    list_filter = ["history_type"]
    search_fields = ["user__username"]
    date_hierarchy = "history_date"


for grant in (GridUserObjectPermission, DepartmentUserObjectPermission, StationUserObjectPermission):
    admin.site.register(grant.history.model, GrantHistoryAdmin)
