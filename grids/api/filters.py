import django_filters
from django.db.models import Q

from ..models import Grid, StaffProfile, StreetUnit


class GridFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", help_text="Code of the parent grid")
    under = django_filters.CharFilter(field_name="code", lookup_expr="startswith",
                                      help_text="A grid code: that grid and everything below it")
    search = django_filters.CharFilter(method="filter_search",
                                       help_text="The start of a code, or words of the grid's, its community's or "
                                                 "its street's name (a caller names their place)")

    class Meta:
        model = Grid
        fields = ["level", "kind", "parent", "under", "search"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__startswith=value) | Q(name__icontains=value)
                               | Q(community__name__icontains=value) | Q(parent__name__icontains=value))


class StationFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code")
    street = django_filters.CharFilter(field_name="street__code")

    class Meta:
        model = StreetUnit
        fields = ["kind", "department", "section", "street", "management_mode"]


class StaffFilter(django_filters.FilterSet):
    grid = django_filters.CharFilter(field_name="home_grid__code", lookup_expr="startswith",
                                     help_text="A grid code: staff listed in that grid or below it")
    department = django_filters.CharFilter(field_name="department__code")

    class Meta:
        model = StaffProfile
        fields = ["role", "post", "force_group", "grid", "department"]
