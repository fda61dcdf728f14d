"""Assessment (考核评价): periods, two-way score sheets, third-party surveys, versioned rules, frozen results
and the quarterly community-worker bonus.

What each number means is written once, in ``indicators.py`` (case indicators) and ``scoring.py``
(components, composite, ranking); the pages and the API show those definitions. Results are
computed by ``services.run_compute`` into a ``ResultRun`` whose ``SubjectResult`` rows are written
once and never changed; publishing a run freezes the run itself too (on PostgreSQL a trigger refuses
any change to a published run or to any result row).

Who sees what (``Model.objects.visible_to(user)``, each model's ``scope_path``):

- the district (evaluators, the command centre, auditors: a district-wide scope) sees everything,
  drafts included;
- everyone else with the role's view permission sees **published** runs, and the published results of
  the units in their scope: a street sub-centre its street, its grids and the department stations in
  it; community staff their grids; a department its department and all its stations; a station itself;
- score sheets: a party's people see the sheets their party fills in (and community staff the
  residents' sheets of their grids, to hand out the access codes); evaluatees never see single
  sheets, only the aggregated score;
- worker assessments: by the worker's home grid; survey imports and bonuses: the district only;
  periods, rounds and rule versions: anyone whose role may read them.
"""
import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import AppendOnlyModel, AppendOnlyQuerySet
from core.scoping import NO_ROW, VIEW, Rows, ScopedQuerySet, ScopePath, any_of
from grids.models import Department, Grid, StreetUnit

from .parties import COMMUNITY_KINDS, STREET_CODE_LENGTH, Direction, Flow, Party, parties_of


class FrozenScopedQuerySet(AppendOnlyQuerySet, ScopedQuerySet):
    """Rows written once that users see through their scope."""


# ---------------------------------------------------------------- periods


class Period(models.Model):
    """A half-year (H1 Jan–Jun, H2 Jul–Dec: grids, streets, departments) or a quarter (community
    workers' bonus). ``starts_on`` is the first day, ``ends_on`` the first day after it (exclusive);
    both are local (Asia/Shanghai) midnights."""

    class Kind(models.TextChoices):
        HALF = "half", _("Half-year")
        QUARTER = "quarter", _("Quarter")

    code = models.CharField(_("code"), max_length=8, unique=True)  # 2026H1, 2026Q3
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number in the year"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("day after the last"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)

    class Meta:
        verbose_name = _("assessment period")
        verbose_name_plural = _("assessment periods")
        ordering = ["-starts_on", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="evaluation_period_unique")]

    def __str__(self):
        return self.code

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.starts_on, dt.time.min, tzinfo=timezone.get_default_timezone())

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.ends_on, dt.time.min, tzinfo=timezone.get_default_timezone())

    @property
    def last_day(self) -> dt.date:
        return self.ends_on - dt.timedelta(days=1)

    def complete_at(self, rule: "ScoringRule") -> dt.datetime:
        """When the period's outcomes are final under ``rule``: its end plus the rule's cut-off days."""
        return self.end + dt.timedelta(days=int(rule.parameters.get("cutoff_days", 0)))


# ---------------------------------------------------------------- two-way assessment


class Criterion(models.Model):
    """One line of a flow's score sheet. A flow's active criteria weigh 100 in all; a round copies
    them when it opens, so later edits do not change an open round."""

    flow = models.CharField(_("flow"), max_length=24, choices=Flow.choices)
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()  # the weights of the two-way assessment: who changed them, when

    class Meta:
        verbose_name = _("score-sheet criterion")
        verbose_name_plural = _("score-sheet criteria")
        ordering = ["flow", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["flow", "code"], name="evaluation_criterion_unique")]

    def __str__(self):
        return f"{self.get_flow_display()}: {self.name} ({self.weight})"


