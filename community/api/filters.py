"""List filters of the community API (django-filter, so the schema documents them). The yes/no
filters accept true/false and 1/0."""
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from ..models import Household, PracticalMatter


class HouseholdFilter(filters.FilterSet):
    overdue = filters.BooleanFilter(method="filter_overdue",
                                    help_text=_("Only households on the register whose visit is overdue"))
    grid = filters.CharFilter(field_name="grid__code", help_text=_("15-digit code of a third-level grid"))
    category = filters.CharFilter(field_name="categories__code", help_text=_("A must-visit category"))

    class Meta:
        model = Household
        fields = ["overdue", "grid", "category"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=True, active=True) if value else queryset


class PublicMatterFilter(filters.FilterSet):
    key = filters.BooleanFilter(method="filter_key", help_text=_("Only key projects (重要实事)"))

    class Meta:
        model = PracticalMatter
        fields = ["key"]

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset
