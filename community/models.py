"""Community governance: the 15-minute service circle, must-visit households (九必访), must-attend
events (六必到), volunteers, neighbour care (邻里守望), deliberation (议事协商) and practical matters
for the people (为民办实事).

Each model a user lists or fetches declares where its rows live (``scope_path``) and is read
through ``Model.objects.visible_to(user)``. Personal data of residents (households and their
visits, care targets, pairings and contacts, attendance records) is tied to a third-level grid and
shown only to that grid's staff and their supervisors: strict grid scope, and only the roles in
``SENSITIVE_ROLES`` (never evaluators, auditors or department handlers).
"""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import tracking
from core.privacy import validate_phone
from core.scoping import ScopedQuerySet, ScopePath
from grids.models import Community, Grid, StaffProfile
from registers.models import House

from .roles import SENSITIVE_ROLES

UNIT_GRID = {"level": Grid.Level.UNIT}
STREET_GRID = {"level": Grid.Level.STREET}


# ---------------------------------------------------------------------------------------------
# The 15-minute community service circle (一刻钟社区服务圈)


class ServiceCircleSite(models.Model):
    """A site of the 15-minute service circle: a demonstration site (city or district level) and the
    communities it covers, or a community health centre or station at its point in a street."""

    class Kind(models.TextChoices):
        DEMONSTRATION = "demonstration", _("Demonstration site")
        HEALTH_CENTRE = "health_centre", _("Community health service centre")
        HEALTH_STATION = "health_station", _("Community health service station")

    class Level(models.TextChoices):
        CITY = "city", _("City-level demonstration site")
        DISTRICT = "district", _("District-level demonstration site")

    HEALTH_KINDS = (Kind.HEALTH_CENTRE, Kind.HEALTH_STATION)

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEMONSTRATION,
                            db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True,
                             help_text=_("Demonstration sites only"))
    street = models.ForeignKey(Grid, verbose_name=_("street/town"), on_delete=models.PROTECT,
                               related_name="service_circle_sites", limit_choices_to=STREET_GRID)
    designated_year = models.PositiveSmallIntegerField(_("year designated"), null=True, blank=True)
    communities = models.ManyToManyField(Community, verbose_name=_("communities covered"), blank=True,
                                         related_name="service_circle_sites")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # the designations and the health network are public record

    class Meta:
        verbose_name = _("15-minute service circle site")
        verbose_name_plural = _("15-minute service circle sites")
        ordering = ["street__code", "code"]
        constraints = [
            # A demonstration site has its level; a health site has none.
            models.CheckConstraint(
                condition=(Q(kind="demonstration") & ~Q(level="")) | (~Q(kind="demonstration") & Q(level="")),
                name="circle_site_level_by_kind"),
        ]

    def __str__(self):
        return self.name