class Round(models.Model):
    """The two-way assessment of one half-year: one score sheet per evaluator/evaluatee pair."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Scoring closed")

    period = models.OneToOneField(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="round")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    deadline = models.DateTimeField(_("deadline"))
    criteria = models.JSONField(_("criteria"), default=dict)  # {flow: [{"code", "name", "weight"}]}
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)

    class Meta:
        verbose_name = _("two-way assessment round")
        verbose_name_plural = _("two-way assessment rounds")
        ordering = ["-period__starts_on"]

    def __str__(self):
        return f"{self.period.code} ({self.get_status_display()})"


def new_sheet_token() -> str:
    return secrets.token_urlsafe(16)


def _sheets_of_their_parties(user, scope, action) -> Rows:
    """The sheets the parties the user speaks for fill in; community staff also hold the residents'
    sheets of their grids (they hand out the access codes)."""
    parts = []
    for kind, codes in parties_of(user).items():
        parts.append(Rows.where(Q(evaluator_kind=kind, evaluator_code__in=sorted(codes))))
        if kind == Party.GRID:
            parts.append(Rows.where(Q(evaluator_kind=Party.RESIDENTS, evaluator_code__in=sorted(codes))))
    return any_of(parts)


class ScoreSheet(models.Model):
    """One evaluator's sheet about one evaluatee: a score 0–100 per criterion and a comment,
    submitted once. Residents' representatives have no login: their sheet opens with its token."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUBMITTED = "submitted", _("Submitted")

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="sheets")
    flow = models.CharField(_("flow"), max_length=24, choices=Flow.choices)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    evaluator_kind = models.CharField(_("evaluator kind"), max_length=12, choices=Party.choices)
    evaluator_code = models.CharField(_("evaluator code"), max_length=48)
    evaluator_name = models.CharField(_("evaluator"), max_length=120)
    evaluatee_kind = models.CharField(_("evaluatee kind"), max_length=12, choices=Party.choices)
    evaluatee_code = models.CharField(_("evaluatee code"), max_length=48)
    evaluatee_name = models.CharField(_("evaluatee"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    scores = models.JSONField(_("scores"), default=dict, blank=True)  # {criterion code: score}
    total = models.DecimalField(_("weighted total"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    token = models.CharField(_("access code"), max_length=32, null=True, blank=True, unique=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(district=True, rule=_sheets_of_their_parties)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["round", "flow", "evaluator_code", "evaluatee_code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "flow", "evaluator_code", "evaluatee_code"],
                                    name="evaluation_sheet_pair"),
            models.CheckConstraint(condition=Q(status="pending") | Q(total__isnull=False),
                                   name="evaluation_sheet_submitted_has_total"),
        ]
        indexes = [
            models.Index(fields=["round", "evaluatee_kind", "evaluatee_code"], name="evaluation_sheet_evaluatee"),
            models.Index(fields=["evaluator_kind", "evaluator_code", "status"], name="evaluation_sheet_evaluator"),
        ]

    def __str__(self):
        return f"{self.evaluator_name} → {self.evaluatee_name}"


# ---------------------------------------------------------------- third-party survey


class SurveyImport(models.Model):
    """One file of the survey company's results (第三方社会评价) for a period. The latest import of
    a period is the one results use; earlier ones stay for the record."""

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="surveys")
    file_name = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    questions = models.JSONField(_("questions"), default=list)
    row_count = models.PositiveIntegerField(_("rows"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(district=True)

    class Meta:
        verbose_name = _("third-party survey import")
        verbose_name_plural = _("third-party survey imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.period.code} {self.file_name}"


class SubjectKind(models.TextChoices):
    GRID = "grid", _("Third-level grid")
    STREET = "street", _("Street/town")
    DEPARTMENT = "department", _("Department")
    STATION = "station", _("Station or section")  # a street unit: a department station or a street section


class SurveyResult(AppendOnlyModel):
    survey = models.ForeignKey(SurveyImport, verbose_name=_("import"), on_delete=models.PROTECT,
                               related_name="results")
    subject_kind = models.CharField(_("kind"), max_length=12, choices=SubjectKind.choices)
    subject_code = models.CharField(_("unit"), max_length=48)
    sample_size = models.PositiveIntegerField(_("sample size"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    question_scores = models.JSONField(_("scores per question"), default=dict)
    mean_score = models.DecimalField(_("mean question score"), max_digits=5, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("third-party survey result")
        verbose_name_plural = _("third-party survey results")
        ordering = ["survey", "subject_kind", "subject_code"]
        constraints = [models.UniqueConstraint(fields=["survey", "subject_kind", "subject_code"],
                                               name="evaluation_survey_unit")]


# ---------------------------------------------------------------- rules


class RuleVersion(AppendOnlyModel):
    """A numbered version of a set of rules. Never edited: a change is a new version, and what was
    computed with an older one keeps pointing at it. Read by every role that may read rules."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))

    objects = FrozenScopedQuerySet.as_manager()
    scope_path = ScopePath(everywhere=True)

    class Meta:
        abstract = True
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class ScoringRule(RuleVersion):
    """The composite-score rules: the weight of each component per kind of unit and the parameters of
    the components."""

    weights = models.JSONField(_("weights"))  # {kind: {component: weight}}
    parameters = models.JSONField(_("parameters"), default=dict)
    # Who makes up the two-way score of a street and of a department station, and with what share:
    # {"street": {"sheets": 80, "residents": 20}, "station_dual": {"department": .., "street": .., "residents": ..},
    # ...} (``scoring.TWO_WAY_PARTS``). Empty in the versions before it: the mean of the flows, no residents' part.
    two_way_shares = models.JSONField(_("shares of the two-way score"), default=dict, blank=True)

    class Meta(RuleVersion.Meta):
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")


class BonusRule(RuleVersion):
    """The quarterly bonus rules for community workers: the average bonus of each post and how a
    worker's quarterly score scales it."""

    class Scaling(models.TextChoices):
        RELATIVE = "relative", _("Relative to the average score of the post (the post averages its base)")
        ABSOLUTE = "absolute", _("Base × score / 100")

    base_by_post = models.JSONField(_("average bonus by post (yuan)"))  # {"general": "900", ...}
    scaling = models.CharField(_("scaling"), max_length=10, choices=Scaling.choices, default=Scaling.RELATIVE)
    personal_weight = models.DecimalField(
        _("weight of the personal assessment"), max_digits=3, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0–1; the rest is the quarterly composite score of the worker's grid"),
    )
    floor_score = models.DecimalField(_("no bonus below this score"), max_digits=5, decimal_places=2, default=0)

    class Meta(RuleVersion.Meta):
        verbose_name = _("bonus rule")
        verbose_name_plural = _("bonus rules")


# ---------------------------------------------------------------- results


def _published_runs(user, scope, action) -> Rows:
    """Outside the district, a run is read once it is published (and changed by nobody)."""
    return Rows.where(Q(status=ResultRun.Status.PUBLISHED)) if action == VIEW else NO_ROW


class ResultRunQuerySet(ScopedQuerySet):
    """Runs are changed until one is published; a published run never again."""

    def update(self, **kwargs):
        if self.filter(status=ResultRun.Status.PUBLISHED).exists():
            raise PermissionError("A published result run is frozen.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=ResultRun.Status.PUBLISHED).exists():
            raise PermissionError("A published result run is frozen.")
        return super().delete()


class ResultRun(models.Model):
    """One computation of a period's results: computed → reviewed → published, or superseded (the
    lifecycle is ``workflow.RUN_FLOW``). Publishing freezes it and supersedes the period's other
    drafts; it records the rule version, the cut-off and a fingerprint of every input, so a
    recomputation can show it reproduces the same numbers."""

    class Status(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="runs")
    rule = models.ForeignKey(ScoringRule, verbose_name=_("rule version"), on_delete=models.PROTECT,
                             related_name="runs")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.COMPUTED)
    as_of = models.DateTimeField(_("cut-off"))
    fingerprint = models.CharField(_("input fingerprint"), max_length=64)
    inputs = models.JSONField(_("inputs"), default=dict)
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    seconds = models.FloatField(_("computation time (s)"), default=0)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("review note"), max_length=500, blank=True)

    objects = ResultRunQuerySet.as_manager()
    scope_path = ScopePath(district=True, rule=_published_runs)

    class Meta:
        verbose_name = _("result run")
        verbose_name_plural = _("result runs")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["period"], condition=Q(status="published"),
                                    name="evaluation_one_published_run"),
        ]

    def __str__(self):
        return f"{self.period.code} #{self.pk} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if not self._state.adding and ResultRun.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists():
            raise PermissionError("A published result run is frozen.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED:
            raise PermissionError("A published result run is frozen.")
        return super().delete(*args, **kwargs)


def _published_results_of_their_units(user, scope, action) -> Rows:
    """Outside the district: the published figures of the units in the user's scope. A grid or street
    code covers its grids and street, a street's code also the department stations in the street; a
    department covers its own figures and all its stations'; a station itself."""
    if action != VIEW:
        return NO_ROW
    streets = sorted(code for code in scope.grid_codes if len(code) == STREET_CODE_LENGTH)
    departments = Department.objects.filter(id__in=scope.department_ids).values("code")
    stations = StreetUnit.objects.filter(id__in=scope.station_ids).values("code")
    units = any_of([
        scope.grid_rows("code").narrowed(Q(kind__in=[SubjectKind.GRID, SubjectKind.STREET])),
        Rows.where(Q(kind=SubjectKind.STATION, street_code__in=streets)) if streets else NO_ROW,
        Rows.where(Q(kind__in=[SubjectKind.DEPARTMENT, SubjectKind.STATION], department_code__in=departments))
        if scope.department_ids else NO_ROW,
        Rows.where(Q(kind=SubjectKind.STATION, code__in=stations)) if scope.station_ids else NO_ROW,
    ])
    return units.narrowed(Q(run__status=ResultRun.Status.PUBLISHED))


class SubjectResult(AppendOnlyModel):
    """The figures of one unit in one run, written once. Counts are from the case table (see
    ``indicators.INDICATORS`` for each definition); rates and scores are derived from them with
    decimal arithmetic, so the same inputs always give the same numbers."""

    run = models.ForeignKey(ResultRun, verbose_name=_("run"), on_delete=models.PROTECT, related_name="results")
    kind = models.CharField(_("kind"), max_length=12, choices=SubjectKind.choices)
    code = models.CharField(_("code"), max_length=48)
    name = models.CharField(_("name"), max_length=120)
    street_code = models.CharField(_("street/town"), max_length=9, blank=True)
    department_code = models.CharField(_("department"), max_length=32, blank=True)

    collected = models.PositiveIntegerField(_("cases collected"), default=0)
    filed = models.PositiveIntegerField(_("cases filed"), default=0)
    closed = models.PositiveIntegerField(_("cases closed"), default=0)
    on_time_closed = models.PositiveIntegerField(_("closed on time"), default=0)
    overdue = models.PositiveIntegerField(_("overdue cases"), default=0)
    reworked = models.PositiveIntegerField(_("reworked cases"), default=0)
    returned = models.PositiveIntegerField(_("returned cases"), default=0)
    escalated = models.PositiveIntegerField(_("escalated cases"), default=0)
    extended = models.PositiveIntegerField(_("extended cases"), default=0)
    handling_seconds = models.BigIntegerField(_("working seconds to closure (sum)"), default=0)
    rated = models.PositiveIntegerField(_("ratings counted"), default=0)
    defaulted = models.PositiveIntegerField(_("default ratings"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied ratings"), default=0)
    satisfaction_sum = models.PositiveIntegerField(_("sum of ratings counted"), default=0)

    closure_rate = models.DecimalField(_("closure rate"), max_digits=5, decimal_places=4, null=True)
    on_time_rate = models.DecimalField(_("on-time closure rate"), max_digits=5, decimal_places=4, null=True)
    rework_rate = models.DecimalField(_("rework rate"), max_digits=5, decimal_places=4, null=True)
    return_rate = models.DecimalField(_("return rate"), max_digits=5, decimal_places=4, null=True)
    escalation_rate = models.DecimalField(_("escalation rate"), max_digits=5, decimal_places=4, null=True)
    mean_handling_hours = models.DecimalField(_("mean working hours to closure"), max_digits=9, decimal_places=2,
                                              null=True)
    satisfaction_mean = models.DecimalField(_("mean satisfaction"), max_digits=3, decimal_places=2, null=True)
    satisfied_share = models.DecimalField(_("share satisfied"), max_digits=5, decimal_places=4, null=True)
    # The three rates (三率) and the counts behind them, as cases.rates computes them.
    responses = models.PositiveIntegerField(_("responses due"), default=0)
    responded_on_time = models.PositiveIntegerField(_("accepted on time"), default=0)
    response_rate = models.DecimalField(_("response rate"), max_digits=5, decimal_places=4, null=True)
    callbacks_reached = models.PositiveIntegerField(_("callbacks reached"), default=0)
    callbacks_solved = models.PositiveIntegerField(_("callbacks confirming solved"), default=0)
    resolution_rate = models.DecimalField(_("resolution rate"), max_digits=5, decimal_places=4, null=True)
    rates_rated = models.PositiveIntegerField(_("cases rated (with callbacks)"), default=0)
    rates_satisfied = models.PositiveIntegerField(_("cases rated satisfied (with callbacks)"), default=0)
    satisfaction_rate = models.DecimalField(_("satisfaction rate"), max_digits=5, decimal_places=4, null=True)
    # Grid patrols (网格巡察): what the plans asked for over the period and what was walked (patrols.coverage).
    patrols_planned = models.DecimalField(_("patrols planned"), max_digits=8, decimal_places=2, default=0)
    patrols_made = models.PositiveIntegerField(_("patrols made"), default=0)
    patrol_rate = models.DecimalField(_("patrol rate"), max_digits=5, decimal_places=4, null=True)

    sheets = models.PositiveIntegerField(_("score sheets received"), default=0)
    two_way_score = models.DecimalField(_("two-way score"), max_digits=5, decimal_places=2, null=True)
    two_way = models.JSONField(_("two-way by flow"), default=dict)
    # {part: {"share", "score", and "sheets" or "ratings"/"satisfied"}} when the rule version weighs parts.
    two_way_parts = models.JSONField(_("two-way by part"), default=dict)
    management_mode = models.CharField(_("management mode"), max_length=16, blank=True,
                                       choices=StreetUnit.ManagementMode.choices)
    survey_sample = models.PositiveIntegerField(_("survey sample"), default=0)
    survey_satisfied = models.PositiveIntegerField(_("survey satisfied"), default=0)
    survey_share = models.DecimalField(_("survey satisfaction"), max_digits=5, decimal_places=4, null=True)
    survey_score = models.DecimalField(_("survey mean score"), max_digits=5, decimal_places=2, null=True)

    components = models.JSONField(_("component scores"), default=dict)
    composite = models.DecimalField(_("composite score"), max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    rank_in_street = models.PositiveIntegerField(_("rank in street"), null=True)

    objects = FrozenScopedQuerySet.as_manager()
    scope_path = ScopePath(district=True, rule=_published_results_of_their_units)

    class Meta:
        verbose_name = _("unit result")
        verbose_name_plural = _("unit results")
        ordering = ["run", "kind", models.F("rank").asc(nulls_last=True), "code"]
        constraints = [models.UniqueConstraint(fields=["run", "kind", "code"], name="evaluation_result_unit")]
        indexes = [models.Index(fields=["kind", "code"], name="evaluation_result_subject")]

    def __str__(self):
        return f"{self.name} {self.composite}"


# ---------------------------------------------------------------- quarterly bonus


class WorkerAssessment(models.Model):
    """A community worker's personal quarterly assessment (0–100), entered by their community or
    street; it weighs ``BonusRule.personal_weight`` in the worker's bonus score."""

    period = models.ForeignKey(Period, verbose_name=_("quarter"), on_delete=models.PROTECT,
                               related_name="worker_assessments")
    staff = models.ForeignKey("grids.StaffProfile", verbose_name=_("worker"), on_delete=models.PROTECT,
                              related_name="assessments")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="staff__home_grid__code")

    class Meta:
        verbose_name = _("worker assessment")
        verbose_name_plural = _("worker assessments")
        ordering = ["period", "staff"]
        constraints = [models.UniqueConstraint(fields=["period", "staff"], name="evaluation_worker_assessment")]


class BonusRun(AppendOnlyModel):
    """The bonus of every community worker for one quarter, from that quarter's published results
    (written once with its lines; a recomputation is a new run)."""

    period = models.ForeignKey(Period, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="bonuses")
    rule = models.ForeignKey(BonusRule, verbose_name=_("rule version"), on_delete=models.PROTECT,
                             related_name="runs")
    result_run = models.ForeignKey(ResultRun, verbose_name=_("results used"), on_delete=models.PROTECT,
                                   related_name="bonuses")
    fingerprint = models.CharField(_("input fingerprint"), max_length=64)
    workers = models.PositiveIntegerField(_("workers paid"))
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = FrozenScopedQuerySet.as_manager()
    scope_path = ScopePath(district=True)

    class Meta:
        verbose_name = _("quarterly bonus")
        verbose_name_plural = _("quarterly bonuses")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.period.code} #{self.pk}"


class BonusLine(AppendOnlyModel):
    bonus = models.ForeignKey(BonusRun, verbose_name=_("bonus"), on_delete=models.PROTECT, related_name="lines")
    staff = models.ForeignKey("grids.StaffProfile", verbose_name=_("worker"), on_delete=models.PROTECT,
                              related_name="+")
    username = models.CharField(_("staff number"), max_length=150)
    full_name = models.CharField(_("full name"), max_length=50)
    post = models.CharField(_("post"), max_length=16)
    grid_code = models.CharField(_("grid"), max_length=15)
    grid_name = models.CharField(_("grid name"), max_length=100)
    street_name = models.CharField(_("street/town"), max_length=100)
    grid_score = models.DecimalField(_("grid score"), max_digits=5, decimal_places=2)
    personal_score = models.DecimalField(_("personal score"), max_digits=5, decimal_places=2, null=True)
    score = models.DecimalField(_("quarterly score"), max_digits=5, decimal_places=2)
    base = models.DecimalField(_("average of the post (yuan)"), max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("bonus (yuan)"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("bonus line")
        verbose_name_plural = _("bonus lines")
        ordering = ["bonus", "grid_code", "username"]
        constraints = [models.UniqueConstraint(fields=["bonus", "staff"], name="evaluation_bonus_worker")]


# ---------------------------------------------------------------- residents' democratic supervision


class SupervisionCommittee(models.Model):
    """A community's residents' democratic management and supervision committee (居民民主管理和监督委员会):
    it questions and rates the street office and the department stations serving the community. The
    community is its unit grid of community (village) kind. Seen by the community, its street (and the
    stations in the street, who answer its questions) and the district."""

    grid = models.OneToOneField(Grid, verbose_name=_("community grid"), on_delete=models.PROTECT,
                                related_name="supervision_committee",
                                limit_choices_to={"level": Grid.Level.UNIT, "kind__in": COMMUNITY_KINDS})
    name = models.CharField(_("name"), max_length=100)
    formed_on = models.DateField(_("formed on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="grid__code", widened=True)

    class Meta:
        verbose_name = _("residents' supervision committee")
        verbose_name_plural = _("residents' supervision committees")
        ordering = ["grid__code"]

    def __str__(self):
        return self.name


class Representative(models.Model):
    """A residents' representative on a committee, for a term. Their phone is a resident's: only the
    community, its street and the district see them."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(SupervisionCommittee, verbose_name=_("committee"), on_delete=models.CASCADE,
                                  related_name="representatives")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    term_starts_on = models.DateField(_("term starts"))
    term_ends_on = models.DateField(_("term ends"))

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="committee__grid__code")

    class Meta:
        verbose_name = _("residents' representative")
        verbose_name_plural = _("residents' representatives")
        ordering = ["committee", "role", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(term_ends_on__gt=models.F("term_starts_on")),
                                   name="evaluation_representative_term"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class SupervisionRound(models.Model):
    """One committee's questioning and rating (民主评议) in one half-year: open while it meets, closed
    after (``workflow.SUPERVISION_FLOW``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Questioning and rating")
        CLOSED = "closed", _("Round closed")

    committee = models.ForeignKey(SupervisionCommittee, verbose_name=_("committee"), on_delete=models.PROTECT,
                                  related_name="rounds")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="supervision_rounds")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("round closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="committee__grid__code", widened=True)

    class Meta:
        verbose_name = _("democratic supervision round")
        verbose_name_plural = _("democratic supervision rounds")
        ordering = ["-period__starts_on", "committee__grid__code"]
        constraints = [models.UniqueConstraint(fields=["committee", "period"], name="evaluation_supervision_round")]

    def __str__(self):
        return f"{self.committee} {self.period.code}"


class SupervisedUnit(models.Model):
    """What a question or a rating is about: the street office of the committee's community (no station)
    or one of the department stations serving it."""

    station = models.ForeignKey(StreetUnit, verbose_name=_("department station"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                help_text=_("Empty: the street office."))
    unit_name = models.CharField(_("addressed unit"), max_length=120)

    objects = ScopedQuerySet.as_manager()
    scope_path = ScopePath(grid="round__committee__grid__code", widened=True)  # as their round

    class Meta:
        abstract = True

    @property
    def unit_code(self) -> str:
        return self.station.code if self.station_id else self.round.committee.grid.code[:STREET_CODE_LENGTH]


class SupervisionQuestion(SupervisedUnit):
    """A question the committee puts to a unit (质询), and the unit's answer."""

    class Status(models.TextChoices):
        ASKED = "asked", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered")

    round = models.ForeignKey(SupervisionRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="questions")
    text = models.TextField(_("question"), max_length=2000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ASKED)
    asked_at = models.DateTimeField(_("asked"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("supervision question")
        verbose_name_plural = _("supervision questions")
        ordering = ["round", "asked_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="asked") | Q(answered_at__isnull=False),
                                   name="evaluation_question_answered_at"),
        ]

    def __str__(self):
        return self.text[:40]


class SupervisionRating(SupervisedUnit):
    """The committee's rating of one unit in one round: 1–5 as residents rate a case (satisfied from 4);
    the share satisfied is the residents' part of the unit's two-way score."""

    class Score(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    round = models.ForeignKey(SupervisionRound, verbose_name=_("round"), on_delete=models.CASCADE,
                              related_name="ratings")
    score = models.PositiveSmallIntegerField(_("rating"), choices=Score.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("supervision rating")
        verbose_name_plural = _("supervision ratings")
        ordering = ["round", "station__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "station"], condition=Q(station__isnull=False),
                                    name="evaluation_rating_one_per_station"),
            models.UniqueConstraint(fields=["round"], condition=Q(station__isnull=True),
                                    name="evaluation_rating_one_per_street"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_rating_scale"),
        ]

    def __str__(self):
        return f"{self.unit_name}: {self.get_score_display()}"
