"""The orgs API: thin views; reads through ``visible_to`` (the base viewset), writes through
services; the steps of organisations, projects and complaints through their workflows."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import PUBLIC_THROTTLES, ScopedViewSet, milestone_actions

from .. import models, selectors, services
from . import serializers as s


def perm(action_name: str, model: str) -> list[str]:
    return [f"orgs.{action_name}_{model}"]


class DetailWithActions:
    """The detail of a thing with a workflow answers with ``status_serializer_class``: its
    ``available_actions`` for the requesting user."""

    status_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.status_serializer_class
        return super().get_serializer_class()


@extend_schema(tags=["orgs"])
class OrganisationViewSet(DetailWithActions, ScopedViewSet):
    """Social organisations of your area: applications (with the working-day limit), registrations,
    filings, activity and exit."""

    queryset = models.SocialOrganisation.objects.select_related("street", "community")
    output_serializer_class = s.OrganisationOut
    status_serializer_class = s.OrganisationStatusOut
    input_serializer_class = s.OrganisationIn
    filterset_fields = ["status", "kind", "field", "route", "is_overdue"]
    action_perms = {"act": perm("change", "socialorganisation")}

    def create(self, request):
        return self.respond(services.organisation_apply(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)

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
    queryset = models.IncubationSite.objects.all()
    output_serializer_class = s.SiteOut
    pagination_class = None
    action_perms = {"occupancy": perm("view", "incubationsite")}

    @extend_schema(responses=s.OccupancyOut(many=True))
    @action(detail=False)
    def occupancy(self, request):
        """Floor area let now, tenants and services given this year, per site."""
        return Response(s.OccupancyOut(selectors.incubation_occupancy(request.user), many=True).data)


@extend_schema(tags=["orgs: incubation"])
class TenancyViewSet(ScopedViewSet):
    queryset = models.Tenancy.objects.select_related("site", "organisation").order_by("site__code", "-starts_on")
    output_serializer_class = s.TenancyOut
    input_serializer_class = s.TenancyIn
    action_perms = {"end": perm("change", "tenancy")}

    def create(self, request):
        return self.respond(services.tenancy_create(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(request=s.TenancyEndIn)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.respond(services.tenancy_end(user=request.user, tenancy=self.get_object(),
                                                 **self.validated(s.TenancyEndIn)))


@extend_schema(tags=["orgs: incubation"])
class IncubationServiceViewSet(ScopedViewSet):
    queryset = models.IncubationService.objects.select_related("site", "organisation")
    output_serializer_class = s.IncubationServiceOut
    input_serializer_class = s.IncubationServiceIn
    filterset_fields = ["kind"]

    def create(self, request):
        return self.respond(services.incubation_service_record(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)


@extend_schema(tags=["orgs: purchase of services"])
class CatalogueViewSet(ScopedViewSet):
    """The catalogue of services the government may purchase."""

    lookup_field = "code"
    queryset = selectors.with_project_counts(models.CatalogueItem.objects.all())
    output_serializer_class = s.CatalogueItemOut
    input_serializer_class = s.CatalogueItemIn
    filterset_fields = ["field", "active"]

    def create(self, request):
        return self.respond(services.catalogue_item_create(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)


@extend_schema(tags=["orgs: purchase of services"])
class ProjectViewSet(milestone_actions(parent="project", add=services.project_milestone_add,
                                       done=services.project_milestone_done, output=s.MilestoneOut),
                     DetailWithActions, ScopedViewSet):
    """Government-purchased service projects: budget, provider, period, milestones, acceptance, assessment."""

    queryset = models.PurchaseProject.objects.select_related("item", "provider", "street").prefetch_related(
        "milestones")
    output_serializer_class = s.ProjectOut
    status_serializer_class = s.ProjectStatusOut
    input_serializer_class = s.ProjectIn
    filterset_fields = ["year", "status", "assessment_grade"]
    action_perms = {
        "act": perm("change", "purchaseproject"),
        "milestones": perm("add", "projectmilestone"),
        "milestone_done": perm("change", "projectmilestone"),
        "totals": perm("view", "purchaseproject"),
    }

    def create(self, request):
        return self.respond(services.project_create(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(request=s.ProjectActIn)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """start, accept (note; every milestone done), assess (score 0–100), terminate (reason)."""
        return self.respond(services.project_act(user=request.user, project=self.get_object(),
                                                 **self.validated(s.ProjectActIn)))

    @extend_schema(parameters=[s.TotalsQuery], responses=s.TotalsRowOut(many=True))
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        """Number of projects and budget by year or by field (terminated projects left out)."""
        query = s.TotalsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        key = "year" if by == "year" else "item__field"
        rows = selectors.purchase_totals(self.get_queryset(), by=by)
        return Response(s.TotalsRowOut([{**row, "key": row[key]} for row in rows], many=True).data)


@extend_schema(tags=["orgs"])
class AwardViewSet(ScopedViewSet):
    """Annual awards to social organisations."""

    queryset = models.Award.objects.select_related("organisation")
    output_serializer_class = s.AwardOut
    input_serializer_class = s.AwardIn
    filterset_fields = ["year", "title"]
    action_perms = {"totals": perm("view", "award")}

    def create(self, request):
        return self.respond(services.award_grant(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(responses=s.AwardTotalsRowOut(many=True))
    @action(detail=False, pagination_class=None)
    def totals(self, request):
        return Response(s.AwardTotalsRowOut(selectors.award_totals(self.get_queryset()), many=True).data)


@extend_schema(tags=["orgs"])
class ComplaintViewSet(DetailWithActions, ScopedViewSet):
    """Complaints from the public about organisations (群众举报), handled to a close."""

    queryset = models.Complaint.objects.select_related("organisation")
    output_serializer_class = s.ComplaintOut
    status_serializer_class = s.ComplaintStatusOut
    input_serializer_class = s.ComplaintIn
    filterset_fields = ["status", "channel"]
    action_perms = {"act": perm("change", "complaint")}

    def create(self, request):
        return self.respond(services.complaint_receive(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)

    @extend_schema(request=s.ComplaintActIn)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """investigate, or close with a finding, a measure and the result."""
        return self.respond(services.complaint_act(user=request.user, complaint=self.get_object(),
                                                   **self.validated(s.ComplaintActIn)))


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

    throttle_classes = PUBLIC_THROTTLES
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
