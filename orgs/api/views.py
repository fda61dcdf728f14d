"""The orgs API: thin views; reads through selectors, writes through services."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import ScopedViewSet, milestone_actions

from .. import models, selectors, services
from . import serializers as s


def perm(action_name: str, model: str) -> list[str]:
    return [f"orgs.{action_name}_{model}"]


def visible_organisation(user, pk, field: str = "organisation") -> models.SocialOrganisation:
    organisation = selectors.organisations_visible_to(user).filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: _("No such organisation.")})
    return organisation


@extend_schema(tags=["orgs"])
class OrganisationViewSet(ScopedViewSet):
    """Social organisations of your area: applications (with the working-day limit), registrations,
    filings, activity and exit."""

    selector = staticmethod(selectors.organisations_visible_to)
    output_serializer_class = s.OrganisationOut
    input_serializer_class = s.OrganisationIn
    queryset = models.SocialOrganisation.objects.none()
    filterset_fields = ["status", "kind", "field", "route", "is_overdue"]
    action_perms = {"act": perm("change", "socialorganisation")}

    def create(self, request):
        return self.respond(services.organisation_apply(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)

    @extend_schema(responses=s.OrganisationStatusOut)
    def retrieve(self, request, pk=None):
        organisation = self.get_object()
        organisation.working_days_taken = selectors.working_days_taken(organisation)
        organisation.available_actions = services.organisation_actions(request.user, organisation)
        return Response(s.OrganisationStatusOut(organisation).data)

    @extend_schema(request=s.OrganisationActIn)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """approve (registration number; filings get one), reject (reason), activate, deregister (reason)."""
        data = self.validated(s.OrganisationActIn)
        return self.respond(services.organisation_act(user=request.user, organisation=self.get_object(), **data))


@extend_schema(tags=["orgs: incubation"])
class IncubationSiteViewSet(ScopedViewSet):
    """The district incubation centre and its bases."""

    lookup_field = "code"
    selector = staticmethod(selectors.incubation_sites_visible_to)
    output_serializer_class = s.SiteOut
    queryset = models.IncubationSite.objects.none()
    pagination_class = None
    action_perms = {"occupancy": perm("view", "incubationsite")}

    @extend_schema(responses=s.OccupancyOut(many=True))
    @action(detail=False)
    def occupancy(self, request):
        """Floor area let now, tenants and services given this year, per site."""
        return Response(s.OccupancyOut(selectors.incubation_occupancy(request.user), many=True).data)


@extend_schema(tags=["orgs: incubation"])
class TenancyViewSet(ScopedViewSet):
    selector = staticmethod(selectors.tenancies_visible_to)
    output_serializer_class = s.TenancyOut
    input_serializer_class = s.TenancyIn
    queryset = models.Tenancy.objects.none()
    action_perms = {"end": perm("change", "tenancy")}

    def create(self, request):
        data = self.validated()
        data["organisation"] = visible_organisation(request.user, data["organisation"])
        return self.respond(services.tenancy_create(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.TenancyEndIn)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.respond(services.tenancy_end(user=request.user, tenancy=self.get_object(),
                                                 **self.validated(s.TenancyEndIn)))


@extend_schema(tags=["orgs: incubation"])
class IncubationServiceViewSet(ScopedViewSet):
    selector = staticmethod(selectors.incubation_services_visible_to)
    output_serializer_class = s.IncubationServiceOut
    input_serializer_class = s.IncubationServiceIn
    queryset = models.IncubationService.objects.none()
    filterset_fields = ["kind"]

    def create(self, request):
        data = self.validated()
        data["organisation"] = visible_organisation(request.user, data["organisation"])
        return self.respond(services.incubation_service_record(user=request.user, **data), status.HTTP_201_CREATED)


@extend_schema(tags=["orgs: purchase of services"])
class CatalogueViewSet(ScopedViewSet):
    """The catalogue of services the government may purchase."""

    lookup_field = "code"
    selector = staticmethod(lambda user: selectors.catalogue_items())
    output_serializer_class = s.CatalogueItemOut
    input_serializer_class = s.CatalogueItemIn
    queryset = models.CatalogueItem.objects.none()
    filterset_fields = ["field", "active"]

    def create(self, request):
        return self.respond(services.catalogue_item_create(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED, s.CatalogueItemOut)


@extend_schema(tags=["orgs: purchase of services"])
class ProjectViewSet(milestone_actions(parent="project", add=services.project_milestone_add,
                                       done=services.project_milestone_done, output=s.MilestoneOut), ScopedViewSet):
    """Government-purchased service projects: budget, provider, period, milestones, acceptance, assessment."""

    selector = staticmethod(lambda user: selectors.projects_visible_to(user).prefetch_related("milestones"))
    output_serializer_class = s.ProjectOut
    input_serializer_class = s.ProjectIn
    queryset = models.PurchaseProject.objects.none()
    filterset_fields = ["year", "status", "assessment_grade"]
    action_perms = {
        "act": perm("change", "purchaseproject"),
        "milestones": perm("add", "projectmilestone"),
        "milestone_done": perm("change", "projectmilestone"),
        "totals": perm("view", "purchaseproject"),
    }

    def create(self, request):
        data = self.validated()
        data["provider"] = visible_organisation(request.user, data["provider"], "provider")
        return self.respond(services.project_create(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectActIn)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """start, accept (note; milestones done), assess (score 0–100), terminate (reason)."""
        return self.respond(services.project_act(user=request.user, project=self.get_object(),
                                                 **self.validated(s.ProjectActIn)))

    @extend_schema(parameters=[s.TotalsQuery], responses=s.TotalsRow(many=True))
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        """Number of projects and budget by year or by field (terminated projects left out)."""
        query = s.TotalsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        key = "year" if by == "year" else "item__field"
        rows = selectors.purchase_totals(self.get_queryset(), by=by)
        return Response(s.TotalsRow([{**row, "key": row[key]} for row in rows], many=True).data)


@extend_schema(tags=["orgs"])
class AwardViewSet(ScopedViewSet):
    """Annual awards to social organisations."""

    selector = staticmethod(selectors.awards_visible_to)
    output_serializer_class = s.AwardOut
    input_serializer_class = s.AwardIn
    queryset = models.Award.objects.none()
    filterset_fields = ["year", "title"]
    action_perms = {"totals": perm("view", "award")}

    def create(self, request):
        data = self.validated()
        data["organisation"] = visible_organisation(request.user, data["organisation"])
        return self.respond(services.award_grant(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(responses=s.AwardTotalsRow(many=True))
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        return Response(s.AwardTotalsRow(selectors.award_totals(self.get_queryset()), many=True).data)


@extend_schema(tags=["orgs"])
class ComplaintViewSet(ScopedViewSet):
    """Complaints from the public about organisations (群众举报), handled to a close."""

    selector = staticmethod(selectors.complaints_visible_to)
    output_serializer_class = s.ComplaintOut
    input_serializer_class = s.ComplaintIn
    queryset = models.Complaint.objects.none()
    filterset_fields = ["status", "channel"]
    action_perms = {"act": perm("change", "complaint")}

    def create(self, request):
        data = self.validated()
        data["organisation"] = visible_organisation(request.user, data["organisation"])
        return self.respond(services.complaint_receive(user=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(request=s.ComplaintActIn)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """investigate, or close with a finding, a measure and the result."""
        data = self.validated(s.ComplaintActIn)
        complaint = self.get_object()
        if data.pop("action") == "investigate":
            return self.respond(services.complaint_investigate(user=request.user, complaint=complaint))
        missing = {name: [_("This field is required.")] for name in ("finding", "measure") if name not in data}
        if missing:
            raise ValidationError(missing)
        return self.respond(services.complaint_close(user=request.user, complaint=complaint, **data))


# --- public disclosure (信息公开) -----------------------------------------------------------------


class _Public:
    permission_classes = [AllowAny]
    authentication_classes = []


@extend_schema(tags=["public"])
class PublicOrganisationList(_Public, ListAPIView):
    """Registered and filed social organisations (information disclosure). No login needed."""

    serializer_class = s.PublicOrganisationOut
    filterset_fields = ["kind", "field", "route"]

    def get_queryset(self):
        return selectors.public_organisations()


@extend_schema(tags=["public"])
class PublicProjectList(_Public, ListAPIView):
    """Government-purchased service projects (information disclosure). No login needed."""

    serializer_class = s.PublicProjectOut
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        return selectors.public_projects()


@extend_schema(tags=["public"], request=s.PublicComplaintIn, responses={201: None})
class PublicComplaintView(_Public, APIView):
    """Report an organisation (群众举报). Throttled; the content goes to the street or district."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_submit"

    def post(self, request):
        data = s.PublicComplaintIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organisation = selectors.public_organisations().filter(pk=fields.pop("organisation")).first()
        if organisation is None:
            raise ValidationError({"organisation": _("No such organisation.")})
        services.complaint_receive(organisation=organisation, channel=models.Complaint.Channel.ONLINE, **fields)
        return Response({"detail": _("Your report is received.")}, status=status.HTTP_201_CREATED)
