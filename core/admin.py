from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that change only through their services (or never): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """Where the administrator overrides the working calendar: corrections, and the holidays of years
    the library does not cover yet. A day is never deleted; clearing its override restores the rule."""

    list_display = ["day", "is_workday", "override", "note"]
    list_filter = ["override", "is_workday"]
    search_fields = ["note"]
    date_hierarchy = "day"
    ordering = ["-day"]
    fields = ["day", "override", "note", "is_workday"]
    readonly_fields = ["is_workday"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "day"] if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "subject", "message", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
    search_fields = ["subject"]
