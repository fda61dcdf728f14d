"""The list filters of the community app, for the API (django-filter, so the schema documents them)
and the pages alike. The yes/no filters accept true/false and 1/0; on a page, a value that does not
validate is not applied."""
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from grids.models import Community, Grid

from .models import CareTarget, Household, OwnersCommittee, PracticalMatter, PropertyCompany, ServiceCircleSite


class CommunityFilter(filters.FilterSet):
    below_standard = filters.BooleanFilter(method="filter_below_standard")

    class Meta:
        model = Community
        fields = ["below_standard"]

    def filter_below_standard(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(service_station__office_area_m2__lt=settings.COMMUNITY_SPACE_STANDARD_M2)


class CircleSiteFilter(filters.FilterSet):
    street = filters.ModelChoiceFilter(queryset=Grid.objects.filter(level=Grid.Level.STREET), to_field_name="code")

    class Meta:
        model = ServiceCircleSite
        fields = ["street", "kind"]


class CompoundBodyFilter(filters.FilterSet):
    community = filters.CharFilter(field_name="community__code", help_text=_("12-digit community code"))
    ending = filters.BooleanFilter(method="filter_ending",
                                   help_text=_("Only those whose term or contract ends within 90 days or has ended"))

    def filter_ending(self, queryset, name, value):
        ending = queryset.ending()
        return ending if value else queryset.exclude(pk__in=ending.values("pk"))


class OwnersCommitteeFilter(CompoundBodyFilter):
    class Meta:
        model = OwnersCommittee
        fields = ["community", "ending"]


class PropertyCompanyFilter(CompoundBodyFilter):
    class Meta:
        model = PropertyCompany
        fields = ["community", "ending"]


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


ON_THE_REGISTER = "active"
REGISTER_PARTS = {ON_THE_REGISTER: Q(active=True), "overdue": Q(active=True, is_overdue=True), "left": Q(active=False)}


class HouseholdRegisterFilter(HouseholdFilter):
    """The households page: the API's filters, and which part of the register to show — the
    households on it unless another part is asked for by name."""

    status = filters.ChoiceFilter(choices=[(part, part) for part in REGISTER_PARTS], method="filter_register")

    class Meta(HouseholdFilter.Meta):
        fields = [*HouseholdFilter.Meta.fields, "status"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("status") not in REGISTER_PARTS:
            data = data.copy()
            data["status"] = ON_THE_REGISTER
        super().__init__(data, *args, **kwargs)

    def filter_register(self, queryset, name, value):
        return queryset.filter(REGISTER_PARTS[value])


class CareTargetFilter(filters.FilterSet):
    # ``covered`` is the annotation of selectors.with_cover, which the page's list carries.
    uncovered = filters.BooleanFilter(method="filter_uncovered")

    class Meta:
        model = CareTarget
        fields = ["uncovered"]

    def filter_uncovered(self, queryset, name, value):
        return queryset.filter(covered=False) if value else queryset


class MatterFilter(filters.FilterSet):
    class Meta:
        model = PracticalMatter
        fields = ["status"]


class PublicMatterFilter(filters.FilterSet):
    key = filters.BooleanFilter(method="filter_key", help_text=_("Only key projects (重要实事)"))

    class Meta:
        model = PracticalMatter
        fields = ["key"]

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset
