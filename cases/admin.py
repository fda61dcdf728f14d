from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
from core.scoping import scope_of

from .models import Case, CaseEvent, CaseExport, Category, Open311Client, ReplyTemplate, Route, department_of


class RouteInline(admin.TabularInline):
    model = Route
    fields = ["tier", "rank", "target", "department", "section"]
    extra = 0


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "parent", "default_tier", "department", "handle_hours",
                    "urgent_handle_hours", "must_report_item", "active", "open_to_residents"]
    list_filter = ["kind", "default_tier", "department", "active", "open_to_residents"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "department"]
    inlines = [RouteInline]


@admin.register(Route)
class RouteAdmin(SimpleHistoryAdmin):
    """The routing table; each line's history (who changed what, when) is under its "History" button."""

    list_display = ["category", "tier", "rank", "target", "department", "section"]
    list_filter = ["tier", "target", "section", "department"]
    search_fields = ["category__code", "category__name"]
    list_select_related = ["category", "department"]
    history_list_display = ["target", "department", "section", "rank"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["seq", "action", "actor_label", "from_status", "to_status", "from_tier", "to_tier", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "status", "tier", "light", "grid", "category", "created_at"]
    list_filter = ["status", "tier", "light", "source", "urgency"]
    search_fields = ["number", "title"]
    raw_id_fields = ["grid", "street", "category", "reporter", "assignee", "department", "station", "merged_into"]
    list_select_related = ["grid", "category"]
    show_full_result_count = False
    inlines = [CaseEventInline]


@admin.register(CaseExport)
class CaseExportAdmin(ReadOnlyAdmin):
    """The background exports, to see what failed and how long they take. The files are their requesters' alone:
    the admin shows no link to them."""

    list_display = ["id", "requested_by", "format", "state", "rows_written", "rows_total", "created_at",
                    "finished_at", "error"]
    list_filter = ["state", "format"]
    fields = ["requested_by", "format", "query", "language", "state", "rows_total", "rows_written", "error",
              "created_at", "started_at", "finished_at"]
    list_select_related = ["requested_by"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "active", "created_at"]
    fields = ["name", "key_prefix", "active"]
    readonly_fields = ["name", "key_prefix"]

    def has_add_permission(self, request):
        return False  # keys are issued with `manage.py create_open311_key NAME`, which prints them once


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """Each department keeps its own reply templates: its staff (with the model permissions and an admin login) see
    and change only their department's, and what they add is their department's. The district-wide ones (no
    department) are the district's and superusers' to keep."""

    list_display = ["title", "action", "department", "rank", "active"]
    list_editable = ["rank", "active"]
    search_fields = ["title", "text"]
    ordering = ["department", "action", "rank"]

    @staticmethod
    def _district(request) -> bool:
        return scope_of(request.user).everywhere

    def get_queryset(self, request):
        return ReplyTemplate.objects.visible_to(request.user, "change").select_related("department")

    def get_list_filter(self, request):
        return ["action", "active", "department"] if self._district(request) else ["action", "active"]

    def get_exclude(self, request, obj=None):
        return None if self._district(request) else ["department"]

    def has_add_permission(self, request):
        # Someone outside the district who has no department would add district-wide wording: not theirs to keep.
        return super().has_add_permission(request) and (
            self._district(request) or department_of(request.user) is not None)

    def save_model(self, request, obj, form, change):
        if not self._district(request):
            obj.department_id = department_of(request.user)
        super().save_model(request, obj, form, change)
