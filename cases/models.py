"""Cases (问题/案件) and everything that hangs off them.

The lifecycle itself — statuses, tiers, the transition table — lives in ``workflow.py``; the only
code that changes a case is ``services.case_act`` (and ``case_create`` / the deadline sweep).
"""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import tracking
from core.models import AppendOnlyModel
from core.roles import Role, role_of
from core.scoping import EVERY_ROW, NO_ROW, VIEW, Rows, Scope, ScopedQuerySet, ScopePath, scope_of
from grids.geometry import street_and_unit_ids
from grids.models import Grid, StreetUnit

from .replies import unknown_placeholders
from .workflow import OPEN, Action, Light, PartyRole, PartyStatus, Source, Status, Tier, Urgency, Whistle


class Category(models.Model):
    """A class or subclass of the case catalogue, after the national city-management standard
    (components 部件 / events 事件) plus the ten grid work contents. Subclasses carry the routing
    and the time limit of each step: working hours for normal cases, clock hours when urgent."""

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # the catalogue is the same for everyone

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Component (部件)")
        EVENT = "event", _("Event (事件)")
        GRID_WORK = "grid_work", _("Grid work")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("class"), null=True, blank=True, on_delete=models.PROTECT, related_name="subclasses"
    )
    default_tier = models.CharField(_("default tier"), max_length=8, choices=Tier.choices, default=Tier.SMALL)
    department = models.ForeignKey(
        "grids.Department", verbose_name=_("responsible department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="categories",
    )
    file_hours = models.DecimalField(_("filing limit (working hours)"), max_digits=6, decimal_places=2, default=2)
    dispatch_hours = models.DecimalField(_("dispatch limit (working hours)"), max_digits=6, decimal_places=2, default=2)
    handle_hours = models.DecimalField(_("handling limit (working hours)"), max_digits=6, decimal_places=2, default=40)
    verify_hours = models.DecimalField(_("verification limit (working hours)"), max_digits=6, decimal_places=2,
                                       default=8)
    urgent_file_hours = models.DecimalField(_("urgent filing limit (hours)"), max_digits=6, decimal_places=2,
                                            default=0.5)
    urgent_dispatch_hours = models.DecimalField(_("urgent dispatch limit (hours)"), max_digits=6, decimal_places=2,
                                                default=0.5)
    urgent_handle_hours = models.DecimalField(_("urgent handling limit (hours)"), max_digits=6, decimal_places=2,
                                              default=4)
    urgent_verify_hours = models.DecimalField(_("urgent verification limit (hours)"), max_digits=6, decimal_places=2,
                                              default=2)
    must_report_item = models.PositiveSmallIntegerField(
        _("must-report item (九必报 1–9)"), null=True, blank=True, unique=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    active = models.BooleanField(_("in use"), default=True)
    # The public report page and Open311 offer only these (litter, roads, lighting, noise…); the
    # grid work on population, security and petitions is reported by staff.
    open_to_residents = models.BooleanField(
        _("open to residents"), default=False,
        help_text=_("Residents may report this on the public page and through Open311."))
    history = HistoricalRecords()  # deadlines and routing depend on it: who changed which limit, when

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_subclass(self) -> bool:
        return self.parent_id is not None


class Route(models.Model):
    """One line of the routing table (派遣路由): in a tier, which kind of unit handles a category's cases, in
    order of preference. The dispatch form and the API offer the routed units first; ``cases.routing`` resolves a
    line against a case's street and reports the lines that lead nowhere."""

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # the table is the same for everyone

    class Target(models.TextChoices):
        GRID_STAFF = "grid_staff", _("The grid's own staff")
        STATION = "station", _("The department's station in the case's street")
        SECTION = "section", _("A section of the case's street")
        TEAM = "team", _("The street's joint enforcement team")
        DEPARTMENT = "department", _("The district department")

    # Which targets each tier's dispatcher may route to.
    TIER_TARGETS = {
        Tier.MICRO: (Target.GRID_STAFF,),
        Tier.SMALL: (Target.STATION, Target.SECTION, Target.TEAM),
        Tier.LARGE: (Target.DEPARTMENT,),
    }

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE,
                                 related_name="routes")
    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    rank = models.PositiveSmallIntegerField(_("preference"), default=1,
                                            help_text=_("1 is tried first, then 2, and so on."))
    target = models.CharField(_("handled by"), max_length=12, choices=Target.choices)
    department = models.ForeignKey(
        "grids.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("For a station or the district department; empty means the category's own."),
    )
    section = models.CharField(_("section"), max_length=24, choices=StreetUnit.Section.choices, blank=True,
                               help_text=_("For a street section: which one."))
    history = HistoricalRecords()  # who changed which line when, shown in admin

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routing table")
        ordering = ["category__code", "tier", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["category", "tier", "rank"], name="route_rank_per_tier"),
            models.CheckConstraint(
                condition=Q(target="section") & ~Q(section="") | ~Q(target="section") & Q(section=""),
                name="route_section_iff_section_target"),
        ]

    def __str__(self):
        return f"{self.category.code} {self.get_tier_display()} {self.rank}: {self.get_target_display()}"

    def clean(self):
        if self.target not in self.TIER_TARGETS.get(self.tier, ()):
            raise ValidationError({"target": _("%(tier)s cases cannot be routed to this kind of unit.")
                                   % {"tier": self.get_tier_display()}})
        if (self.target == self.Target.SECTION) != bool(self.section):
            raise ValidationError({"section": _("Name a section exactly when the case goes to a street section.")})


