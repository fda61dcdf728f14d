"""Input (what a write accepts) and output (what a read shows) serializers of the community API."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import AvailableActionsField
from core.privacy import validate_phone
from grids.models import Community, Grid
from registers.models import House

from .. import models, structures
from ..workflow import ACTIVITY_FLOW, FOLLOW_UP_FLOW, MATTER_FLOW, MEETING_FLOW

UNIT_GRIDS = Grid.objects.filter(level=Grid.Level.UNIT)


class GridCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", UNIT_GRIDS)
        super().__init__(slug_field="code", help_text=_("15-digit code of a third-level grid"), **kwargs)


class CommunityCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Community.objects.all())
        super().__init__(slug_field="code", help_text=_("12-digit community code"), **kwargs)


# --- communities and the service circle ----------------------------------------------------------


class CommunityOut(serializers.ModelSerializer):
    street = serializers.CharField(source="street.code")
    street_name = serializers.CharField(source="street.name")
    station_name = serializers.CharField(source="service_station.name", default=None, allow_null=True)
    office_area_m2 = serializers.IntegerField(source="service_station.office_area_m2", default=None, allow_null=True)
    meets_space_standard = serializers.BooleanField(source="service_station.meets_space_standard", default=None,
                                                    allow_null=True)
    staff_count = serializers.IntegerField()
    circle_sites = serializers.IntegerField(help_text=_("15-minute service circle sites covering it"))

    class Meta:
        model = Community
        fields = ["code", "name", "kind", "street", "street_name", "is_compound", "is_old_neighbourhood", "address",
                  "station_name", "office_area_m2", "meets_space_standard", "staff_count", "circle_sites"]


class CommunityFiguresOut(serializers.Serializer):
    communities = serializers.IntegerField()
    stations = serializers.IntegerField()
    stations_meeting_standard = serializers.IntegerField()
    meeting_standard_share = serializers.FloatField(help_text=_("Percent of stations meeting the space standard"))
    space_standard_m2 = serializers.IntegerField()
    community_staff = serializers.IntegerField()
    covered_by_service_circle = serializers.IntegerField()
    service_circle_share = serializers.FloatField()


class CircleSiteOut(serializers.ModelSerializer):
    street = serializers.CharField(source="street.code")
    communities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = models.ServiceCircleSite
        fields = ["code", "name", "kind", "level", "street", "designated_year", "communities", "lat", "lng"]


class ProviderOut(serializers.ModelSerializer):
    outlet_count = serializers.IntegerField()

    class Meta:
        model = models.ServiceProvider
        fields = ["code", "name", "field", "phone", "contracted_on", "contract_ends_on", "outlet_count"]


class CoverageOut(serializers.Serializer):
    communities = serializers.IntegerField()
    covered = serializers.IntegerField()
    share = serializers.FloatField(help_text=_("Percent of communities covered"))
    city_sites = serializers.IntegerField()
    district_sites = serializers.IntegerField()
    providers_under_contract = serializers.IntegerField()
    outlets = serializers.IntegerField()
    health_centres = serializers.IntegerField(help_text=_("Community health service centres (社区卫生服务中心)"))
    health_stations = serializers.IntegerField(help_text=_("Community health service stations (社区卫生服务站)"))


class CoverageQuery(serializers.Serializer):
    street = serializers.RegexField(r"^\d{9}$", required=False, help_text=_("9-digit street code"))


# --- must-visit households ----------------------------------------------------------------------


class VisitCategoryOut(serializers.ModelSerializer):
    label = serializers.CharField(source="get_code_display", read_only=True)

    class Meta:
        model = models.VisitCategory
        fields = ["code", "label", "interval_days", "note"]
        read_only_fields = ["code"]


class VisitCategoryIn(serializers.Serializer):
    interval_days = serializers.IntegerField(min_value=1, max_value=366)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class HouseholdOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = models.Household
        fields = ["id", "grid", "head_name", "address", "phone", "members", "categories", "note", "registered_on",
                  "active", "left_reason", "last_visited_on", "next_visit_due", "is_overdue", "house"]


class HouseholdIn(serializers.Serializer):
    grid = GridCodeField()
    head_name = serializers.CharField(max_length=50)
    address = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, validators=[validate_phone])
    members = serializers.IntegerField(min_value=1, max_value=30, required=False)
    categories = serializers.SlugRelatedField(slug_field="code", many=True, queryset=models.VisitCategory.objects.all())
    note = serializers.CharField(required=False, allow_blank=True)
    registered_on = serializers.DateField(required=False)


class HouseholdUpdateIn(serializers.Serializer):
    head_name = serializers.CharField(max_length=50, required=False)
    address = serializers.CharField(max_length=200, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, validators=[validate_phone])
    members = serializers.IntegerField(min_value=1, max_value=30, required=False)
    categories = serializers.SlugRelatedField(slug_field="code", many=True, required=False,
                                              queryset=models.VisitCategory.objects.all())
    note = serializers.CharField(required=False, allow_blank=True)
    house = serializers.PrimaryKeyRelatedField(queryset=House.objects.all(), required=False, allow_null=True,
                                               help_text=_("The house of the grid's base register it lives in"))


class HouseholdRemoveIn(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class VisitOut(serializers.ModelSerializer):
    visitor = serializers.CharField(source="visitor.username", default=None, allow_null=True)

    class Meta:
        model = models.Visit
        fields = ["id", "household", "visited_on", "mode", "summary", "needs_follow_up", "visitor", "created_at"]


class VisitIn(serializers.Serializer):
    visited_on = serializers.DateField(default=timezone.localdate)
    mode = serializers.ChoiceField(choices=models.Visit.Mode.choices, default=models.Visit.Mode.HOME)
    summary = serializers.CharField()
    needs_follow_up = serializers.BooleanField(default=False)


# --- must-attend --------------------------------------------------------------------------------


class AttendanceOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    attendee = serializers.CharField(source="attendee.username", default=None, allow_null=True)

    class Meta:
        model = models.AttendanceRecord
        fields = ["id", "grid", "situation", "occurred_on", "attended_on", "place", "residents", "action_taken",
                  "household", "attendee", "created_at"]


class AttendanceIn(serializers.Serializer):
    grid = GridCodeField()
    situation = serializers.ChoiceField(choices=models.AttendanceRecord.Situation.choices)
    occurred_on = serializers.DateField()
    attended_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    residents = serializers.CharField(max_length=200, required=False, allow_blank=True)
    action_taken = serializers.CharField()
    household = serializers.PrimaryKeyRelatedField(queryset=models.Household.objects.all(), required=False,
                                                   allow_null=True)

    def validate_household(self, household):
        # Only a household the caller may see; anything else looks missing.
        visible = models.Household.objects.visible_to(self.context["request"].user)
        if household is not None and not visible.filter(pk=household.pk).exists():
            raise serializers.ValidationError(_("No such household."))
        return household


# --- volunteers -----------------------------------------------------------------------------------


class VolunteerOrgOut(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    team_count = serializers.IntegerField()

    class Meta:
        model = models.VolunteerOrg
        fields = ["code", "name", "level", "parent", "area_code", "team_count"]


class TeamOut(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = models.VolunteerTeam
        fields = ["id", "org", "name", "field", "brand", "leader_name", "founded_on"]


class TeamIn(serializers.Serializer):
    org = serializers.SlugRelatedField(slug_field="code", queryset=models.VolunteerOrg.objects.all())
    name = serializers.CharField(max_length=100)
    field = serializers.ChoiceField(choices=models.VolunteerTeam.Field.choices,
                                    default=models.VolunteerTeam.Field.OTHER)
    brand = serializers.CharField(max_length=40, required=False, allow_blank=True)
    leader_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    founded_on = serializers.DateField(required=False)


class VolunteerOut(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    skills = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = models.Volunteer
        fields = ["id", "full_name", "phone", "community", "skills", "teams", "registered_on", "active"]


class VolunteerIn(serializers.Serializer):
    full_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, validators=[validate_phone])
    community = CommunityCodeField()
    skills = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    teams = serializers.PrimaryKeyRelatedField(many=True, required=False, default=list,
                                               queryset=models.VolunteerTeam.objects.all())


class ServiceRecordEntryOut(serializers.Serializer):
    activity = serializers.CharField(source="activity.title")
    team = serializers.CharField(source="activity.team.name")
    date = serializers.DateTimeField(source="activity.starts_at")
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)


class ServiceRecordOut(serializers.Serializer):
    volunteer = serializers.IntegerField()
    full_name = serializers.CharField()
    total_hours = serializers.DecimalField(max_digits=8, decimal_places=1)
    activities = ServiceRecordEntryOut(many=True)


class ActivityOut(serializers.ModelSerializer):
    team = serializers.PrimaryKeyRelatedField(read_only=True)
    community = serializers.CharField(source="community.code", default=None, allow_null=True)
    signed_up = serializers.IntegerField(read_only=True, default=0)
    available_actions = AvailableActionsField(ACTIVITY_FLOW)

    class Meta:
        model = models.VolunteerActivity
        fields = ["id", "team", "title", "description", "community", "place", "starts_at", "ends_at", "capacity",
                  "signed_up", "status", "available_actions"]


class ActivityIn(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=models.VolunteerTeam.objects.select_related("org"))
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    community = CommunityCodeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=1000)


class SignupOut(serializers.ModelSerializer):
    class Meta:
        model = models.ActivitySignup
        fields = ["id", "activity", "volunteer", "signed_up_at", "attendance", "hours"]


class SignupIn(serializers.Serializer):
    volunteer = serializers.IntegerField(help_text=_("Volunteer id"))


class AttendanceEntryIn(serializers.Serializer):
    volunteer = serializers.IntegerField()
    attended = serializers.BooleanField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, required=False, default=0)


class ActivityAttendanceIn(serializers.Serializer):
    entries = AttendanceEntryIn(many=True)


# --- neighbour care -------------------------------------------------------------------------------


class CareTargetOut(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    covered = serializers.BooleanField(read_only=True, help_text=_("Has an active helper"))

    class Meta:
        model = models.CareTarget
        fields = ["id", "grid", "kind", "name", "building", "entrance", "floor", "phone", "note", "active", "covered"]


class CareTargetIn(serializers.Serializer):
    grid = GridCodeField()
    kind = serializers.ChoiceField(choices=models.CareTarget.Kind.choices)
    name = serializers.CharField(max_length=50)
    building = serializers.CharField(max_length=20)
    entrance = serializers.CharField(max_length=20, required=False, allow_blank=True)
    floor = serializers.IntegerField(min_value=-5, max_value=120, required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, validators=[validate_phone])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PairingOut(serializers.ModelSerializer):
    class Meta:
        model = models.CarePairing
        fields = ["id", "target", "helper_name", "helper_phone", "relation", "volunteer", "started_on", "ended_on"]


class PairingIn(serializers.Serializer):
    helper_name = serializers.CharField(max_length=50)
    helper_phone = serializers.CharField(max_length=20, validators=[validate_phone])
    relation = serializers.ChoiceField(choices=models.CarePairing.Relation.choices,
                                       default=models.CarePairing.Relation.NEIGHBOUR)
    volunteer = serializers.PrimaryKeyRelatedField(queryset=models.Volunteer.objects.all(), required=False,
                                                   allow_null=True)
    started_on = serializers.DateField(required=False)


class PairingEndIn(serializers.Serializer):
    ended_on = serializers.DateField(required=False)


class ContactOut(serializers.ModelSerializer):
    class Meta:
        model = models.CareContact
        fields = ["id", "pairing", "contacted_on", "mode", "note", "concern_raised"]


class ContactIn(serializers.Serializer):
    contacted_on = serializers.DateField(default=timezone.localdate)
    mode = serializers.ChoiceField(choices=models.CareContact.Mode.choices, default=models.CareContact.Mode.VISIT)
    note = serializers.CharField(max_length=300)
    concern_raised = serializers.BooleanField(default=False)


class CareCoverageOut(serializers.Serializer):
    community = serializers.CharField()
    building = serializers.CharField()
    targets = serializers.IntegerField()
    covered = serializers.IntegerField()
    share = serializers.FloatField()


class CareCoverageQuery(serializers.Serializer):
    by = serializers.ChoiceField(choices=[("community", "community"), ("building", "building")], default="community")


# --- deliberation ---------------------------------------------------------------------------------


class ParticipantOut(serializers.ModelSerializer):
    class Meta:
        model = models.MeetingParticipant
        fields = ["id", "party", "name", "affiliation", "owners_committee", "property_company"]


class FollowUpOut(serializers.ModelSerializer):
    available_actions = AvailableActionsField(FOLLOW_UP_FLOW)

    class Meta:
        model = models.FollowUpAction
        fields = ["id", "meeting", "description", "owner_name", "due_on", "status", "result", "closed_on", "is_late",
                  "available_actions"]


class MeetingOut(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    participants = ParticipantOut(many=True, read_only=True)
    actions = FollowUpOut(many=True, read_only=True)
    available_actions = AvailableActionsField(MEETING_FLOW)

    class Meta:
        model = models.DeliberationMeeting
        fields = ["id", "community", "topic", "held_on", "venue", "status", "decision", "participants", "actions",
                  "available_actions"]


class MeetingIn(serializers.Serializer):
    community = CommunityCodeField()
    topic = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ParticipantIn(serializers.Serializer):
    party = serializers.ChoiceField(choices=models.Party.choices)
    name = serializers.CharField(max_length=50)
    affiliation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owners_committee = serializers.PrimaryKeyRelatedField(
        queryset=models.OwnersCommittee.objects.all(), required=False, allow_null=True,
        help_text=_("四方共建: the owners' committee of the meeting's community this participant speaks for"))
    property_company = serializers.PrimaryKeyRelatedField(
        queryset=models.PropertyCompany.objects.all(), required=False, allow_null=True,
        help_text=_("四方共建: the property company of the meeting's community this participant speaks for"))


class DecisionIn(serializers.Serializer):
    decision = serializers.CharField()


class FollowUpIn(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    owner_name = serializers.CharField(max_length=50)
    due_on = serializers.DateField()


class FollowUpUpdateIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=FOLLOW_UP_FLOW.choices(), help_text=_("The status to move to"))
    result = serializers.CharField(required=False, allow_blank=True, default="")


# --- practical matters ----------------------------------------------------------------------------


class MatterMilestoneOut(serializers.ModelSerializer):
    class Meta:
        model = models.MatterMilestone
        fields = ["id", "title", "due_on", "done_on"]


class CommentOut(serializers.ModelSerializer):
    class Meta:
        model = models.MatterComment
        fields = ["id", "author_name", "body", "by_staff", "created_at"]


class MatterOut(serializers.ModelSerializer):
    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    milestones = MatterMilestoneOut(many=True, read_only=True)
    available_actions = AvailableActionsField(MATTER_FLOW)

    class Meta:
        model = models.PracticalMatter
        fields = ["id", "tracking_code", "community", "community_name", "title", "description", "source",
                  "proposer_name", "proposer_phone", "proposed_at", "status", "year", "is_key", "budget",
                  "owner_name", "owner_unit", "planned_start", "planned_end", "accepted_on", "acceptance_note",
                  "rejection_reason", "milestones", "available_actions"]


class MatterIn(serializers.Serializer):
    community = CommunityCodeField()
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000)
    proposer_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    proposer_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                           validators=[validate_phone])


class MatterActIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=MATTER_FLOW.choices())
    year = serializers.IntegerField(required=False)
    is_key = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    owner_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    owner_unit = serializers.CharField(max_length=100, required=False, allow_blank=True)
    planned_start = serializers.DateField(required=False)
    planned_end = serializers.DateField(required=False)
    acceptance_note = serializers.CharField(required=False, allow_blank=True)
    accepted_on = serializers.DateField(required=False)


class MatterGapQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class CommunityGapOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    street = serializers.CharField(source="street.name")


class PublicMatterOut(serializers.ModelSerializer):
    """What residents see: no proposer phone, no internal notes."""

    community = serializers.CharField(source="community.name")
    street = serializers.CharField(source="community.street.name")
    milestones = MatterMilestoneOut(many=True, read_only=True)
    comments = CommentOut(many=True, read_only=True)
    rating_count = serializers.IntegerField(read_only=True)
    rating_avg = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = models.PracticalMatter
        fields = ["id", "community", "street", "title", "description", "status", "year", "is_key", "budget",
                  "owner_unit", "planned_start", "planned_end", "accepted_on", "milestones", "comments",
                  "rating_count", "rating_avg"]


class ProposalOut(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()


class CommentIn(serializers.Serializer):
    author_name = serializers.CharField(max_length=50)
    body = serializers.CharField(max_length=1000)


class RatingIn(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    remark = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RatingOut(serializers.ModelSerializer):
    class Meta:
        model = models.MatterRating
        fields = ["id", "score", "remark", "created_at"]


# --- community structures (三位一体, 四方共建, 三社联动) ----------------------------------------------


class BodyContactOut(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField(
        help_text=_("In full to the staff serving the community; masked (139****5678) to everyone else"))

    class Meta:
        model = models.BodyContact
        fields = ["id", "name", "role", "phone"]

    def get_phone(self, contact) -> str:
        body = contact.owners_committee or contact.property_company
        return structures.phone_shown(contact.phone, in_full=structures.sees_contact_phones(
            self.context["request"].user, body.community))


class BodyContactIn(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20, validators=[validate_phone])


class CompoundBodyFields(serializers.Serializer):
    """The declared fields an owners' committee and a property company share in an answer."""

    FIELDS = ["id", "community", "community_name", "compound", "name", "starts_on", "ends_on", "has_ended",
              "ends_soon", "contacts"]

    community = serializers.CharField(source="community.code")
    community_name = serializers.CharField(source="community.name")
    has_ended = serializers.BooleanField(read_only=True)
    ends_soon = serializers.BooleanField(read_only=True, help_text=_("Ends within 90 days"))
    contacts = BodyContactOut(many=True, read_only=True)


