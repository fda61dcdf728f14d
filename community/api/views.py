"""The community API: thin views. Reads go through ``visible_to`` (``ScopedViewSet``: out of sight
is a 404), list filters are FilterSets, writes go through the services (which answer 403 / 409 /
400 for the other mistakes)."""
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import tracking
from core.api import PUBLIC_THROTTLES, ScopedViewSet, milestone_actions
from grids.models import Community

from .. import filters, matters, models, selectors, services, structures
from . import serializers as s

CHANGE = "change"
ADD = "add"
VIEW = "view"


def perm(action_name: str, model: str) -> list[str]:
    return [f"community.{action_name}_{model}"]


# --- communities and the 15-minute service circle -------------------------------------------------


@extend_schema(tags=["community"])
class CommunityViewSet(ScopedViewSet):
    """Communities you may see, with their service station, office space against the standard and staff."""

    lookup_field = "code"
    queryset = selectors.with_station_and_staff(Community.objects.all())
    output_serializer_class = s.CommunityOut

    @extend_schema(responses=s.CommunityFiguresOut)
    @action(detail=False)
    def figures(self, request):
        """Counts for your area: communities, stations meeting the space standard (share), staff, circle coverage."""
        return Response(s.CommunityFiguresOut(selectors.community_figures(request.user)).data)

    @extend_schema(responses=s.CommunityStructureOut)
    @action(detail=True)
    def structure(self, request, code=None):
        """What stands behind the community: 三位一体 (party organisation, residents' committee, service station
        and their people), 四方共建 (its owners' committees and property companies, terms and contacts) and
        三社联动 (social organisations based in it and the projects purchased from them)."""
        structure = structures.community_structure(request.user, self.get_object())
        return Response(s.CommunityStructureOut(structure, context=self.get_serializer_context()).data)


@extend_schema(tags=["community: service circle"])
class ServiceCircleSiteViewSet(ScopedViewSet):
    """Sites of the 15-minute service circle: demonstration sites (city / district level) and the communities
    they cover; community health service centres and stations with their points."""

    lookup_field = "code"
    queryset = models.ServiceCircleSite.objects.select_related("street").prefetch_related("communities")
    output_serializer_class = s.CircleSiteOut
    filterset_fields = ["kind", "level", "designated_year"]

    @extend_schema(parameters=[s.CoverageQuery], responses=s.CoverageOut)
    @action(detail=False)
    def coverage(self, request):
        """Share of communities covered by at least one site, computed from the sites' data."""
        query = s.CoverageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(s.CoverageOut(selectors.service_circle_coverage(
            street_code=query.validated_data.get("street", ""))).data)


@extend_schema(tags=["community: service circle"])
class ServiceProviderViewSet(ScopedViewSet):
    """Service providers contracted into the service circle, with their outlet counts."""

    lookup_field = "code"
    queryset = models.ServiceProvider.objects.annotate(outlet_count=Count("outlets")).order_by("code")
    output_serializer_class = s.ProviderOut
    filterset_fields = ["field"]


# --- must-visit households ------------------------------------------------------------------------


@extend_schema(tags=["community: must-visit"])
class VisitCategoryViewSet(ScopedViewSet):
    """The nine must-visit categories and how often each must be visited (district-configurable)."""

    lookup_field = "code"
    queryset = models.VisitCategory.objects.all()
    output_serializer_class = s.VisitCategoryOut
    input_serializer_class = s.VisitCategoryIn
    pagination_class = None
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(request=s.VisitCategoryIn)
    def partial_update(self, request, code=None):
        category = services.visit_category_update(category=self.get_object(), **self.validated())
        return self.respond(category)


