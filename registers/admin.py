"""Admin of the registers. Administrators are not a grid's staff: identity numbers and phones show masked here, and
are changed on the register pages by the grid's keepers. The log of whole views is read-only."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from core.privacy import masked

from .models import House, PersonalDataView, Place, Resident


def masked_column(name: str, label):
    def column(model_admin, obj):
        return masked(getattr(obj, name))

    column.short_description = label
    return column


class ResidentInline(admin.TabularInline):
    model = Resident
    extra = 0
    fields = ["name", "kind", "status", "moved_in_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(House)
class HouseAdmin(admin.ModelAdmin):
    list_display = ["address", "grid", "floor", "use", "occupancy"]
    list_filter = ["use", "occupancy"]
    search_fields = ["grid__code", "compound", "building", "room"]
    raw_id_fields = ["grid"]
    inlines = [ResidentInline]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    masked_id_number = masked_column("id_number", _("identity number"))
    masked_phone = masked_column("phone", _("phone"))
    list_display = ["name", "kind", "masked_id_number", "masked_phone", "house", "status"]
    list_filter = ["kind", "status", "gender"]
    search_fields = ["name", "house__grid__code"]
    raw_id_fields = ["house"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]
    list_select_related = ["house"]

    def has_add_permission(self, request):
        return False  # a new resident's identity number is checked and entered on the register pages


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    masked_contact_phone = masked_column("contact_phone", _("contact phone"))
    list_display = ["name", "kind", "grid", "contact_name", "masked_contact_phone", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "address", "grid__code"]
    raw_id_fields = ["grid"]
    exclude = ["contact_phone"]
    readonly_fields = ["masked_contact_phone"]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ["viewed_at", "viewer", "record", "record_id", "grid_code", "fields", "via"]
    list_filter = ["record", "via"]
    search_fields = ["viewer__username", "grid_code"]
    date_hierarchy = "viewed_at"
