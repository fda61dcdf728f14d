from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import AvailableActionsField
from core.privacy import validate_phone
from grids.models import Community, Grid

from .. import models, selectors
from ..workflow import COMPLAINT_FLOW, ORGANISATION_FLOW, PROJECT_FLOW

STREETS = Grid.objects.filter(level=Grid.Level.STREET)


class StreetCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", STREETS)
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(slug_field="code", help_text=_("9-digit street/town code"), **kwargs)


class VisibleOrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation by id, among those the requesting user sees (any other id: no such organisation)."""

    default_error_messages = {"does_not_exist": _("No such organisation.")}

    def __init__(self, **kwargs):
        super().__init__(queryset=models.SocialOrganisation.objects.all(), **kwargs)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"].user)


class OrganisationOut(serializers.ModelSerializer):
    street = serializers.CharField(source="street.code", default=None, allow_null=True)
    community = serializers.CharField(source="community.code", default=None, allow_null=True)

    class Meta:
        model = models.SocialOrganisation
        fields = ["id", "name", "kind", "field", "route", "status", "street", "community", "purpose",
                  "legal_representative", "contact_phone", "address", "applied_on", "decision_due_on", "is_overdue",
                  "decided_on", "registration_number", "rejection_reason", "activated_on", "deregistered_on",
                  "deregistration_reason"]


class OrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=models.SocialOrganisation.Kind.choices)
    field = serializers.ChoiceField(choices=models.SocialOrganisation.Field.choices)
    purpose = serializers.CharField()
    legal_representative = serializers.CharField(max_length=50)
    contact_phone = serializers.CharField(max_length=20, validators=[validate_phone])
    street = StreetCodeField()
    community = serializers.SlugRelatedField(slug_field="code", queryset=Community.objects.all(), required=False,
                                             allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    applied_on = serializers.DateField(required=False)


class OrganisationActIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=ORGANISATION_FLOW.choices())
    registration_number = serializers.CharField(max_length=32, required=False, allow_blank=True)
    decided_on = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class OrganisationStatusOut(OrganisationOut):
    working_days_taken = serializers.SerializerMethodField()
    available_actions = AvailableActionsField(ORGANISATION_FLOW)

    def get_working_days_taken(self, organisation) -> int:
        return selectors.working_days_taken(organisation)

    class Meta(OrganisationOut.Meta):
        fields = [*OrganisationOut.Meta.fields, "working_days_taken", "available_actions"]


class SiteOut(serializers.ModelSerializer):
    class Meta:
        model = models.IncubationSite
        fields = ["code", "name", "kind", "area_m2", "address"]


class OccupancyOut(serializers.Serializer):
    site = SiteOut()
    occupied_m2 = serializers.IntegerField()
    share = serializers.FloatField(help_text=_("Percent of floor area let now"))
    tenants = serializers.IntegerField()
    services_this_year = serializers.IntegerField()
    service_hours_this_year = serializers.DecimalField(max_digits=10, decimal_places=1)


class TenancyOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")

    class Meta:
        model = models.Tenancy
        fields = ["id", "site", "organisation", "room", "area_m2", "starts_on", "ends_on", "ended_early_on"]


class TenancyIn(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=models.IncubationSite.objects.all())
    organisation = VisibleOrganisationField()
    room = serializers.CharField(max_length=20)
    area_m2 = serializers.IntegerField(min_value=1)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class TenancyEndIn(serializers.Serializer):
    ended_on = serializers.DateField(required=False)


class IncubationServiceOut(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code")

    class Meta:
        model = models.IncubationService
        fields = ["id", "site", "organisation", "kind", "provided_on", "hours", "note"]


class IncubationServiceIn(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=models.IncubationSite.objects.all())
    organisation = VisibleOrganisationField()
    kind = serializers.ChoiceField(choices=models.IncubationService.Kind.choices)
    provided_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, min_value=Decimal("0.5"),
                                     max_value=Decimal("1000"))
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CatalogueItemOut(serializers.ModelSerializer):
    project_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = models.CatalogueItem
        fields = ["code", "name", "field", "description", "active", "project_count"]


class CatalogueItemIn(serializers.Serializer):
    code = serializers.SlugField(max_length=32)
    name = serializers.CharField(max_length=100)
    field = serializers.ChoiceField(choices=models.CatalogueItem.Field.choices)
    description = serializers.CharField(required=False, allow_blank=True)


class MilestoneOut(serializers.ModelSerializer):
    class Meta:
        model = models.ProjectMilestone
        fields = ["id", "title", "due_on", "done_on"]


class ProjectOut(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    field = serializers.CharField(source="item.field")
    provider_name = serializers.CharField(source="provider.name")
    street = serializers.CharField(source="street.code", default=None, allow_null=True)
    milestones = MilestoneOut(many=True, read_only=True)

    class Meta:
        model = models.PurchaseProject
        fields = ["id", "code", "title", "item", "field", "year", "budget", "provider", "provider_name", "street",
                  "starts_on", "ends_on", "status", "accepted_on", "acceptance_note", "assessment_score",
                  "assessment_grade", "assessment_note", "termination_reason", "milestones"]


class ProjectIn(serializers.Serializer):
    code = serializers.SlugField(max_length=32)
    title = serializers.CharField(max_length=150)
    item = serializers.SlugRelatedField(slug_field="code", queryset=models.CatalogueItem.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    provider = VisibleOrganisationField()
    street = StreetCodeField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class ProjectStatusOut(ProjectOut):
    available_actions = AvailableActionsField(PROJECT_FLOW)

    class Meta(ProjectOut.Meta):
        fields = [*ProjectOut.Meta.fields, "available_actions"]


class ProjectActIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=PROJECT_FLOW.choices())
    acceptance_note = serializers.CharField(required=False, allow_blank=True)
    assessment_score = serializers.IntegerField(required=False)
    assessment_note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TotalsQuery(serializers.Serializer):
    by = serializers.ChoiceField(choices=[("year", "year"), ("field", "field")], default="year")


class TotalsRowOut(serializers.Serializer):
    key = serializers.CharField(help_text=_("The year or the field"))
    projects = serializers.IntegerField()
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)


class AwardOut(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")

    class Meta:
        model = models.Award
        fields = ["id", "year", "organisation", "organisation_name", "title", "amount", "note"]


class AwardIn(serializers.Serializer):
    organisation = VisibleOrganisationField()
    year = serializers.IntegerField(min_value=2000)
    title = serializers.ChoiceField(choices=models.Award.Title.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AwardTotalsRowOut(serializers.Serializer):
    year = serializers.IntegerField()
    awards = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class ComplaintOut(serializers.ModelSerializer):
    class Meta:
        model = models.Complaint
        fields = ["id", "organisation", "channel", "content", "complainant_name", "complainant_phone", "received_at",
                  "status", "finding", "measure", "result", "closed_on"]


class ComplaintIn(serializers.Serializer):
    organisation = VisibleOrganisationField()
    channel = serializers.ChoiceField(choices=models.Complaint.Channel.choices)
    content = serializers.CharField(max_length=2000)
    complainant_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    complainant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True,
                                              validators=[validate_phone])


class PublicComplaintIn(serializers.Serializer):
    organisation = serializers.IntegerField()
    content = serializers.CharField(max_length=2000)
    complainant_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                              validators=[validate_phone])


class ComplaintStatusOut(ComplaintOut):
    available_actions = AvailableActionsField(COMPLAINT_FLOW)

    class Meta(ComplaintOut.Meta):
        fields = [*ComplaintOut.Meta.fields, "available_actions"]


class ComplaintActIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=COMPLAINT_FLOW.choices())
    finding = serializers.ChoiceField(choices=models.Complaint.Finding.choices, required=False)
    measure = serializers.ChoiceField(choices=models.Complaint.Measure.choices, required=False)
    result = serializers.CharField(required=False, allow_blank=True, default="")


class PublicOrganisationOut(serializers.ModelSerializer):
    """What the law asks to publish: no phone numbers, no application internals."""

    street = serializers.CharField(source="street.name", default=None, allow_null=True)

    class Meta:
        model = models.SocialOrganisation
        fields = ["id", "name", "kind", "field", "route", "status", "registration_number", "street",
                  "legal_representative", "decided_on"]


class PublicProjectOut(serializers.ModelSerializer):
    item = serializers.CharField(source="item.name")
    field = serializers.CharField(source="item.field")
    provider = serializers.CharField(source="provider.name")
    street = serializers.CharField(source="street.name", default=None, allow_null=True)

    class Meta:
        model = models.PurchaseProject
        fields = ["id", "code", "title", "item", "field", "year", "budget", "provider", "street", "starts_on",
                  "ends_on", "status", "assessment_grade"]