def new_public_token() -> str:
    """The resident's follow-up code (``core.tracking``: 8 characters, no look-alikes)."""
    return tracking.new_code(taken=lambda code: Case.objects.filter(public_token=code).exists())


def case_grid_rows(user, scope: Scope, action: str) -> Rows:
    """Street and district staff see everything in their area (one index range per street);
    people serving smaller units — a grid, a community, a department — also see what they
    reported elsewhere. (Assignees need no clause: a case is assigned by name only to its grid's own
    staff, or to a unit's handler together with the unit, see ``routing.post_of``.)"""
    if scope.everywhere:
        return EVERY_ROW
    streets, units = street_and_unit_ids(scope.grid_codes) or _street_and_unit_ids(scope.grid_codes)
    rows = scope.id_rows("street_id", frozenset(streets)) | scope.id_rows("grid_id", frozenset(units))
    if scope.station_ids or scope.department_ids:
        # Units summoned to a joint case see it while it is joint. The flag keeps the clause on an index (the partial
        # case_joint_idx) so that a handler's list stays an index scan however many cases there are.
        rows |= Rows.where(Q(joint=True, pk__in=CaseParty.objects.filter(units_served(scope)).values("case_id")))
    return rows if streets else rows | Rows.where(Q(reporter_id=user.pk))


def _street_and_unit_ids(codes) -> tuple[list[int], list[int]]:
    levels = dict(Grid.objects.filter(code__in=codes).values_list("id", "level"))
    return ([pk for pk, level in levels.items() if level == Grid.Level.STREET],
            [pk for pk, level in levels.items() if level == Grid.Level.UNIT])


def units_served(scope: Scope) -> Q:
    """Summoned units (``CaseParty`` rows) the scope's stations and departments act for."""
    return Q(station_id__in=sorted(scope.station_ids)) | Q(department_id__in=sorted(scope.department_ids))