@extend_schema(tags=["community: must-visit"])
class HouseholdViewSet(ScopedViewSet):
    """Must-visit households (九必访) of your grids. Sensitive: the grid's staff and supervisors only."""

    queryset = models.Household.objects.select_related("grid").prefetch_related("categories")
    filterset_class = filters.HouseholdFilter
    output_serializer_class = s.HouseholdOut
    input_serializer_class = s.HouseholdIn
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_perms = {"visits": perm(VIEW, "visit"), "record_visit": perm(ADD, "visit"),
                    "remove": perm(CHANGE, "household")}

    def create(self, request):
        return self.respond(services.household_register(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(request=s.HouseholdUpdateIn)
    def partial_update(self, request, pk=None):
        household = self.get_object()
        data = self.validated(s.HouseholdUpdateIn)
        return self.respond(services.household_update(user=request.user, household=household, **data))

    @extend_schema(request=s.HouseholdRemoveIn)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Take the household off the register (moved away, no longer in a category)."""
        household = self.get_object()
        return self.respond(services.household_remove(user=request.user, household=household,
                                                      **self.validated(s.HouseholdRemoveIn)))

    @extend_schema(responses=s.VisitOut(many=True))
    @action(detail=True, pagination_class=None)
    def visits(self, request, pk=None):
        """The household's visit log, newest first."""
        visits = models.Visit.objects.visible_to(request.user).filter(household=self.get_object())
        return Response(s.VisitOut(visits.select_related("visitor"), many=True).data)

    @extend_schema(request=s.VisitIn, responses={201: s.VisitOut})
    @visits.mapping.post
    def record_visit(self, request, pk=None):
        """Record a visit; it moves the household's next due date."""
        visit = services.visit_record(user=request.user, household=self.get_object(), **self.validated(s.VisitIn))
        return self.respond(visit, status.HTTP_201_CREATED, s.VisitOut)


# --- must-attend ----------------------------------------------------------------------------------


@extend_schema(tags=["community: must-attend"])
class AttendanceViewSet(ScopedViewSet):
    """Must-attend records (六必到): staff present at the six situations in their grids."""

    queryset = models.AttendanceRecord.objects.select_related("grid", "attendee")
    output_serializer_class = s.AttendanceOut
    input_serializer_class = s.AttendanceIn
    filterset_fields = ["situation"]

    def create(self, request):
        return self.respond(services.attendance_record(user=request.user, **self.validated()), status.HTTP_201_CREATED)


# --- volunteers -----------------------------------------------------------------------------------


@extend_schema(tags=["community: volunteers"])
class VolunteerOrgViewSet(ScopedViewSet):
    """The three-level volunteer network: district federation → street branches → community stations."""

    lookup_field = "code"
    queryset = models.VolunteerOrg.objects.select_related("parent", "street", "community").annotate(
        team_count=Count("teams", distinct=True)).order_by("area_code", "code")
    output_serializer_class = s.VolunteerOrgOut
    filterset_fields = ["level"]


@extend_schema(tags=["community: volunteers"])
class VolunteerTeamViewSet(ScopedViewSet):
    """Volunteer teams of your area and the levels above it."""

    queryset = models.VolunteerTeam.objects.select_related("org")
    output_serializer_class = s.TeamOut
    input_serializer_class = s.TeamIn
    filterset_fields = ["field", "brand"]

    def create(self, request):
        return self.respond(services.volunteer_team_create(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)


@extend_schema(tags=["community: volunteers"])
class VolunteerViewSet(ScopedViewSet):
    """Volunteers living in your area, their skills and teams."""

    queryset = models.Volunteer.objects.select_related("community").prefetch_related("skills", "teams")
    output_serializer_class = s.VolunteerOut
    input_serializer_class = s.VolunteerIn
    action_perms = {"hours": perm(VIEW, "activitysignup")}

    def create(self, request):
        data = self.validated()
        teams = data.pop("teams")
        visible_teams = models.VolunteerTeam.objects.visible_to(request.user)
        if any(not visible_teams.filter(pk=team.pk).exists() for team in teams):
            raise ValidationError({"teams": _("No such team.")})
        volunteer = services.volunteer_register(user=request.user, skills=services.skills_by_name(data.pop("skills")),
                                                teams=teams, **data)
        return self.respond(volunteer, status.HTTP_201_CREATED)

    @extend_schema(responses=s.ServiceRecordOut)
    @action(detail=True)
    def hours(self, request, pk=None):
        """The per-person service-hours record."""
        volunteer = self.get_object()
        return Response(s.ServiceRecordOut({
            "volunteer": volunteer.pk, "full_name": volunteer.full_name,
            "total_hours": selectors.volunteer_hours(volunteer),
            "activities": selectors.volunteer_service_record(volunteer),
        }).data)


@extend_schema(tags=["community: volunteers"])
class ActivityViewSet(ScopedViewSet):
    """Volunteer activities: sign-up, attendance and service hours."""

    queryset = selectors.with_signup_count(models.VolunteerActivity.objects.select_related("team__org", "community"))
    output_serializer_class = s.ActivityOut
    input_serializer_class = s.ActivityIn
    filterset_fields = ["status", "team"]
    action_perms = {
        "signups": perm(ADD, "activitysignup"),
        "attendance": perm(CHANGE, "activitysignup"),
        "cancel": perm(CHANGE, "volunteeractivity"),
    }

    def create(self, request):
        data = self.validated()
        if not models.VolunteerTeam.objects.visible_to(request.user).filter(pk=data["team"].pk).exists():
            raise ValidationError({"team": _("No such team.")})
        return self.respond(services.activity_create(user=request.user, **data), status.HTTP_201_CREATED)

    def _volunteer(self, request, volunteer_id):
        volunteer = models.Volunteer.objects.visible_to(request.user).filter(pk=volunteer_id).first()
        if volunteer is None:
            raise ValidationError({"volunteer": _("No such volunteer.")})
        return volunteer

    @extend_schema(request=s.SignupIn, responses={201: s.SignupOut})
    @action(detail=True, methods=["post"])
    def signups(self, request, pk=None):
        """Sign a volunteer up (until the activity starts, within its places)."""
        activity = self.get_object()
        volunteer = self._volunteer(request, self.validated(s.SignupIn)["volunteer"])
        signup = services.activity_sign_up(user=request.user, activity=activity, volunteer=volunteer)
        return self.respond(signup, status.HTTP_201_CREATED, s.SignupOut)

    @extend_schema(request=s.ActivityAttendanceIn, responses=s.SignupOut(many=True))
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """After the activity: who attended and their hours; closes the activity."""
        activity = self.get_object()
        entries = [
            {**entry, "volunteer": self._volunteer(request, entry["volunteer"])}
            for entry in self.validated(s.ActivityAttendanceIn)["entries"]
        ]
        services.activity_record_attendance(user=request.user, activity=activity, entries=entries)
        return Response(s.SignupOut(activity.signups.all(), many=True).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.respond(services.activity_cancel(user=request.user, activity=self.get_object()))


# --- neighbour care -------------------------------------------------------------------------------


@extend_schema(tags=["community: neighbour care"])
class CareTargetViewSet(ScopedViewSet):
    """Residents under neighbourly watch (邻里守望) in your grids, and whether each has a helper."""

    queryset = selectors.with_cover(models.CareTarget.objects.select_related("grid", "grid__community"))
    output_serializer_class = s.CareTargetOut
    input_serializer_class = s.CareTargetIn
    filterset_fields = ["kind", "building", "active"]
    action_perms = {"pairings": perm(ADD, "carepairing"), "coverage": perm(VIEW, "caretarget")}

    def create(self, request):
        return self.respond(services.care_target_register(user=request.user, **self.validated()),
                            status.HTTP_201_CREATED)

    @extend_schema(request=s.PairingIn, responses={201: s.PairingOut})
    @action(detail=True, methods=["post"])
    def pairings(self, request, pk=None):
        target = self.get_object()
        data = self.validated(s.PairingIn)
        volunteer = data.get("volunteer")
        if volunteer and not models.Volunteer.objects.visible_to(request.user).filter(pk=volunteer.pk).exists():
            raise ValidationError({"volunteer": _("No such volunteer.")})
        pairing = services.care_pair(user=request.user, target=target, **data)
        return self.respond(pairing, status.HTTP_201_CREATED, s.PairingOut)

    @extend_schema(parameters=[s.CareCoverageQuery], responses=s.CareCoverageOut(many=True))
    @action(detail=False, pagination_class=None)
    def coverage(self, request):
        """Share of residents with an active helper, per community or per building."""
        query = s.CareCoverageQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.care_coverage(request.user, by_building=query.validated_data["by"] == "building")
        return Response(s.CareCoverageOut(rows, many=True).data)


@extend_schema(tags=["community: neighbour care"])
class CarePairingViewSet(ScopedViewSet):
    """Pairings of helpers with residents; contact logs."""

    queryset = models.CarePairing.objects.select_related("target", "volunteer")
    output_serializer_class = s.PairingOut
    action_perms = {"contacts": perm(ADD, "carecontact"), "end": perm(CHANGE, "carepairing")}

    @extend_schema(request=s.ContactIn, responses={201: s.ContactOut})
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        contact = services.care_contact_record(user=request.user, pairing=self.get_object(),
                                               **self.validated(s.ContactIn))
        return self.respond(contact, status.HTTP_201_CREATED, s.ContactOut)

    @extend_schema(request=s.PairingEndIn)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self.respond(services.care_pairing_end(user=request.user, pairing=self.get_object(),
                                                      **self.validated(s.PairingEndIn)))


# --- community structures (四方共建) -----------------------------------------------------------------


class CompoundBodyViewSet(ScopedViewSet):
    """The shared part of owners' committees and property companies: create with contacts, add a contact."""

    input_serializer_class = s.CompoundBodyIn
    http_method_names = ["get", "post", "head", "options"]
    action_perms = {"contacts": perm(ADD, "bodycontact")}

    def create(self, request):
        body = structures.compound_body_register(user=request.user, model=self.queryset.model, **self.validated())
        return self.respond(body, status.HTTP_201_CREATED)

    @extend_schema(request=s.BodyContactIn, responses={201: s.BodyContactOut})
    @action(detail=True, methods=["post"])
    def contacts(self, request, pk=None):
        """Add a contact person (name, role, phone)."""
        contact = structures.body_contact_add(user=request.user, body=self.get_object(),
                                              **self.validated(s.BodyContactIn))
        return self.respond(contact, status.HTTP_201_CREATED, s.BodyContactOut)


@extend_schema(tags=["community: structures"])
class OwnersCommitteeViewSet(CompoundBodyViewSet):
    """Owners' committees (业主委员会) of your communities' compounds, their terms and contacts;
    ``ending=true`` lists those whose term ends within 90 days or has ended."""

    queryset = structures.with_contacts(models.OwnersCommittee.objects.all())
    output_serializer_class = s.OwnersCommitteeOut
    filterset_class = filters.OwnersCommitteeFilter


@extend_schema(tags=["community: structures"])
class PropertyCompanyViewSet(CompoundBodyViewSet):
    """Property service companies (物业服务企业) under contract in your communities' compounds;
    ``ending=true`` lists contracts ending within 90 days or ended."""

    queryset = structures.with_contacts(models.PropertyCompany.objects.all())
    output_serializer_class = s.PropertyCompanyOut
    filterset_class = filters.PropertyCompanyFilter


# --- deliberation ---------------------------------------------------------------------------------


@extend_schema(tags=["community: deliberation"])
class MeetingViewSet(ScopedViewSet):
    """Deliberation meetings (议事协商): topic, the six parties present, decision, follow-up actions."""

    queryset = models.DeliberationMeeting.objects.select_related("community").prefetch_related(
        "participants", "actions")
    output_serializer_class = s.MeetingOut
    input_serializer_class = s.MeetingIn
    filterset_fields = ["status"]
    action_perms = {
        "participants": perm(ADD, "meetingparticipant"),
        "decision": perm(CHANGE, "deliberationmeeting"),
        "actions": perm(ADD, "followupaction"),
    }

    def create(self, request):
        return self.respond(services.meeting_create(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(request=s.ParticipantIn, responses={201: s.ParticipantOut})
    @action(detail=True, methods=["post"])
    def participants(self, request, pk=None):
        participant = services.meeting_add_participant(user=request.user, meeting=self.get_object(),
                                                       **self.validated(s.ParticipantIn))
        return self.respond(participant, status.HTTP_201_CREATED, s.ParticipantOut)

    @extend_schema(request=s.DecisionIn)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """Record what the meeting decided (the meeting is then held)."""
        return self.respond(services.meeting_record_decision(user=request.user, meeting=self.get_object(),
                                                             **self.validated(s.DecisionIn)))

    @extend_schema(request=s.FollowUpIn, responses={201: s.FollowUpOut})
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        follow_up = services.follow_up_add(user=request.user, meeting=self.get_object(), **self.validated(s.FollowUpIn))
        return self.respond(follow_up, status.HTTP_201_CREATED, s.FollowUpOut)


@extend_schema(tags=["community: deliberation"])
class FollowUpViewSet(ScopedViewSet):
    """Follow-up actions of meetings; PATCH moves an action on (the status asked for names the step)."""

    queryset = models.FollowUpAction.objects.select_related("meeting__community")
    output_serializer_class = s.FollowUpOut
    input_serializer_class = s.FollowUpUpdateIn
    filterset_fields = ["status"]
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request, pk=None):
        return self.respond(services.follow_up_update(user=request.user, action=self.get_object(), **self.validated()))


# --- practical matters ----------------------------------------------------------------------------


@extend_schema(tags=["community: practical matters"])
class MatterViewSet(milestone_actions(parent="matter", add=matters.milestone_add, done=matters.milestone_complete,
                                      output=s.MatterMilestoneOut), ScopedViewSet):
    """Practical matters for the people (为民办实事) of your area: select, plan, carry out, accept."""

    queryset = models.PracticalMatter.objects.select_related("community", "community__street").prefetch_related(
        "milestones")
    output_serializer_class = s.MatterOut
    input_serializer_class = s.MatterIn
    filterset_fields = ["status", "year", "is_key"]
    action_perms = {
        "act": perm(CHANGE, "practicalmatter"),
        "milestones": perm(ADD, "mattermilestone"),
        "milestone_done": perm(CHANGE, "mattermilestone"),
        "without_project": perm(VIEW, "practicalmatter"),
    }

    def create(self, request):
        return self.respond(matters.matter_propose(user=request.user, **self.validated()), status.HTTP_201_CREATED)

    @extend_schema(request=s.MatterActIn)
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """Move the matter on: select, reject, plan, start or accept (with the data each needs)."""
        data = self.validated(s.MatterActIn)
        return self.respond(matters.matter_act(user=request.user, matter=self.get_object(), **data))

    @extend_schema(parameters=[s.MatterGapQuery], responses=s.CommunityGapOut(many=True))
    @action(detail=False, url_path="without-project", pagination_class=None)
    def without_project(self, request):
        """Communities of your area with no practical matter taken up in the year (default: this year)."""
        query = s.MatterGapQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        return Response(s.CommunityGapOut(selectors.communities_without_matter(request.user, year), many=True).data)


# --- public: residents propose, follow, comment and rate ------------------------------------------


class _PublicSubmissions:
    """No login; what residents send (POST) counts against the ``public_submit`` budget, reading
    (or a method the view does not take) does not."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = PUBLIC_THROTTLES
    throttle_scope = "public_submit"


@extend_schema(tags=["public"])
class PublicMatterListView(_PublicSubmissions, ListAPIView):
    """Practical matters taken up (GET), and "我要提实事": propose one (POST, throttled, no login)."""

    serializer_class = s.PublicMatterOut
    filterset_class = filters.PublicMatterFilter

    def get_queryset(self):
        return selectors.public_matters().prefetch_related("milestones", "comments")

    @extend_schema(request=s.MatterIn, responses={201: s.ProposalOut})
    def post(self, request):
        data = s.MatterIn(data=request.data)
        data.is_valid(raise_exception=True)
        matter = matters.matter_propose(**data.validated_data)
        return Response(s.ProposalOut(matter).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["public"])
class PublicMatterDetailView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=s.PublicMatterOut)
    def get(self, request, pk: int):
        return Response(s.PublicMatterOut(selectors.public_matter_get(pk)).data)


@extend_schema(tags=["public"], request=s.CommentIn, responses={201: s.CommentOut})
class PublicMatterCommentView(_PublicSubmissions, APIView):
    def post(self, request, pk: int):
        data = s.CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = matters.matter_comment(matter=selectors.public_matter_get(pk), **data.validated_data)
        return Response(s.CommentOut(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["public"], request=s.RatingIn, responses={201: s.RatingOut})
class PublicMatterRatingView(_PublicSubmissions, APIView):
    def post(self, request, pk: int):
        data = s.RatingIn(data=request.data)
        data.is_valid(raise_exception=True)
        rating = matters.matter_rate(matter=selectors.public_matter_get(pk), **data.validated_data)
        return Response(s.RatingOut(rating).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["public"], responses=s.ProposalOut)
class PublicProposalTrackView(APIView):
    """Follow your own proposal by its tracking code."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request, code: str):
        matter = get_object_or_404(models.PracticalMatter, tracking_code__in=tracking.lookup_values(code))
        return Response(s.ProposalOut(matter).data)

