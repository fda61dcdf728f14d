"""The list filters of the orgs pages (django-filter, as the API's lists). The yes/no filters accept
true/false and 1/0; a value that does not validate is not applied."""
from django.db.models import Q
from django_filters import rest_framework as filters

from .models import Complaint, SocialOrganisation


class OrganisationFilter(filters.FilterSet):
    overdue = filters.BooleanFilter(method="filter_overdue")
    q = filters.CharFilter(method="filter_text")

    class Meta:
        model = SocialOrganisation
        fields = ["status", "kind", "overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        """Applications past their working-day limit."""
        return queryset.filter(status=SocialOrganisation.Status.APPLIED, is_overdue=True) if value else queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(registration_number__icontains=value))


class ComplaintFilter(filters.FilterSet):
    open = filters.BooleanFilter(method="filter_open")

    class Meta:
        model = Complaint
        fields = ["open"]

    def filter_open(self, queryset, name, value):
        return queryset.exclude(status=Complaint.Status.CLOSED) if value else queryset


class PublicOrganisationFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = SocialOrganisation
        fields = ["q"]
