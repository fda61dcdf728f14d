"""Social organisations (社会组织): registration and filing, incubation, government purchase of
services, awards, complaints (群众举报) and what is disclosed to the public.

An organisation lives in an *area*: the street it is filed at or registered in, or the district
for district-level bodies (``area_code``). Who may see it follows from that area and the user's
scope (``scope_path``, applied by ``Model.objects.visible_to(user)``); its tenancies, incubation
services, awards and complaints follow it; a purchased project lives in the street it serves (or
the district); incubation sites and the catalogue are reference data, seen by every role that may
see them at all. Who may act on what is in ``workflow.py``.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import Rows, ScopedQuerySet, ScopePath
from grids.models import Community, Grid

STREET_GRID = {"level": Grid.Level.STREET}
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
credit_code_shape = RegexValidator(r"^[0-9A-HJ-NPQRTUWXY]{18}$",
                                   _("A unified social credit code has 18 digits or capital letters."))


def credit_code_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100-2015)."""
    weighted = zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    total = sum(CREDIT_CODE_CHARS.index(char) * weight for char, weight in weighted)
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def credit_code(value: str) -> None:
    credit_code_shape(value)
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The check character of this credit code is wrong."))


class SocialOrganisation(models.Model):
    class Kind(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group (社会团体)")
        PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit (民办非企业单位)")
        COMMUNITY = "community", _("Community social organisation (社区社会组织)")

    class Field(models.TextChoices):
        TRADE = "trade", _("Trade association or chamber of commerce")
        SCIENCE = "science", _("Science and technology")
        CHARITY = "charity", _("Public welfare and charity")
        COMMUNITY_SERVICE = "community_service", _("Urban and rural community services")
        OTHER = "other", _("Other")

    class Route(models.TextChoices):
        DIRECT = "direct", _("Direct registration (直接登记)")
        SUPERVISED = "supervised", _("Registration with a supervising unit")
        FILING = "filing", _("Filing at the street (街道备案)")

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("organisation status", "Applied")
        REGISTERED = "registered", _("Registered")
        FILED = "filed", pgettext_lazy("organisation status", "Filed")
        ACTIVE = "active", _("Active")
        DEREGISTERED = "deregistered", _("Deregistered (exited)")
        REJECTED = "rejected", _("Application refused")

    # The four kinds of work registered directly, without a supervising unit.
    DIRECT_FIELDS = (Field.TRADE, Field.SCIENCE, Field.CHARITY, Field.COMMUNITY_SERVICE)
    # Statuses in which an organisation exists in law and is listed publicly.
    STANDING = (Status.REGISTERED, Status.FILED, Status.ACTIVE)

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    field = models.CharField(_("field of work"), max_length=32, choices=Field.choices)
    route = models.CharField(_("registration route"), max_length=16, choices=Route.choices, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED,
                              db_index=True)
    street = models.ForeignKey(Grid, verbose_name=_("street/town"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="social_organisations", limit_choices_to=STREET_GRID)
    community = models.ForeignKey(Community, verbose_name=_("community"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="social_organisations")
    area_code = models.CharField(_("area code"), max_length=12, db_index=True, editable=False)
    purpose = models.TextField(_("purpose and scope of work"))
    legal_representative = models.CharField(_("legal representative / head"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    applied_on = models.DateField(_("applied on"))
    decision_due_on = models.DateField(_("decision due (working days)"), null=True, blank=True)
    is_overdue = models.BooleanField(_("decision overdue"), default=False)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    registration_number = models.CharField(_("registration or filing number"), max_length=32, blank=True)
    rejection_reason = models.CharField(_("reason for refusal"), max_length=300, blank=True)
    activated_on = models.DateField(_("active since"), null=True, blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    deregistration_reason = models.CharField(_("reason for deregistration"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="area_code")

    class Meta:
        verbose_name = _("social organisation")
        verbose_name_plural = _("social organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["registration_number"], condition=~Q(registration_number=""),
                                    name="unique_registration_number"),
        ]
        indexes = [
            models.Index(fields=["decision_due_on"], name="org_decision_due_idx",
                         condition=Q(status="applied", is_overdue=False)),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def route_for(cls, kind: str, field: str) -> str:
        if kind == cls.Kind.COMMUNITY:
            return cls.Route.FILING
        return cls.Route.DIRECT if field in cls.DIRECT_FIELDS else cls.Route.SUPERVISED


class IncubationSite(models.Model):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("District incubation centre")
        BASE = "base", _("Incubation base")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    area_m2 = models.PositiveIntegerField(_("floor area (m²)"), validators=[MinValueValidator(1)])
    street = models.ForeignKey(Grid, verbose_name=_("street/town"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="incubation_sites", limit_choices_to=STREET_GRID)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # reference data

    class Meta:
        verbose_name = _("incubation site")
        verbose_name_plural = _("incubation sites")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class Tenancy(models.Model):
    """An organisation incubated in a site's room for a period."""

    site = models.ForeignKey(IncubationSite, verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="tenancies")
    organisation = models.ForeignKey(SocialOrganisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="tenancies")
    room = models.CharField(_("room"), max_length=20)
    area_m2 = models.PositiveIntegerField(_("area (m²)"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="organisation__area_code")

    class Meta:
        verbose_name = _("incubation tenancy")
        verbose_name_plural = _("incubation tenancies")
        ordering = ["site", "-starts_on"]

    def __str__(self):
        return f"{self.organisation} @ {self.site} {self.room}"

    @property
    def last_day(self):
        return self.ended_early_on or self.ends_on

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on <= self.last_day


class IncubationService(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("Registration guidance")
        TRAINING = "training", _("Capacity training")
        PROJECT_DESIGN = "project_design", _("Project design")
        FUNDRAISING = "fundraising", _("Fundraising support")
        FINANCE = "finance", _("Financial and legal advice")
        OFFICE = "office", _("Shared office support")

    site = models.ForeignKey(IncubationSite, verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="services")
    organisation = models.ForeignKey(SocialOrganisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="incubation_services")
    kind = models.CharField(_("service"), max_length=32, choices=Kind.choices)
    provided_on = models.DateField(_("provided on"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(1000)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="organisation__area_code")

    class Meta:
        verbose_name = _("incubation service")
        verbose_name_plural = _("incubation services")
        ordering = ["-provided_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.organisation}"


class CatalogueItem(models.Model):
    """An entry of the catalogue of services the government may purchase (购买服务目录)."""

    class Field(models.TextChoices):
        ELDERLY = "elderly", _("Elderly care")
        DISABILITY = "disability", _("Disability services")
        CHILDREN_YOUTH = "children_youth", _("Children and youth")
        COMMUNITY_GOVERNANCE = "community_governance", _("Community governance")
        SOCIAL_WORK = "social_work", _("Social work and assistance")
        CULTURE_EDUCATION = "culture_education", _("Culture and education")
        HEALTH = "health", _("Health promotion")
        ENVIRONMENT = "environment", _("Environment")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    field = models.CharField(_("field"), max_length=32, choices=Field.choices)
    description = models.TextField(pgettext_lazy("catalogue item", "description"), blank=True)
    active = models.BooleanField(_("in the current catalogue"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # reference data

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue of purchasable services")
        ordering = ["field", "code"]

    def __str__(self):
        return self.name


class PurchaseProject(models.Model):
    class Status(models.TextChoices):
        CONTRACTED = "contracted", _("Contracted")
        IN_PROGRESS = "in_progress", pgettext_lazy("purchase project status", "In progress")
        ACCEPTED = "accepted", _("Accepted")
        ASSESSED = "assessed", _("Assessed")
        TERMINATED = "terminated", _("Terminated")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("Excellent")
        GOOD = "good", _("Good")
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    title = models.CharField(pgettext_lazy("purchase project", "title"), max_length=150)
    item = models.ForeignKey(CatalogueItem, verbose_name=_("catalogue item"), on_delete=models.PROTECT,
                             related_name="projects")
    year = models.PositiveSmallIntegerField(_("budget year"), validators=[MinValueValidator(2000)])
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    provider = models.ForeignKey(SocialOrganisation, verbose_name=pgettext_lazy("purchase project", "provider"),
                                 on_delete=models.PROTECT, related_name="purchase_projects")
    street = models.ForeignKey(Grid, verbose_name=_("street/town served"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="purchase_projects", limit_choices_to=STREET_GRID)
    area_code = models.CharField(_("area code"), max_length=12, db_index=True, editable=False)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONTRACTED)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_note = models.TextField(_("acceptance note"), blank=True)
    assessment_score = models.PositiveSmallIntegerField(_("assessment score"), null=True, blank=True,
                                                        validators=[MaxValueValidator(100)])
    assessment_grade = models.CharField(_("assessment grade"), max_length=16, choices=Grade.choices, blank=True)
    assessment_note = models.TextField(_("assessment note"), blank=True)
    termination_reason = models.CharField(_("reason for termination"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="area_code")  # the street served, or the district

    class Meta:
        verbose_name = _("purchased service project")
        verbose_name_plural = _("purchased service projects")
        ordering = ["-year", "code"]

    def __str__(self):
        return self.title

    @staticmethod
    def grade_for(score: int) -> str:
        Grade = PurchaseProject.Grade
        if score >= 90:
            return Grade.EXCELLENT
        return Grade.GOOD if score >= 75 else Grade.PASS if score >= 60 else Grade.FAIL


class ProjectMilestone(models.Model):
    project = models.ForeignKey(PurchaseProject, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="milestones")
    title = models.CharField(_("milestone"), max_length=100)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="project__area_code")

    class Meta:
        verbose_name = _("project milestone")
        verbose_name_plural = _("project milestones")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class Award(models.Model):
    class Title(models.TextChoices):
        OUTSTANDING_ORG = "outstanding_org", _("Outstanding social organisation")
        BRAND_PROJECT = "brand_project", _("Brand public-welfare project")
        VENTURE = "venture", _("Public-welfare venture award")
        INCUBATION = "incubation", _("Incubation graduate award")

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    organisation = models.ForeignKey(SocialOrganisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="awards")
    title = models.CharField(_("award"), max_length=32, choices=Title.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="organisation__area_code")

    class Meta:
        verbose_name = _("annual award")
        verbose_name_plural = _("annual awards")
        ordering = ["-year", "title", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["year", "organisation", "title"], name="award_once_a_year")]

    def __str__(self):
        return f"{self.year} {self.get_title_display()} · {self.organisation}"


class Complaint(models.Model):
    """A report from the public about an organisation (群众举报), handled to a close."""

    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        LETTER = "letter", _("Letter")
        ONLINE = "online", _("Online disclosure platform")
        VISIT = "visit", _("In person")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint status", "Received")
        INVESTIGATING = "investigating", _("Under investigation")
        CLOSED = "closed", pgettext_lazy("complaint status", "Closed")

    class Finding(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY = "partly", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    class Measure(models.TextChoices):
        NONE = "none", _("No measure")
        WARNING = "warning", _("Warning")
        RECTIFICATION = "rectification", _("Ordered to rectify")
        DEREGISTRATION = "deregistration", _("Deregistration (exit)")

    organisation = models.ForeignKey(SocialOrganisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="complaints")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    content = models.TextField(_("what is reported"), max_length=2000)
    complainant_name = models.CharField(_("complainant"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=20, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    finding = models.CharField(_("finding"), max_length=16, choices=Finding.choices, blank=True)
    measure = models.CharField(_("measure taken"), max_length=16, choices=Measure.choices, blank=True)
    result = models.TextField(_("result"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="organisation__area_code")

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.organisation} · {self.received_at:%Y-%m-%d}"


# --- budgets and the innovation fund -------------------------------------------------------------


class FundBudget(models.Model):
    """What a programme may award in a year. Every award of the year is checked against it with this
    row locked, so two awards granted at once cannot overspend it together."""

    class Programme(models.TextChoices):
        INNOVATION = "innovation", _("Social governance innovation fund (加强和创新社会管理专项资金)")
        AWARDS = "awards", _("Awards to social organisations (表彰奖励)")

    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    amount = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # the district's published budget

    class Meta:
        verbose_name = _("annual budget")
        verbose_name_plural = _("annual budgets")
        ordering = ["programme", "-year"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="one_budget_a_year")]

    def __str__(self):
        return f"{self.year} {self.get_programme_display()}"


class OrganisationMember(models.Model):
    """A person who speaks for a social organisation: sees and submits its fund applications (and
    nothing else of the platform's)."""

    organisation = models.ForeignKey(SocialOrganisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="organisation_membership")
    full_name = models.CharField(_("full name"), max_length=50)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="organisation__area_code", person="user_id")

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        ordering = ["organisation__name", "full_name"]

    def __str__(self):
        return f"{self.full_name} · {self.organisation}"


class FundCall(models.Model):
    """A call for proposals (项目申报指南) of the innovation fund: a share of the year's budget."""

    title = models.CharField(pgettext_lazy("fund call", "title"), max_length=150)
    year = models.PositiveSmallIntegerField(_("budget year"), validators=[MinValueValidator(2000)])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    budget_share = models.DecimalField(_("share of the year's budget (yuan)"), max_digits=14, decimal_places=2,
                                       validators=[MinValueValidator(Decimal("0.01"))])
    scope = models.TextField(_("what it funds"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)  # a call is published to every applicant

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        ordering = ["-year", "-opens_on", "id"]

    def __str__(self):
        return self.title

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on


def members_see(path: str):
    """A scope rule: an organisation's own people see its rows (at ``path``, the organisation), wherever it is."""

    def rule(user, scope, action) -> Rows:
        mine = OrganisationMember.objects.filter(user_id=user.pk).values("organisation")
        return Rows.where(Q(**{f"{path}__in": mine}))

    return rule


class FundApplication(models.Model):
    """An application to a call, from a social organisation or a community (its community grid)."""

    class Category(models.TextChoices):
        PUBLIC_SERVICE = "public_service", _("Innovation in basic public services")
        GOVERNANCE = "governance", _("Social governance")
        GRASSROOTS = "grassroots", _("Innovation in grassroots service and management")
        ORGANISATIONS = "organisations", _("Fostering social organisations")
        PARTY_BUILDING = "party_building", _("Party building in the social sphere")
        RESEARCH = "research", _("Research and policy advice")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("fund application status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("fund application status", "Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        AWARDED = "awarded", pgettext_lazy("fund application status", "Awarded")
        REJECTED = "rejected", pgettext_lazy("fund application status", "Not funded")
        IN_PROGRESS = "in_progress", pgettext_lazy("fund application status", "In progress")
        COMPLETED = "completed", pgettext_lazy("fund application status", "Completed")

    # Applications that hold part of the budget: awarded and after.
    FUNDED = (Status.AWARDED, Status.IN_PROGRESS, Status.COMPLETED)

    call = models.ForeignKey(FundCall, verbose_name=_("call for proposals"), on_delete=models.PROTECT,
                             related_name="applications")
    organisation = models.ForeignKey(SocialOrganisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="fund_applications")
    community_grid = models.ForeignKey(Grid, verbose_name=_("community"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="fund_applications",
                                       limit_choices_to={"kind": Grid.Kind.COMMUNITY})
    area_code = models.CharField(_("area code"), max_length=15, db_index=True, editable=False)
    title = models.CharField(pgettext_lazy("fund application", "title"), max_length=150)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    plan = models.TextField(_("plan"))
    amount_requested = models.DecimalField(_("amount requested (yuan)"), max_digits=12, decimal_places=2,
                                           validators=[MinValueValidator(Decimal("0.01"))])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    average_score = models.DecimalField(_("average score"), max_digits=5, decimal_places=2, null=True, blank=True)
    awarded_amount = models.DecimalField(_("amount awarded (yuan)"), max_digits=12, decimal_places=2, null=True,
                                         blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="area_code", rule=members_see("organisation"))

    class Meta:
        verbose_name = _("fund application")
        verbose_name_plural = _("fund applications")
        ordering = ["-call__year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, community_grid__isnull=True)
                | Q(organisation__isnull=True, community_grid__isnull=False),
                name="fund_application_one_applicant"),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return self.title

    @property
    def applicant(self):
        return self.organisation or self.community_grid

    def get_absolute_url(self) -> str:
        return reverse("orgs:fund-application", args=[self.pk])


class FundMilestone(models.Model):
    """A milestone of the plan, and the instalment paid against it: released when the applicant
    reports it done and the fund office accepts the report."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("instalment status", "Planned")
        REPORTED = "reported", pgettext_lazy("instalment status", "Reported done")
        RELEASED = "released", pgettext_lazy("instalment status", "Released")

    application = models.ForeignKey(FundApplication, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="milestones")
    sequence = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("milestone"), max_length=100)
    due_on = models.DateField(_("due on"))
    instalment = models.DecimalField(_("instalment (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    report = models.TextField(_("report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    returned_reason = models.CharField(_("reason returned"), max_length=300, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="application__area_code", rule=members_see("application__organisation"))

    class Meta:
        verbose_name = _("fund milestone")
        verbose_name_plural = _("fund milestones")
        ordering = ["application", "sequence"]
        constraints = [models.UniqueConstraint(fields=["application", "sequence"], name="fund_milestone_order")]

    def __str__(self):
        return self.title


class FundReview(models.Model):
    """One reviewer's scores of an application, on each criterion of the scale."""

    SCALE = 10
    CRITERIA = ("innovation", "feasibility", "benefit", "budget")

    application = models.ForeignKey(FundApplication, verbose_name=_("application"), on_delete=models.CASCADE,
                                    related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="+")
    innovation = models.PositiveSmallIntegerField(_("innovation"), validators=[MaxValueValidator(SCALE)])
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), validators=[MaxValueValidator(SCALE)])
    benefit = models.PositiveSmallIntegerField(_("public benefit"), validators=[MaxValueValidator(SCALE)])
    budget = models.PositiveSmallIntegerField(_("soundness of the budget"), validators=[MaxValueValidator(SCALE)])
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(area="application__area_code")

    class Meta:
        verbose_name = _("fund review")
        verbose_name_plural = _("fund reviews")
        ordering = ["application", "scored_at"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_each")]

    def __str__(self):
        return f"{self.application} · {self.reviewer}"

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in self.CRITERIA)