class ServiceProvider(models.Model):
    """A service provider contracted into the service circle (签约服务商)."""

    class Field(models.TextChoices):
        CATERING = "catering", _("Meals and catering")
        HOUSEKEEPING = "housekeeping", _("Housekeeping")
        ELDERLY = "elderly", _("Elderly care")
        HEALTH = "health", _("Health")
        REPAIR = "repair", _("Repairs")
        RETAIL = "retail", _("Daily retail")
        LAUNDRY = "laundry", _("Laundry and tailoring")
        CHILDCARE = "childcare", _("Childcare")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("service field"), max_length=16, choices=Field.choices)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone], blank=True)
    contracted_on = models.DateField(_("contracted on"))
    contract_ends_on = models.DateField(_("contract ends on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)

    class Meta:
        verbose_name = _("contracted service provider")
        verbose_name_plural = _("contracted service providers")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def is_under_contract(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.contracted_on <= on and (self.contract_ends_on is None or on <= self.contract_ends_on)


class ServiceOutlet(models.Model):
    """A provider's outlet (服务网点) inside a community."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    provider = models.ForeignKey(ServiceProvider, verbose_name=_("provider"), on_delete=models.CASCADE,
                                 related_name="outlets")
    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="service_outlets")
    site = models.ForeignKey(ServiceCircleSite, verbose_name=_("service circle site"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="outlets")
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service outlet")
        verbose_name_plural = _("service outlets")
        ordering = ["code"]

    def __str__(self):
        return f"{self.provider} · {self.community}"


# ---------------------------------------------------------------------------------------------
# Must-visit households (九必访)


class VisitCategory(models.Model):
    """One of the nine must-visit categories with its visit frequency (configurable)."""

    class Code(models.TextChoices):
        HARDSHIP = "hardship", _("Hardship household")
        EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
        DISABLED = "disabled", _("Household with disabled people")
        UNEMPLOYED = "unemployed", _("Family of the unemployed")
        KEY_ASSISTANCE = "key_assistance", _("Family under key assistance")
        ILLNESS_ACCIDENT = "illness_accident", _("Family hit by serious illness or accident")
        NEIGHBOUR_DISPUTE = "neighbour_dispute", _("Family in a sharp neighbour dispute")
        MILITARY = "military", _("Military or veteran support family")
        PARTY_MEMBER = "party_member", _("Party member or representative")

    code = models.CharField(_("category"), max_length=32, choices=Code.choices, unique=True)
    interval_days = models.PositiveSmallIntegerField(
        _("visit at least every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)

    class Meta:
        verbose_name = _("must-visit category")
        verbose_name_plural = _("must-visit categories")
        ordering = ["id"]

    def __str__(self):
        return self.get_code_display()


class Household(models.Model):
    """A household on a grid's must-visit register. Sensitive: grid staff and supervisors only."""

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="households",
                             limit_choices_to=UNIT_GRID)
    head_name = models.CharField(_("head of household"), max_length=50)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone], blank=True)
    members = models.PositiveSmallIntegerField(_("members"), default=1, validators=[MinValueValidator(1)])
    categories = models.ManyToManyField(VisitCategory, verbose_name=_("categories"), related_name="households")
    note = models.TextField(_("note"), blank=True)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    active = models.BooleanField(_("on the register"), default=True)
    left_reason = models.CharField(_("reason for leaving the register"), max_length=200, blank=True)
    last_visited_on = models.DateField(_("last visited on"), null=True, blank=True)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True)
    is_overdue = models.BooleanField(_("visit overdue"), default=False)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    house = models.ForeignKey(House, verbose_name=_("house on the register"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="must_visit_households",
                              help_text=_("The house of the grid's base register the household lives in"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", roles=SENSITIVE_ROLES)

    class Meta:
        verbose_name = _("must-visit household")
        verbose_name_plural = _("must-visit households")
        ordering = ["grid__code", "address"]
        indexes = [
            # The overdue sweep reads only households still waiting to be flagged.
            models.Index(fields=["next_visit_due"], name="household_due_idx",
                         condition=Q(active=True, is_overdue=False)),
        ]

    def __str__(self):
        return f"{self.head_name} · {self.address}"


class Visit(models.Model):
    class Mode(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone call")
        ELSEWHERE = "elsewhere", _("Met elsewhere")

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.CASCADE,
                                  related_name="visits")
    visited_on = models.DateField(_("visited on"))
    mode = models.CharField(_("how"), max_length=16, choices=Mode.choices, default=Mode.HOME)
    summary = models.TextField(_("what was found"))
    needs_follow_up = models.BooleanField(_("needs follow-up"), default=False)
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visitor"), null=True,
                                on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="household__grid__code", roles=SENSITIVE_ROLES)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.household} · {self.visited_on}"


# ---------------------------------------------------------------------------------------------
# Must-attend events (六必到)


class AttendanceRecord(models.Model):
    class Situation(models.TextChoices):
        MOOD_UNSETTLED = "mood_unsettled", _("Residents' mood unsettled")
        VOLUNTEER_SERVICE = "volunteer_service", _("Resident volunteer service")
        HARDSHIP_ILLNESS = "hardship_illness", _("A resident in hardship or seriously ill")
        EMERGENCY = "emergency", _("A community emergency")
        NEIGHBOUR_DISPUTE = "neighbour_dispute", _("A neighbour dispute")
        MUTUAL_AID = "mutual_aid", _("Neighbourly mutual aid")

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT,
                             related_name="attendance_records", limit_choices_to=UNIT_GRID)
    situation = models.CharField(_("situation"), max_length=32, choices=Situation.choices)
    occurred_on = models.DateField(_("occurred on"))
    attended_on = models.DateField(_("attended on"))
    place = models.CharField(_("place"), max_length=200)
    residents = models.CharField(_("residents concerned"), max_length=200, blank=True)
    action_taken = models.TextField(_("what was done"))
    household = models.ForeignKey(Household, verbose_name=_("must-visit household"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="attendance_records")
    attendee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attended by"), null=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", roles=SENSITIVE_ROLES)

    class Meta:
        verbose_name = _("must-attend record")
        verbose_name_plural = _("must-attend records")
        ordering = ["-attended_on", "-id"]

    def __str__(self):
        return f"{self.get_situation_display()} · {self.attended_on}"


