import django_filters

from .models import Patrol, PatrolPlan, PatrolPoint


class GridCodeFilterSet(django_filters.FilterSet):
    grid = django_filters.CharFilter(field_name="grid__code", help_text="Code of the unit grid")
    under = django_filters.CharFilter(field_name="grid__code", lookup_expr="startswith",
                                      help_text="Code of a street or community: its grids' rows")


class PlanFilter(GridCodeFilterSet):
    class Meta:
        model = PatrolPlan
        fields = ["grid", "under", "active"]


class PointFilter(GridCodeFilterSet):
    class Meta:
        model = PatrolPoint
        fields = ["grid", "under", "kind", "active"]


class PatrolFilter(GridCodeFilterSet):
    class Meta:
        model = Patrol
        fields = ["grid", "under", "status"]