class OwnersCommitteeOut(CompoundBodyFields, serializers.ModelSerializer):
    class Meta:
        model = models.OwnersCommittee
        fields = CompoundBodyFields.FIELDS


class PropertyCompanyOut(CompoundBodyFields, serializers.ModelSerializer):
    class Meta:
        model = models.PropertyCompany
        fields = CompoundBodyFields.FIELDS


class CompoundBodyIn(serializers.Serializer):
    community = CommunityCodeField()
    compound = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                     help_text=_("The residential compound (小区); blank for the whole community"))
    name = serializers.CharField(max_length=100)
    starts_on = serializers.DateField(help_text=_("Start of the committee's term or of the property contract"))
    ends_on = serializers.DateField(help_text=_("End of the committee's term or of the property contract"))
    contacts = BodyContactIn(many=True, required=False, default=list)

    def validate(self, data):
        if data["ends_on"] <= data["starts_on"]:
            raise serializers.ValidationError({"ends_on": _("The end is not after the start.")})
        return data


class BodyPostOut(serializers.ModelSerializer):
    name = serializers.CharField(source="staff.full_name")
    post = serializers.CharField(source="staff.post")

    class Meta:
        model = models.BodyPost
        fields = ["title", "name", "post"]


class BodyPeopleOut(serializers.Serializer):
    body = serializers.CharField()
    label = serializers.CharField()
    posts = BodyPostOut(many=True)


class OrganisationLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()


class ProjectLinkOut(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField()
    provider = serializers.CharField(source="provider.name")


class SocialLinksOut(serializers.Serializer):
    available = serializers.BooleanField(help_text=_("Whether the social-organisation register is installed"))
    organisations = OrganisationLinkOut(many=True)
    projects = ProjectLinkOut(many=True, help_text=_("Service projects purchased from them"))
    social_workers_recorded = serializers.BooleanField(default=False,
                                                       help_text=_("Social workers are not recorded on the platform"))


class CommunityStructureOut(serializers.Serializer):
    community = serializers.CharField(source="community.code")
    station_name = serializers.CharField(source="station.name", default=None, allow_null=True)
    bodies = BodyPeopleOut(many=True, help_text=_("三位一体: party organisation, residents' committee, station"))
    owners_committees = OwnersCommitteeOut(many=True)
    property_companies = PropertyCompanyOut(many=True)
    social = SocialLinksOut(help_text=_("三社联动: social organisations working in the community"))