# ---------------------------------------------------------------------------------------------
# Volunteers


class VolunteerOrg(models.Model):
    """A node of the volunteer network: district federation → street branches → community stations."""

    class Level(models.TextChoices):
        FEDERATION = "federation", _("District volunteer federation")
        BRANCH = "branch", _("Street branch")
        STATION = "station", _("Community volunteer station")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    street = models.ForeignKey(Grid, verbose_name=_("street/town"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="volunteer_orgs", limit_choices_to=STREET_GRID)
    community = models.ForeignKey(Community, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="volunteer_orgs")
    area_code = models.CharField(_("area code"), max_length=12, db_index=True, editable=False,
                                 help_text=_("The code of the district, street or community it serves"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # the district's public organisation chart

    class Meta:
        verbose_name = _("volunteer organisation")
        verbose_name_plural = _("volunteer network")
        ordering = ["area_code", "code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.community_id:
            self.area_code = Community.objects.values_list("code", flat=True).get(pk=self.community_id)
        elif self.street_id:
            self.area_code = Grid.objects.values_list("code", flat=True).get(pk=self.street_id)
        else:
            self.area_code = settings.DISTRICT_CODE
        super().save(*args, **kwargs)


class VolunteerSkill(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("volunteer skill")
        verbose_name_plural = _("volunteer skills")
        ordering = ["id"]

    def __str__(self):
        return self.name


class VolunteerTeam(models.Model):
    class Field(models.TextChoices):
        ELDERLY_HELP = "elderly_help", _("Help for the elderly and disabled")
        ENVIRONMENT = "environment", _("Environment")
        CULTURE = "culture", _("Culture and sport")
        SAFETY = "safety", _("Public safety patrol")
        EDUCATION = "education", _("Education and tutoring")
        HEALTH = "health", _("Health care")
        LEGAL = "legal", _("Legal aid")
        OTHER = "other", _("Other")

    org = models.ForeignKey(VolunteerOrg, verbose_name=_("belongs to"), on_delete=models.PROTECT,
                            related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("service field"), max_length=16, choices=Field.choices, default=Field.OTHER)
    brand = models.CharField(_("brand"), max_length=40, blank=True, help_text=_("e.g. 手拉手, 天使之爱, 霞光计划"))
    leader_name = models.CharField(_("leader"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded on"), default=timezone.localdate)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="org__area_code")

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["org__area_code", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="volunteer_team_name_per_org")]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    full_name = models.CharField(_("full name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])
    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="volunteers")
    skills = models.ManyToManyField(VolunteerSkill, verbose_name=_("skills"), blank=True, related_name="volunteers")
    teams = models.ManyToManyField(VolunteerTeam, verbose_name=_("teams"), blank=True, related_name="members")
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="community__code")

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community__code", "full_name"]
        constraints = [models.UniqueConstraint(fields=["community", "phone"], name="volunteer_phone_per_community")]

    def __str__(self):
        return self.full_name


class VolunteerActivity(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for sign-up")
        CLOSED = "closed", _("Closed (attendance recorded)")
        CANCELLED = "cancelled", _("Cancelled")

    team = models.ForeignKey(VolunteerTeam, verbose_name=_("team"), on_delete=models.PROTECT,
                             related_name="activities")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(pgettext_lazy("volunteer activity", "description"), blank=True)
    community = models.ForeignKey(Community, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="volunteer_activities")
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="team__org__area_code")

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    @property
    def duration_hours(self) -> float:
        return round((self.ends_at - self.starts_at) / timedelta(hours=1), 1)


class ActivitySignup(models.Model):
    class Attendance(models.TextChoices):
        SIGNED_UP = "signed_up", _("Signed up")
        ATTENDED = "attended", pgettext_lazy("attendance status", "Attended")
        ABSENT = "absent", _("Absent")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    activity = models.ForeignKey(VolunteerActivity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="signups")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="signups")
    signed_up_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    attendance = models.CharField(_("attendance"), max_length=16, choices=Attendance.choices,
                                  default=Attendance.SIGNED_UP)
    hours = models.DecimalField(_("service hours"), max_digits=5, decimal_places=1, default=0,
                                validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("activity sign-up")
        verbose_name_plural = _("activity sign-ups")
        ordering = ["signed_up_at"]
        constraints = [models.UniqueConstraint(fields=["activity", "volunteer"], name="one_signup_per_volunteer")]

    def __str__(self):
        return f"{self.volunteer} · {self.activity}"


# ---------------------------------------------------------------------------------------------
# Neighbour care (邻里守望)


class CareTarget(models.Model):
    """A resident in need of neighbourly watch, located down to building, entrance and floor."""

    class Kind(models.TextChoices):
        EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
        HARDSHIP = "hardship", _("Hardship family")
        DISABLED = "disabled", _("Disabled person")
        NEW_RESIDENT = "new_resident", _("New resident")

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="care_targets",
                             limit_choices_to=UNIT_GRID)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    building = models.CharField(_("building"), max_length=20)
    entrance = models.CharField(_("entrance"), max_length=20, blank=True)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone], blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", roles=SENSITIVE_ROLES)

    class Meta:
        verbose_name = _("neighbour-care resident")
        verbose_name_plural = _("neighbour-care residents")
        ordering = ["grid__code", "building", "entrance", "floor"]

    def __str__(self):
        return f"{self.name} · {self.building}"


class CarePairing(models.Model):
    class Relation(models.TextChoices):
        NEIGHBOUR = "neighbour", _("Neighbour")
        VOLUNTEER = "volunteer", _("Volunteer")
        PARTY_MEMBER = "party_member", _("Party member")
        BUILDING_HEAD = "building_head", _("Building head")

    target = models.ForeignKey(CareTarget, verbose_name=_("resident cared for"), on_delete=models.CASCADE,
                               related_name="pairings")
    helper_name = models.CharField(_("helper"), max_length=50)
    helper_phone = models.CharField(_("helper's phone"), max_length=20, validators=[validate_phone])
    relation = models.CharField(_("helper is a"), max_length=16, choices=Relation.choices, default=Relation.NEIGHBOUR)
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="care_pairings")
    started_on = models.DateField(_("paired on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="target__grid__code", roles=SENSITIVE_ROLES)

    class Meta:
        verbose_name = _("neighbour-care pairing")
        verbose_name_plural = _("neighbour-care pairings")
        ordering = ["-started_on", "-id"]

    def __str__(self):
        return f"{self.helper_name} → {self.target}"

    @property
    def active(self) -> bool:
        return self.ended_on is None


class CareContact(models.Model):
    class Mode(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone call")
        MESSAGE = "message", _("Message")

    pairing = models.ForeignKey(CarePairing, verbose_name=_("pairing"), on_delete=models.CASCADE,
                                related_name="contacts")
    contacted_on = models.DateField(_("contacted on"))
    mode = models.CharField(_("how"), max_length=16, choices=Mode.choices, default=Mode.VISIT)
    note = models.CharField(_("note"), max_length=300)
    concern_raised = models.BooleanField(_("raised a concern"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="pairing__target__grid__code", roles=SENSITIVE_ROLES)

    class Meta:
        verbose_name = _("neighbour-care contact")
        verbose_name_plural = _("neighbour-care contacts")
        ordering = ["-contacted_on", "-id"]

    def __str__(self):
        return f"{self.pairing} · {self.contacted_on}"


# ---------------------------------------------------------------------------------------------
# Community structures: 三位一体 (party organisation, residents' committee, service station) and
# 四方共建 (with the owners' committees and property companies of the community's compounds)

# A committee's term or a property contract ending within this many days is flagged.
TERM_WARNING_DAYS = 90


class Body(models.TextChoices):
    """The three bodies of a community (三位一体)."""

    PARTY_ORG = "party_org", _("Community party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    SERVICE_STATION = "service_station", _("Community service station")


class BodyPost(models.Model):
    """A staff member's post in one of the community's three bodies; one person may hold posts in
    several (the secretary often chairs the residents' committee too, 一肩挑)."""

    class Title(models.TextChoices):
        SECRETARY = "secretary", _("Secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
        DIRECTOR = "director", _("Director")
        DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
        STATION_HEAD = "station_head", _("Station head")
        MEMBER = "member", _("Member")

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.CASCADE,
                                  related_name="body_posts")
    body = models.CharField(_("body"), max_length=32, choices=Body.choices)
    title = models.CharField(pgettext_lazy("body post", "title"), max_length=32, choices=Title.choices)
    staff = models.ForeignKey(StaffProfile, verbose_name=_("staff member"), on_delete=models.CASCADE,
                              related_name="body_posts")

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="community__code")

    class Meta:
        verbose_name = _("post in a community body")
        verbose_name_plural = _("posts in community bodies")
        ordering = ["community__code", "body", "title", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "body", "staff"], name="one_post_per_body")]

    def __str__(self):
        return f"{self.staff.full_name} · {self.get_body_display()} {self.get_title_display()}"


class TermQuerySet(ScopedQuerySet):
    def ending(self, on=None) -> models.QuerySet:
        """Those whose term ends within ``TERM_WARNING_DAYS`` of ``on`` (today), or has ended."""
        on = on or timezone.localdate()
        return self.filter(ends_on__lte=on + timedelta(days=TERM_WARNING_DAYS))


class CompoundBody(models.Model):
    """A body of a residential compound (小区) of a community, with a term: an owners' committee or a
    property company under contract. A blank compound means the whole community."""

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT)
    compound = models.CharField(_("residential compound"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = TermQuerySet.as_manager()
    scope_path = ScopePath(area="community__code")

    class Meta:
        abstract = True
        ordering = ["community__code", "compound", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "compound", "name"], name="%(class)s_once"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="%(class)s_term_order"),
        ]

    def __str__(self):
        return f"{self.compound} · {self.name}" if self.compound else self.name

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The end is not after the start.")})

    @property
    def anchor(self) -> str:
        """Its place on the community's page (``#ownerscommittee-3``)."""
        return f"{self._meta.model_name}-{self.pk}"

    @property
    def kind_label(self) -> str:
        return str(self._meta.verbose_name)

    def days_left(self, on=None) -> int:
        return (self.ends_on - (on or timezone.localdate())).days

    @property
    def has_ended(self) -> bool:
        return self.days_left() < 0

    @property
    def ends_soon(self) -> bool:
        """Ends within ``TERM_WARNING_DAYS`` (and has not yet ended)."""
        return 0 <= self.days_left() <= TERM_WARNING_DAYS


class OwnersCommittee(CompoundBody):
    """An owners' committee (业主委员会), elected by a compound's owners for a term."""

    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(_("term ends on"))

    class Meta(CompoundBody.Meta):
        verbose_name = _("owners' committee")
        verbose_name_plural = _("owners' committees")


class PropertyCompany(CompoundBody):
    """A property service company (物业服务企业) under contract for a compound."""

    starts_on = models.DateField(_("contract starts on"))
    ends_on = models.DateField(_("contract ends on"))

    class Meta(CompoundBody.Meta):
        verbose_name = _("property company")
        verbose_name_plural = _("property companies")


class BodyContact(models.Model):
    """A contact person of an owners' committee or a property company. Their phone is shown in full
    only to the staff who serve the community (``structures.sees_contact_phones``)."""

    owners_committee = models.ForeignKey(OwnersCommittee, verbose_name=_("owners' committee"), null=True,
                                         blank=True, on_delete=models.CASCADE, related_name="contacts")
    property_company = models.ForeignKey(PropertyCompany, verbose_name=_("property company"), null=True,
                                         blank=True, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    role = models.CharField(pgettext_lazy("contact", "role"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owners_committee__isnull=True) ^ Q(property_company__isnull=True),
                name="contact_of_one_body"),
        ]

    def __str__(self):
        return f"{self.name} ({self.role})"


# ---------------------------------------------------------------------------------------------
# Deliberation (议事协商)


class Party(models.TextChoices):
    """The six parties of community deliberation (六方联动)."""

    PARTY_ORG = "party_org", _("Community party organisation")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property management company")
    UNITS = "units", _("Units in the area")
    RESIDENTS = "residents", _("Resident representatives")


class DeliberationMeeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="deliberation_meetings")
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    decision = models.TextField(_("decision"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="community__code")

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.topic


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(DeliberationMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="participants")
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    # 四方共建: the owners' committee or property company a participant speaks for (older rows may
    # name it in ``affiliation`` only).
    owners_committee = models.ForeignKey(OwnersCommittee, verbose_name=_("owners' committee"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="participants")
    property_company = models.ForeignKey(PropertyCompany, verbose_name=_("property company"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="participants")

    class Meta:
        verbose_name = _("meeting participant")
        verbose_name_plural = _("meeting participants")
        ordering = ["party", "name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "party", "name"], name="participant_once")]

    def __str__(self):
        return f"{self.name} ({self.get_party_display()})"


class FollowUpAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up action status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", pgettext_lazy("follow-up action status", "Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(DeliberationMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    owner_name = models.CharField(_("owner"), max_length=50)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    result = models.TextField(_("result"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="meeting__community__code")

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.description

    @property
    def is_late(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS) and self.due_on < timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Practical matters for the people (为民办实事)


def _tracking_code() -> str:
    """The proposer's tracking code: the same format as a case's follow-up code (``core.tracking``)."""
    return tracking.new_code(taken=lambda code: PracticalMatter.objects.filter(tracking_code=code).exists())


class PracticalMatter(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("practical matter status", "Proposed")
        SELECTED = "selected", _("Selected")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        ACCEPTED = "accepted", _("Accepted (done)")
        REJECTED = "rejected", _("Not taken up")

    class Source(models.TextChoices):
        RESIDENT = "resident", _("Proposed by a resident")
        STAFF = "staff", _("Proposed by staff")

    # Statuses the public may see, and in which a matter counts as the community's project of a year.
    PUBLIC_STATUSES = (Status.SELECTED, Status.PLANNED, Status.IN_PROGRESS, Status.ACCEPTED)

    tracking_code = models.CharField(_("tracking code"), max_length=10, unique=True, default=_tracking_code,
                                     editable=False)
    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT,
                                  related_name="practical_matters")
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(pgettext_lazy("practical matter", "description"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.RESIDENT)
    proposer_name = models.CharField(_("proposer"), max_length=50, blank=True)
    proposer_phone = models.CharField(_("proposer's phone"), max_length=20, validators=[validate_phone], blank=True)
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    is_key = models.BooleanField(_("key project (重要实事)"), default=False)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    owner_name = models.CharField(_("responsible person"), max_length=50, blank=True)
    owner_unit = models.CharField(_("responsible unit"), max_length=100, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    rejection_reason = models.CharField(_("reason not taken up"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="community__code")

    class Meta:
        verbose_name = _("practical matter")
        verbose_name_plural = _("practical matters")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["community", "year", "status"])]

    def __str__(self):
        return self.title

    @property
    def display_code(self) -> str:
        """The tracking code as residents read it ("K7QM-3XHD")."""
        return tracking.display(self.tracking_code)


class MatterMilestone(models.Model):
    matter = models.ForeignKey(PracticalMatter, verbose_name=_("practical matter"), on_delete=models.CASCADE,
                               related_name="milestones")
    title = models.CharField(_("milestone"), max_length=100)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class MatterComment(models.Model):
    matter = models.ForeignKey(PracticalMatter, verbose_name=_("practical matter"), on_delete=models.CASCADE,
                               related_name="comments")
    author_name = models.CharField(pgettext_lazy("comment author", "name"), max_length=50)
    body = models.TextField(_("comment"), max_length=1000)
    by_staff = models.BooleanField(_("reply by staff"), default=False)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.author_name}: {self.body[:20]}"


class MatterRating(models.Model):
    matter = models.ForeignKey(PracticalMatter, verbose_name=_("practical matter"), on_delete=models.CASCADE,
                               related_name="ratings")
    score = models.PositiveSmallIntegerField(_("satisfaction (1–5)"),
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    remark = models.CharField(_("remark"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.matter} · {self.score}"