class Case(models.Model):
    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(department="department_id", station="station_id", rule=case_grid_rows)

    number = models.CharField(_("case number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    # The foreign keys below that lead a composite index of Meta.indexes have no index of their own: the composite
    # answers a look-up by the key alone as well, and every case written updates one index fewer.
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases",
                                 db_index=False)
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reporter"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reported_cases", db_index=False,
    )
    reporter_name = models.CharField(_("reporter name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    public_token = models.CharField(_("follow-up token"), max_length=24, unique=True, default=new_public_token)
    creation_key = models.CharField(_("idempotency key"), max_length=64, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    open311_client = models.ForeignKey(
        "Open311Client", verbose_name=_("Open311 client"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases",
    )

    # The grid patrol (网格巡察) on which a grid worker found the problem.
    patrol = models.ForeignKey("patrols.Patrol", verbose_name=_("found on patrol"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases_found")

    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    address = models.CharField(_("address"), max_length=200)
    grid = models.ForeignKey("grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="cases",
                             db_index=False)
    # The grid's street, kept on the case so that a street's queue is one index range.
    street = models.ForeignKey("grids.Grid", verbose_name=_("street/town"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)

    tier = models.CharField(_("tier"), max_length=8, choices=Tier.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    department = models.ForeignKey(
        "grids.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="cases", db_index=False,
    )
    station = models.ForeignKey(
        "grids.StreetUnit", verbose_name=_("department station"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases", db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_cases", db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    # Handled jointly (吹哨报到): several units summoned, the lead's unit in department/station (see CaseParty).
    joint = models.BooleanField(_("handled jointly"), default=False)
    result = models.TextField(_("handling result"), blank=True)

    # The clock of the current step. next_due_at is when the sweep must next look at the case.
    step_started_at = models.DateTimeField(_("step started"), null=True, blank=True)
    warn_at = models.DateTimeField(_("yellow warning at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("automatic escalation at"), null=True, blank=True)
    light = models.CharField(_("deadline light"), max_length=8, choices=Light.choices, default=Light.GREEN)
    next_due_at = models.DateTimeField(_("next deadline check"), null=True, blank=True)
    extension_requested_until = models.DateTimeField(_("extension requested until"), null=True, blank=True)

    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("escalations"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    overdue_steps = models.PositiveSmallIntegerField(_("steps overdue"), default=0)
    # Calls about the case after it was reported (the hotline desk's 追加来电, cases/hotline.py).
    follow_up_count = models.PositiveSmallIntegerField(_("follow-up calls"), default=0)

    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    satisfaction_comment = models.CharField(_("satisfaction comment"), max_length=500, blank=True)
    satisfaction_defaulted = models.BooleanField(_("evaluated by default"), default=False)
    # When a reached callback last found the problem unsolved: what lets the dispatcher reopen the case
    # (``workflow.callback_found_unsolved``) without a query per case on a list.
    unsolved_callback_at = models.DateTimeField(_("callback found it unsolved"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), db_index=True)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    # The response (响应) to the last dispatch: when the addressee must accept it by (fixed at dispatch,
    # ``deadlines.response_due``) and when they did. The response rate (``rates.py``) compares the two.
    response_due_at = models.DateTimeField(_("to be accepted by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("fed back"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        permissions = [("record_follow_up", _("Can record a caller's follow-up call on a case"))]
        indexes = [
            models.Index(fields=["street", "-id"], name="case_street_id_idx"),
            # A street's list narrowed to a category (the dispatcher's commonest filter): without it the planner ANDs
            # the street's and the category's bitmaps, 25–56 ms at 1 M cases, for 50 rows.
            models.Index(fields=["street", "category", "-id"], name="case_street_category_idx"),
            models.Index(fields=["grid", "-id"], name="case_grid_id_idx"),
            models.Index(fields=["department", "status"], name="case_department_status_idx"),
            models.Index(fields=["station", "status"], name="case_station_status_idx"),
            # A handler's list, newest first, is read one part of their scope at a time (department, station, the
            # joint cases they were summoned to, what they reported: ``ScopedQuerySet.by_scope_part``).
            models.Index(fields=["department", "-id"], name="case_department_id_idx"),
            models.Index(fields=["station", "-id"], name="case_station_id_idx"),
            # A street's dashboard counts the cases reported there today (live, every refresh): one short range.
            models.Index(fields=["street", "created_at"], name="case_street_created_idx"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status_idx"),
            models.Index(fields=["status", "tier"], name="case_status_tier_idx"),
            models.Index(fields=["category", "-id"], name="case_category_id_idx"),
            models.Index(fields=["reporter", "-id"], name="case_reporter_id_idx"),
            # A caller's earlier cases at the hotline desk (cases/hotline.py), newest first.
            models.Index(fields=["reporter_phone", "-created_at"], name="case_reporter_phone_idx",
                         condition=~Q(reporter_phone="")),
            # Only open cases with a clock carry next_due_at: the sweep's scan is proportional
            # to what falls due, not to how many cases exist.
            models.Index(fields=["next_due_at"], name="case_next_due_idx", condition=Q(next_due_at__isnull=False)),
            # Yellow and red cases by due time (the dashboard's overdue lists, soonest first) and by
            # street, station or department, newest first (an inbox filtered to its deadline lights). A new case is
            # green, so intake writes none of these.
            models.Index(fields=["light", "due_at"], name="case_light_due_idx", condition=~Q(light="green")),
            models.Index(fields=["street", "-id"], name="case_street_lit_idx", condition=~Q(light="green")),
            models.Index(fields=["station", "-id"], name="case_station_lit_idx", condition=~Q(light="green")),
            models.Index(fields=["department", "-id"], name="case_department_lit_idx", condition=~Q(light="green")),
            models.Index(fields=["closed_at"], name="case_closed_at_idx", condition=Q(closed_at__isnull=False)),
            models.Index(fields=["-id"], name="case_joint_idx", condition=Q(joint=True)),
            # Duplicate suggestions at intake (cases/duplicates.py): open cases of one category in a box around the
            # point, the suggestion window read from the index. Latitude leads: the box's 200 m band holds a few of
            # the category's open cases, where the week's reports (the window) are all of a busy category's.
            models.Index(fields=["category", "lat", "lng", "created_at"], name="case_open_category_box_idx",
                         condition=Q(status__in=OPEN)),
        ]
        constraints = [
            # The key is stored prefixed with its owner (user or Open311 client), see case_create.
            models.UniqueConstraint(
                fields=["creation_key"], name="case_idempotency_key", condition=Q(creation_key__isnull=False)
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_range",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.number])

    @property
    def follow_up_code(self) -> str:
        """The follow-up code as residents read it ("K7QM-3XHD")."""
        return tracking.display(self.public_token)

    @property
    def current_parties(self) -> list["CaseParty"]:
        """The units of the summons in force, the lead first (read once per instance)."""
        if not self.joint:
            return []
        if "_current_parties" not in self.__dict__:  # prefetched by selectors.with_relations for lists
            self.__dict__["_current_parties"] = list(parties_in_force().filter(case=self))
        return self.__dict__["_current_parties"]

    def forget_parties(self) -> None:
        self.__dict__.pop("_current_parties", None)

    def party_of(self, user) -> "CaseParty | None":
        """The summoned unit this user acts for, if any: a handler of the station (a team's member, a station's
        department) or of the department summoned."""
        if not self.joint or role_of(user) != Role.DEPARTMENT_HANDLER:
            return None
        scope = scope_of(user)
        return next((p for p in self.current_parties if p.station_id in scope.station_ids
                     or p.department_id in scope.department_ids), None)


class Summons(models.Model):
    """A dispatcher's whistle (吹哨) summoning several units to one case; they must report in (报到) by
    ``report_due_at``, which the whistle's kind sets. It ends when the case leaves the units (the lead returns it, or
    it is escalated); the units' parts stay on record."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="summonses")
    kind = models.CharField(_("whistle"), max_length=12, choices=Whistle.choices)
    summoned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("summoned by"), on_delete=models.PROTECT,
                                    related_name="+")
    summoned_at = models.DateTimeField(_("summoned"))
    report_due_at = models.DateTimeField(_("report in by"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["case_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True),
                                               name="one_summons_in_force_per_case")]


class CaseParty(models.Model):
    """One summoned unit's part of a joint case: its own report-in, handling deadline, feedback or return."""

    summons = models.ForeignKey(Summons, on_delete=models.PROTECT, related_name="parties")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("part"), max_length=8, choices=PartyRole.choices)
    department = models.ForeignKey("grids.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("grids.StreetUnit", verbose_name=_("street unit"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=PartyStatus.choices, default=PartyStatus.SUMMONED)
    reported_at = models.DateTimeField(_("reported in"), null=True, blank=True)
    reported_late = models.BooleanField(_("reported in late"), default=False)
    warn_at = models.DateTimeField(_("yellow warning at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("fed back"), null=True, blank=True)
    fed_back_late = models.BooleanField(_("fed back late"), default=False)
    result = models.TextField(_("handling result"), blank=True)
    return_reason = models.CharField(_("return reason"), max_length=2000, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)

    class Meta:
        verbose_name = _("summoned unit")
        verbose_name_plural = _("summoned units")
        ordering = ["case_id", "summons_id", "-role", "pk"]  # the lead ("lead" > "co") first
        constraints = [
            models.CheckConstraint(condition=Q(department__isnull=False) | Q(station__isnull=False),
                                   name="party_names_a_unit"),
            models.UniqueConstraint(fields=["summons"], condition=Q(role="lead"), name="one_lead_per_summons"),
        ]

    def __str__(self):
        return self.unit_name

    @property
    def unit_name(self) -> str:
        return self.station.name if self.station_id else self.department.name

    @property
    def unit_code(self) -> str:
        return self.station.code if self.station_id else self.department.code

    def light(self, now) -> str:
        """This part's own deadline light: the report-in time until it reports in, then its handling limit."""
        if self.status in (PartyStatus.FED_BACK, PartyStatus.RETURNED, PartyStatus.WITHDRAWN):
            return ""
        if self.status == PartyStatus.SUMMONED:
            return Light.RED if now > self.summons.report_due_at else Light.GREEN
        return Light.RED if now > self.due_at else Light.YELLOW if now > self.warn_at else Light.GREEN


class Callback(AppendOnlyModel):
    """A call back to the reporter after closure (回访): reached or not, and if reached whether the problem is
    solved and how satisfied they are. A case may have several (not reached, then reached); each is also an event
    of the case's trail. Written only by ``callbacks.callback_record``."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="callbacks")
    reached = models.BooleanField(_("reached the reporter"))
    solved = models.BooleanField(_("problem solved"), null=True, blank=True,
                                 help_text=_("Only when the reporter was reached."))
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Only when the reporter was reached."))
    note = models.CharField(_("note"), max_length=2000, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT,
                                  related_name="+")
    called_at = models.DateTimeField(_("called at"))

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["case_id", "called_at", "id"]
        indexes = [models.Index(fields=["case", "-called_at"], name="callback_case_recent_idx")]
        constraints = [
            # What a caller who was not reached cannot have said.
            models.CheckConstraint(
                condition=Q(reached=True) | Q(solved__isnull=True, satisfaction__isnull=True),
                name="callback_unreached_says_nothing"),
            models.CheckConstraint(
                condition=Q(reached=False) | Q(solved__isnull=False),
                name="callback_reached_says_if_solved"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="callback_satisfaction_range"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.called_at:%Y-%m-%d %H:%M}"


def parties_in_force() -> models.QuerySet:
    """Summoned units of the summonses in force, the lead ("lead" > "co") first, with what a case's page reads."""
    return (CaseParty.objects.filter(summons__ended_at__isnull=True).select_related("department", "station", "summons")
            .order_by("-role", "pk"))


class CaseCounter(models.Model):
    """Daily serial of case numbers (HDyyyymmdd + 6 digits)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseEvent(AppendOnlyModel):
    """One entry of a case's audit trail. Never updated or deleted (the application refuses, and
    on PostgreSQL a trigger refuses too); each carries a hash of its content and of the previous
    event, so ``verify_events`` detects any change to the trail."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(max_length=80, blank=True)
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    from_tier = models.CharField(max_length=8, blank=True)
    to_tier = models.CharField(max_length=8)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq")]


def attachment_path(instance, filename):
    return f"cases/{instance.case.number}/{instance.stage}-{secrets.token_hex(6)}.{instance.extension}"


def thumbnail_path(instance, filename):
    """Beside the photo: ``<photo name>-thumb.jpg``."""
    return f"{instance.file.name.rsplit('.', 1)[0]}-thumb.jpg"


class Attachment(models.Model):
    class Stage(models.TextChoices):
        BEFORE = "before", _("Before handling")
        AFTER = "after", _("After handling")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    file = models.FileField(_("file"), upload_to=attachment_path)
    # A small JPEG for the case page (photos of earlier releases have none: the page shows the photo itself).
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_path, blank=True)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]


def export_path(instance, filename):
    return f"exports/{instance.requested_by_id}/{secrets.token_hex(8)}-{filename}"


class CaseExport(models.Model):
    """The case list as a spreadsheet, written by a background job (``cases/exports.py``) while its requester
    watches the progress. The rows are those the requester saw when asking; the job is theirs alone."""

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel workbook")
        CSV = "csv", _("CSV text file")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    query = models.CharField(max_length=2000, blank=True)  # the case list's filters, as its query string
    language = models.CharField(max_length=12)  # the headings' and labels' language: the requester's
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the worker's last sign of life while it writes

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(person="requested_by_id")  # nobody else's, whatever their scope

    class Meta:
        verbose_name = _("case export")
        verbose_name_plural = _("case exports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["requested_by", "created_at"], name="case_export_requested_idx")]

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.rows_written * 100 // self.rows_total) if self.rows_total else 0

    @property
    def filename(self) -> str:
        return f"cases-{timezone.localtime(self.created_at):%Y%m%d-%H%M}.{self.format}"

    @property
    def content_type(self) -> str:
        return EXPORT_CONTENT_TYPES[self.format]


EXPORT_CONTENT_TYPES = {CaseExport.Format.CSV: "text/csv; charset=utf-8",
                        CaseExport.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class Open311Client(models.Model):
    """A system allowed to POST service requests through Open311 (e.g. the hotline)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField(_("key prefix"), max_length=8)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self):
        return self.name


def department_of(user) -> int | None:
    """The id of the professional department a person works for (a station's staff: the station's department)."""
    profile = getattr(user, "staff_profile", None) if getattr(user, "is_authenticated", False) else None
    return profile.department_id if profile else None


def reply_template_rows(user, scope: Scope, action: str) -> Rows:
    """The district (and superusers) see and manage every template; anyone else sees the district-wide ones and
    their own department's, and manages only their own department's."""
    if scope.everywhere:
        return EVERY_ROW
    department_id = department_of(user)
    own = Rows.where(Q(department_id=department_id)) if department_id else NO_ROW
    return own | Rows.where(Q(department__isnull=True)) if action == VIEW else own


class ReplyTemplate(models.Model):
    """A stock wording (常用语) for the free text of an action: a feedback's result, a return's, rejection's or
    rework's reason, a callback's note. A department keeps its own; those without a department are the district's,
    for everyone. The text may name the case's facts as placeholders (``replies.PLACEHOLDERS``)."""

    class Use(models.TextChoices):
        FEEDBACK = Action.FEEDBACK.value, Action.FEEDBACK.label
        RETURN = Action.RETURN.value, Action.RETURN.label
        REJECT = Action.REJECT.value, Action.REJECT.label
        REWORK = Action.REWORK.value, Action.REWORK.label
        CALLBACK = "callback", _("Callback")

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(rule=reply_template_rows)

    department = models.ForeignKey(
        "grids.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reply_templates", help_text=_("Empty: a district-wide wording, offered to everyone."))
    action = models.CharField(_("used for"), max_length=16, choices=Use.choices)
    title = models.CharField(_("title"), max_length=40, help_text=_("What the picker shows."))
    text = models.TextField(
        _("text"), max_length=2000,
        help_text=_("Placeholders: {case_number} the case number, {deadline} its due time, {grid} its grid's name."))
    rank = models.PositiveSmallIntegerField(_("order"), default=10, help_text=_("Smaller numbers are listed first."))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["action", "rank", "id"]
        indexes = [models.Index(fields=["action", "department", "rank"], name="reply_template_offer_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        unknown = unknown_placeholders(self.text)
        if unknown:
            raise ValidationError({"text": _("Unknown placeholder(s): %(names)s. Use {case_number}, {deadline} or "
                                             "{grid}.") % {"names": ", ".join(unknown)}})


class DashboardSnapshot(models.Model):
    """The district's dashboard aggregates of one Beijing day as the beat task last computed them. A cold cache (a
    restarted Redis, the first screen after a quiet spell) reads them here in one row instead of scanning every
    case; only today's row is kept."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField()
    figures = models.JSONField()

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
