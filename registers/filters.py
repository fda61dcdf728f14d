"""List filters of the registers, for the API and the pages alike (django-filter, so the schema documents them).
Nothing filters on an identity number or a phone: a reader who sees them masked must not test guesses."""
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .models import House, Place, Resident

GRID_HELP = _("15-digit code of a third-level grid")


class HouseFilter(filters.FilterSet):
    grid = filters.CharFilter(field_name="grid__code", help_text=GRID_HELP)

    class Meta:
        model = House
        fields = ["grid", "use", "occupancy", "building"]


class ResidentFilter(filters.FilterSet):
    grid = filters.CharFilter(field_name="house__grid__code", help_text=GRID_HELP)
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Resident
        fields = ["grid", "house", "kind", "status", "name"]


class PlaceFilter(filters.FilterSet):
    grid = filters.CharFilter(field_name="grid__code", help_text=GRID_HELP)
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Place
        fields = ["grid", "kind", "active", "name"]
