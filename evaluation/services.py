"""Every change in the evaluation app, one transaction each: periods, rounds and score sheets, the
survey import, rule versions, computing / reviewing / publishing results, worker assessments and the
quarterly bonus. Result runs and score sheets change state only through their workflows
(``workflow.py``; the effects are here). The arithmetic lives in ``scoring.py`` and ``bonus.py``.
"""
import datetime as dt
import hashlib
import time
from collections import defaultdict
from dataclasses import astuple
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.rates import SATISFIED_FROM, RateCounts
from core.calendar import calendar_digest, calendar_sync
from core.errors import Conflict
from core.models import Notification
from core.notifications import Notice, notify
from core.scoping import scope_of
from core.workflow import Step
from grids.models import Department, Grid, StreetUnit
from patrols.coverage import PatrolCounts

from . import bonus as bonus_math
from . import periods, scoring
from .indicators import CaseCounts, case_counts, patrols_by_unit, rates_by_unit
from .models import (
    BonusLine,
    BonusRule,
    BonusRun,
    Criterion,
    Period,
    ResultRun,
    Round,
    ScoreSheet,
    ScoringRule,
    SubjectKind,
    SubjectResult,
    SupervisionRating,
    SurveyImport,
    SurveyResult,
    WorkerAssessment,
    new_sheet_token,
)
from .parties import FLOWS, STREET_CODE_LENGTH, Party, flow_pairs, people_of
from .surveys import parse_survey
from .workflow import RUN_FLOW, SHEET_FLOW, AccessCode, RunAction, SheetAction

REMINDER_DAYS = (14, 7, 3, 1)  # reminders go out when this many days (or fewer) are left
PARTY_TO_SUBJECT = {Party.GRID: SubjectKind.GRID, Party.STREET: SubjectKind.STREET,
                    Party.DEPARTMENT: SubjectKind.DEPARTMENT, Party.STATION: SubjectKind.STATION,
                    Party.SECTION: SubjectKind.STATION}


# ---------------------------------------------------------------- periods


def period_ensure(*, code: str) -> Period:
    """The period with this code, created on first use (idempotent, safe under concurrency)."""
    spec = periods.parse_code(code)
    try:
        with transaction.atomic():
            period, _created = Period.objects.get_or_create(
                code=spec.code, defaults={"kind": spec.kind, "year": spec.year, "number": spec.number,
                                          "starts_on": spec.starts_on, "ends_on": spec.ends_on})
    except IntegrityError:
        period = Period.objects.get(code=spec.code)
    return period


def period_current(*, kind: str, now: dt.datetime | None = None) -> Period:
    day = timezone.localdate(now or timezone.now())
    return period_ensure(code=periods.containing(kind, day).code)


# ---------------------------------------------------------------- two-way rounds


def criteria_snapshot() -> dict[str, list[dict]]:
    """The active criteria of every flow; ValidationError unless each flow's weights add up to 100."""
    snapshot: dict[str, list[dict]] = {flow: [] for flow in FLOWS}
    for criterion in Criterion.objects.filter(active=True).order_by("flow", "position", "code"):
        snapshot[criterion.flow].append({"code": criterion.code, "name": criterion.name, "weight": criterion.weight})
    wrong = [flow for flow, items in snapshot.items() if sum(item["weight"] for item in items) != 100]
    if wrong:
        raise ValidationError({"criteria": _("The active criteria of each flow must weigh 100 in all; they do not "
                                             "for: %(flows)s.") % {"flows": ", ".join(wrong)}})
    return snapshot


@transaction.atomic
def round_open(*, actor=None, period_code: str, deadline: dt.datetime | None = None,
               now: dt.datetime | None = None) -> tuple[Round, bool]:
    """Open the two-way round of a half-year with one sheet per pair of ``parties.flow_pairs``.
    Idempotent: a period that has its round gets it back (created False)."""
    now = now or timezone.now()
    period = period_ensure(code=period_code)
    if period.kind != Period.Kind.HALF:
        raise ValidationError({"period": _("Two-way rounds are held per half-year (e.g. 2026H1).")})
    period = Period.objects.select_for_update().get(pk=period.pk)
    existing = Round.objects.filter(period=period).first()
    if existing is not None:
        return existing, False
    deadline = deadline or period.end
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= now:
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    assessment = Round.objects.create(period=period, opened_at=now, deadline=deadline,
                                      criteria=criteria_snapshot(), opened_by=actor)
    sheets = []
    for flow, pairs in flow_pairs().items():
        evaluator_kind, evaluatee_kind, direction = FLOWS[flow]
        for evaluator_code, evaluator_name, evaluatee_code, evaluatee_name in pairs:
            sheets.append(ScoreSheet(
                round=assessment, flow=flow, direction=direction, evaluator_kind=evaluator_kind,
                evaluator_code=evaluator_code, evaluator_name=evaluator_name, evaluatee_kind=evaluatee_kind,
                evaluatee_code=evaluatee_code, evaluatee_name=evaluatee_name,
                token=new_sheet_token() if evaluator_kind == Party.RESIDENTS else None,
            ))
    ScoreSheet.objects.bulk_create(sheets, batch_size=1000)
    return assessment, True


def _weighted_total(criteria: list[dict], scores) -> tuple[dict[str, str], Decimal]:
    if not isinstance(scores, dict):
        raise ValidationError({"scores": _("Give the scores as {criterion code: score}.")})
    codes = {item["code"] for item in criteria}
    problems = []
    unknown = sorted(set(map(str, scores)) - codes)
    if unknown:
        problems.append(_("unknown criteria: %(codes)s") % {"codes": ", ".join(unknown)})
    clean = {}
    for item in criteria:
        value = scores.get(item["code"])
        try:
            score = Decimal(str(value)) if value not in (None, "") and not isinstance(value, bool) else None
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
            problems.append(_("%(name)s: a score from 0 to 100 is required") % {"name": item["name"]})
            continue
        clean[item["code"]] = scoring.q(score, scoring.SCORE)
    if problems:
        raise ValidationError({"scores": problems})
    total = sum(Decimal(item["weight"]) * clean[item["code"]] for item in criteria) / Decimal(100)
    return {code: str(value) for code, value in clean.items()}, scoring.q(total, scoring.SCORE)


@SHEET_FLOW.effect(SheetAction.SUBMIT)
def _submitted(sheet: ScoreSheet, step: Step) -> None:
    comment = str(step.data.get("comment") or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("At most 2000 characters.")})
    sheet.scores, sheet.total = _weighted_total(sheet.round.criteria.get(sheet.flow, []), step.data["scores"])
    sheet.comment = comment
    sheet.submitted_at = step.now
    sheet.submitted_by = None if isinstance(step.user, AccessCode) else step.user


def _submit(actor, sheet: ScoreSheet, scores, comment: str) -> ScoreSheet:
    SHEET_FLOW.act(actor, sheet, SheetAction.SUBMIT, {"scores": scores, "comment": comment})
    sheet.save(update_fields=["scores", "total", "comment", "status", "submitted_at", "submitted_by"])
    return sheet


@transaction.atomic
def sheet_submit(*, actor, sheet_id: int, scores, comment: str = "") -> ScoreSheet:
    """Submit a sheet as its evaluator: Http404 if the user cannot see it, PermissionDenied if they do
    not speak for its evaluator, Conflict if it is submitted already or its round is closed."""
    visible = ScoreSheet.objects.visible_to(actor).filter(pk=sheet_id)
    sheet = (ScoreSheet.objects.select_for_update(of=("self",)).select_related("round")
             .filter(pk__in=visible.values("pk")).first())
    if sheet is None:
        raise Http404(_("No such score sheet."))
    return _submit(actor, sheet, scores, comment)


@transaction.atomic
def sheet_submit_by_token(*, token: str, scores, comment: str = "") -> ScoreSheet:
    """The residents' representatives submit their sheet with its access code."""
    token = str(token or "")
    sheet = ScoreSheet.objects.select_for_update(of=("self",)).select_related("round").filter(
        token=token, evaluator_kind=Party.RESIDENTS).first() if token.isascii() and token.isprintable() else None
    if sheet is None:
        raise Http404(_("No score sheet has this access code."))
    return _submit(AccessCode(token), sheet, scores, comment)


def rounds_remind(*, now: dt.datetime | None = None) -> int:
    """Remind the evaluators of pending sheets 14, 7, 3 and 1 days before the deadline: one notification
    per person and round at each of those steps. Each sheet's step moves forward in the same
    transaction as the notifications, so a retry or a second worker never reminds twice."""
    now = now or timezone.now()
    sent = 0
    for assessment in Round.objects.filter(status=Round.Status.OPEN, deadline__gt=now).select_related("period"):
        days_left = (assessment.deadline - now).total_seconds() / 86400
        step = sum(1 for days in REMINDER_DAYS if days_left <= days)
        if step:
            sent += _remind_round(assessment, step, now)
    return sent


@transaction.atomic
def _remind_round(assessment: Round, step: int, now: dt.datetime) -> int:
    due = list(ScoreSheet.objects.select_for_update(skip_locked=True)
               .filter(round=assessment, status=ScoreSheet.Status.PENDING, reminders_sent__lt=step)
               .values_list("pk", "evaluator_kind", "evaluator_code"))
    if not due:
        return 0
    ScoreSheet.objects.filter(pk__in=[pk for pk, _kind, _code in due]).update(reminders_sent=step)
    by_kind: dict[str, set[str]] = defaultdict(set)
    for _pk, kind, code in due:
        by_kind[kind].add(code)
    people = {kind: people_of(kind, codes) for kind, codes in by_kind.items()}
    pending: dict[int, list] = {}
    for _pk, kind, code in due:
        for user in people[kind].get(code, []):
            pending.setdefault(user.id, [user, 0])[1] += 1
    deadline = timezone.localtime(assessment.deadline).strftime("%Y-%m-%d %H:%M")
    return len(notify([Notice(
        kind=Notification.Kind.WARNING, users=[user], about=assessment, subject=assessment.period.code,
        message=_("Two-way assessment %(period)s: %(count)s score sheet(s) to submit by %(deadline)s.")
        % {"period": assessment.period.code, "count": count, "deadline": deadline})
        for user, count in pending.values()]))


@transaction.atomic
def rounds_close_past_deadline(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return Round.objects.filter(status=Round.Status.OPEN, deadline__lte=now).update(
        status=Round.Status.CLOSED, closed_at=now)


# ---------------------------------------------------------------- third-party survey


@transaction.atomic
def survey_import(*, actor, period_code: str, file_name: str, content: bytes,
                  now: dt.datetime | None = None) -> SurveyImport:
    """Import the survey company's file for a period: all rows checked first, all stored or none."""
    period = period_ensure(code=period_code)
    questions, rows = parse_survey(file_name, content)
    survey = SurveyImport.objects.create(
        period=period, file_name=file_name[:200], sha256=hashlib.sha256(content).hexdigest(), questions=questions,
        row_count=len(rows), imported_by=actor, imported_at=now or timezone.now())
    SurveyResult.objects.bulk_create([
        SurveyResult(survey=survey, subject_kind=row.kind, subject_code=row.code, sample_size=row.sample_size,
                     satisfied=row.satisfied, question_scores=row.scores, mean_score=row.mean_score)
        for row in rows
    ], batch_size=1000)
    return survey


# ---------------------------------------------------------------- rules


def _create_version(model, *, actor, note: str, now: dt.datetime | None, **fields):
    """Store the next version number of a rule model (a concurrent creator makes us take the one after)."""
    for _attempt in range(3):
        version = (model.objects.aggregate(top=Max("version"))["top"] or 0) + 1
        try:
            with transaction.atomic():
                return model.objects.create(version=version, note=str(note or "")[:300], created_by=actor,
                                            created_at=now or timezone.now(), **fields)
        except IntegrityError:
            continue
    raise Conflict(_("Another rule version was being created at the same time; try again."), code="busy")


@transaction.atomic
def rule_create(*, actor, weights, parameters=None, two_way_shares=None, note: str = "",
                now: dt.datetime | None = None) -> ScoringRule:
    """A new version of the scoring rules (earlier versions stay as they were, for the runs using them).
    Without two-way shares, the default ones (``scoring.DEFAULT_TWO_WAY_SHARES``)."""
    clean_weights, clean_parameters = scoring.validate_rule(weights, parameters or {})
    shares = scoring.validate_shares(scoring.DEFAULT_TWO_WAY_SHARES if two_way_shares is None else two_way_shares)
    return _create_version(ScoringRule, actor=actor, note=note, now=now, weights=clean_weights,
                           parameters=clean_parameters, two_way_shares=shares)


@transaction.atomic
def bonus_rule_create(*, actor, base_by_post, scaling: str = BonusRule.Scaling.RELATIVE, personal_weight="0",
                      floor_score="0", note: str = "", now: dt.datetime | None = None) -> BonusRule:
    """A new version of the bonus rules."""
    clean = bonus_math.validate_rule(base_by_post=base_by_post, scaling=scaling, personal_weight=personal_weight,
                                     floor_score=floor_score)
    return _create_version(BonusRule, actor=actor, note=note, now=now, **clean)


def rule_current() -> ScoringRule:
    rule = ScoringRule.objects.order_by("-version").first()
    if rule is None:
        raise Conflict(_("No scoring rule exists yet."), code="no_rule")
    return rule


def _rule(version) -> ScoringRule:
    if version in (None, ""):
        return rule_current()
    rule = ScoringRule.objects.filter(version=version).first()
    if rule is None:
        raise ValidationError({"rule": _("No scoring rule has version %(version)s.") % {"version": version}})
    return rule


# ---------------------------------------------------------------- computing results


def _units() -> list[tuple[str, int, str, str, str, str, str]]:
    """(kind, id, code, name, street code, department code, management mode) of every assessed unit; the
    management mode is a department station's only."""
    units = [(SubjectKind.GRID, pk, code, name, code[:9], "", "")
             for pk, code, name in Grid.objects.filter(level=Grid.Level.UNIT).values_list("id", "code", "name")]
    units += [(SubjectKind.STREET, pk, code, name, code, "", "")
              for pk, code, name in Grid.objects.filter(level=Grid.Level.STREET).values_list("id", "code", "name")]
    units += [(SubjectKind.DEPARTMENT, pk, code, name, "", code, "")
              for pk, code, name in Department.objects.values_list("id", "code", "name")]
    units += [(SubjectKind.STATION, pk, code, name, street, department or "",  # a section has no department
               mode if unit_kind == StreetUnit.Kind.STATION else "")
              for pk, code, name, street, department, unit_kind, mode in StreetUnit.objects.values_list(
                  "id", "code", "name", "street__code", "department__code", "kind", "management_mode")]
    return sorted(units, key=lambda unit: (unit[0], unit[2]))


def _shares_key(kind: str, mode: str) -> str:
    """Which of the rule's two-way shares a unit takes ("" for none: the mean of its flows)."""
    if kind == SubjectKind.STREET:
        return "street"
    return f"station_{mode}" if kind == SubjectKind.STATION and mode else ""


def _supervision_inputs(period: Period, as_of: dt.datetime) -> dict[tuple[str, str], tuple[int, int]]:
    """{(kind, code): (ratings, satisfied)}: the supervision committees' ratings of the street offices and
    department stations in the period's rounds, recorded by the cut-off."""
    rows = (SupervisionRating.objects.filter(round__period=period, rated_at__lte=as_of)
            .values("station__code", street=Substr("round__committee__grid__code", 1, STREET_CODE_LENGTH))
            .annotate(n=Count("id"), satisfied=Count("id", filter=Q(score__gte=SATISFIED_FROM))).order_by())
    return {((SubjectKind.STATION, row["station__code"]) if row["station__code"]
             else (SubjectKind.STREET, row["street"])): (row["n"], row["satisfied"]) for row in rows}


def _two_way_inputs(period: Period) -> tuple[int | None, dict[tuple[str, str], dict[str, tuple[int, Decimal]]]]:
    assessment = Round.objects.filter(period=period).first()
    found: dict[tuple[str, str], dict] = defaultdict(dict)
    if assessment is None:
        return None, found
    rows = (ScoreSheet.objects.filter(round=assessment, status=ScoreSheet.Status.SUBMITTED)
            .values("evaluatee_kind", "evaluatee_code", "flow").annotate(n=Count("id"), total=Sum("total"))
            .order_by())
    for row in rows:
        kind = PARTY_TO_SUBJECT[row["evaluatee_kind"]]
        found[(kind, row["evaluatee_code"])][row["flow"]] = (row["n"], Decimal(row["total"]))
    return assessment.pk, found


def _survey_inputs(period: Period) -> tuple[SurveyImport | None, dict[tuple[str, str], SurveyResult]]:
    survey = SurveyImport.objects.filter(period=period).order_by("-imported_at", "-id").first()
    if survey is None:
        return None, {}
    return survey, {(row.subject_kind, row.subject_code): row for row in survey.results.all()}


def compute_results(period: Period, rule: ScoringRule, as_of: dt.datetime) -> tuple[list[SubjectResult], dict, str]:
    """The results of every unit, unsaved, with the inputs used and their fingerprint. Pure in its
    inputs: the same cases, sheets, survey, calendar and rule give the same rows and fingerprint."""
    calendar_sync(until=timezone.localdate(as_of))
    counts = case_counts(start=period.start, end=period.end, as_of=as_of)
    three_rates = rates_by_unit(start=period.start, end=period.end, as_of=as_of)
    patrols = patrols_by_unit(start=period.start, end=period.end, as_of=as_of)
    round_id, two_way = _two_way_inputs(period)
    survey, survey_rows = _survey_inputs(period)
    supervision = _supervision_inputs(period, as_of) if rule.two_way_shares else {}
    parameters, weights = rule.parameters, rule.weights
    results, fingerprint_units = [], []
    for kind, pk, code, name, street_code, department_code, mode in _units():
        unit_counts = counts.get((kind, pk), CaseCounts())
        fig = scoring.figures(unit_counts, parameters)
        flow_inputs = two_way.get((kind, code), {})
        two_way_score, two_way_detail = scoring.two_way_score(flow_inputs)
        shares = rule.two_way_shares.get(_shares_key(kind, mode))
        residents = supervision.get((kind, code), (0, 0))
        two_way_parts = {}
        if shares:
            two_way_score, two_way_parts = scoring.two_way_by_parts(two_way_detail, residents, shares)
        survey_row = survey_rows.get((kind, code))
        survey_share = scoring.ratio(survey_row.satisfied, survey_row.sample_size) if survey_row else None
        unit_rates = three_rates.get((kind, pk), RateCounts())
        rate_values = {"response_rate": unit_rates.response_rate, "resolution_rate": unit_rates.resolution_rate,
                       "satisfaction_rate": unit_rates.satisfaction_rate}
        unit_patrols = patrols.get((kind, pk), PatrolCounts())
        parts = scoring.components(fig, two_way_score, survey_share, parameters, rate_values, unit_patrols.rate)
        results.append(SubjectResult(
            kind=kind, code=code, name=name, street_code=street_code if kind != SubjectKind.DEPARTMENT else "",
            department_code=department_code,
            collected=unit_counts.collected, filed=unit_counts.filed, closed=unit_counts.closed,
            on_time_closed=unit_counts.on_time_closed, overdue=unit_counts.overdue, reworked=unit_counts.reworked,
            returned=unit_counts.returned, escalated=unit_counts.escalated, extended=unit_counts.extended,
            handling_seconds=unit_counts.handling_seconds, rated=fig.rated, defaulted=unit_counts.defaulted,
            satisfied=fig.satisfied, satisfaction_sum=fig.satisfaction_sum,
            closure_rate=fig.closure_rate, on_time_rate=fig.on_time_rate, rework_rate=fig.rework_rate,
            return_rate=fig.return_rate, escalation_rate=fig.escalation_rate,
            mean_handling_hours=fig.mean_handling_hours, satisfaction_mean=fig.satisfaction_mean,
            satisfied_share=fig.satisfied_share,
            responses=unit_rates.responses, responded_on_time=unit_rates.responded_on_time,
            callbacks_reached=unit_rates.reached, callbacks_solved=unit_rates.solved, rates_rated=unit_rates.rated,
            rates_satisfied=unit_rates.satisfied, **rate_values,
            patrols_planned=unit_patrols.planned, patrols_made=unit_patrols.made, patrol_rate=unit_patrols.rate,
            sheets=sum(n for n, _total in flow_inputs.values()), two_way_score=two_way_score, two_way=two_way_detail,
            two_way_parts=two_way_parts, management_mode=mode,
            survey_sample=survey_row.sample_size if survey_row else 0,
            survey_satisfied=survey_row.satisfied if survey_row else 0, survey_share=survey_share,
            survey_score=survey_row.mean_score if survey_row else None,
            components={key: (None if value is None else str(value)) for key, value in parts.items()},
            composite=scoring.composite(parts, weights[kind]),
        ))
        fingerprint_units.append([kind, code, name, unit_counts.as_list(), list(astuple(unit_rates)),
                                  [str(unit_patrols.planned), unit_patrols.made],
                                  {flow: [n, str(total)] for flow, (n, total) in sorted(flow_inputs.items())},
                                  [survey_row.sample_size, survey_row.satisfied, survey_row.mean_score]
                                  if survey_row else None,
                                  # versions weighing parts only, so earlier runs keep their fingerprints
                                  *([mode, list(residents)] if rule.two_way_shares else [])])
    _rank(results)
    inputs = {
        "period": period.code, "as_of": timezone.localtime(as_of).isoformat(), "rule_version": rule.version,
        "calendar": calendar_digest(start=period.starts_on, end=timezone.localdate(as_of)),
        "round": round_id, "sheets_submitted": sum(r.sheets for r in results),
        "survey": {"id": survey.pk, "sha256": survey.sha256} if survey else None,
        "cases": sum(r.collected for r in results if r.kind == SubjectKind.GRID),
    }
    fingerprint = scoring.fingerprint_of({"inputs": inputs, "weights": weights, "parameters": parameters,
                           "units": fingerprint_units})
    return results, inputs, fingerprint


def _rank(results: list[SubjectResult]) -> None:
    by_kind: dict[str, list[SubjectResult]] = defaultdict(list)
    for result in results:
        by_kind[result.kind].append(result)
    for rows in by_kind.values():
        ranks = scoring.competition_ranks([(r.code, r.composite) for r in rows])
        by_street: dict[str, list] = defaultdict(list)
        for row in rows:
            row.rank = ranks.get(row.code)
            by_street[row.street_code].append(row)
        if rows[0].kind in (SubjectKind.GRID, SubjectKind.STATION):
            for street_rows in by_street.values():
                street_ranks = scoring.competition_ranks([(r.code, r.composite) for r in street_rows])
                for row in street_rows:
                    row.rank_in_street = street_ranks.get(row.code)


@transaction.atomic
def run_compute(*, actor=None, period_code: str, rule_version=None, as_of: dt.datetime | None = None,
                now: dt.datetime | None = None, if_absent: bool = False) -> ResultRun:
    """Compute a period's results into a new run (status computed). Outcomes are read at ``as_of``:
    by default the period end plus the rule's cut-off days, or now while that is still ahead. Earlier
    drafts of the period are superseded; after publication a new run only serves to check the
    published one (it cannot be published). With ``if_absent`` a period that has a run gets its latest
    back instead (what the beat uses: a retry or a second worker computes nothing twice)."""
    started = time.perf_counter()
    now = now or timezone.now()
    period = Period.objects.select_for_update().get(pk=period_ensure(code=period_code).pk)
    if if_absent and period.runs.exists():
        return period.runs.order_by("-id").first()
    rule = _rule(rule_version)
    if period.start >= now:
        raise ValidationError({"period": _("Period %(code)s has not started yet.") % {"code": period.code}})
    as_of = as_of or min(period.complete_at(rule), now)
    if timezone.is_naive(as_of):
        as_of = timezone.make_aware(as_of)
    if not period.start < as_of <= now:
        raise ValidationError({"as_of": _("The cut-off must lie between the period's start and now.")})
    results, inputs, fingerprint = compute_results(period, rule, as_of)
    if not ResultRun.objects.filter(period=period, status=ResultRun.Status.PUBLISHED).exists():
        _supersede_drafts(period)
    run = ResultRun.objects.create(period=period, rule=rule, as_of=as_of, fingerprint=fingerprint, inputs=inputs,
                                   computed_at=now, computed_by=actor)
    for result in results:
        result.run = run
    SubjectResult.objects.bulk_create(results, batch_size=1000)
    ResultRun.objects.filter(pk=run.pk).update(seconds=round(time.perf_counter() - started, 3))
    run.refresh_from_db()
    return run


def _supersede_drafts(period: Period, keep: ResultRun | None = None) -> None:
    """The system's step of the run workflow, for all of a period's drafts at once."""
    supersede = RUN_FLOW.transitions[RunAction.SUPERSEDE]
    drafts = ResultRun.objects.filter(period=period, status__in=supersede.sources)
    (drafts.exclude(pk=keep.pk) if keep else drafts).update(status=supersede.target)


@RUN_FLOW.effect(RunAction.REVIEW)
def _reviewed(run: ResultRun, step: Step) -> list[str]:
    run.reviewed_at, run.reviewed_by, run.note = step.now, step.user, str(step.data.get("note") or "").strip()[:500]
    return ["status", "reviewed_at", "reviewed_by", "note"]


@RUN_FLOW.effect(RunAction.PUBLISH)
def _published(run: ResultRun, step: Step) -> list[str]:
    """It and its rows are frozen from now on; the period's other drafts are superseded."""
    _supersede_drafts(run.period, keep=run)
    run.published_at, run.published_by = step.now, step.user
    return ["status", "published_at", "published_by"]


@transaction.atomic
def run_act(*, actor, run_id: int, action: str, data: dict | None = None,
            now: dt.datetime | None = None) -> ResultRun:
    """Take a step of the run workflow: Http404 if the user cannot see the run, PermissionDenied if
    the step is not theirs, Conflict if the run is not in a state for it, ValidationError for bad data."""
    visible = ResultRun.objects.visible_to(actor).filter(pk=run_id)
    period_id = visible.values_list("period_id", flat=True).first()
    if period_id is None:
        raise Http404(_("No such result run."))
    Period.objects.select_for_update().get(pk=period_id)  # one publication of a period at a time
    run = ResultRun.objects.select_for_update(of=("self",)).select_related("period", "rule").get(pk=run_id)
    changed = RUN_FLOW.act(actor, run, action, data, now=now)
    run.save(update_fields=changed)
    return run


def run_review(*, actor, run_id: int, note: str = "", now: dt.datetime | None = None) -> ResultRun:
    return run_act(actor=actor, run_id=run_id, action=RunAction.REVIEW, data={"note": note}, now=now)


def run_publish(*, actor, run_id: int, now: dt.datetime | None = None) -> ResultRun:
    return run_act(actor=actor, run_id=run_id, action=RunAction.PUBLISH, now=now)


FIGURE_FIELDS = ["collected", "filed", "closed", "on_time_closed", "overdue", "reworked", "returned", "escalated",
                 "extended", "handling_seconds", "rated", "defaulted", "satisfied", "satisfaction_sum",
                 "closure_rate", "on_time_rate", "rework_rate", "return_rate", "escalation_rate",
                 "mean_handling_hours", "satisfaction_mean", "satisfied_share", "responses", "responded_on_time",
                 "response_rate", "callbacks_reached", "callbacks_solved", "resolution_rate", "rates_rated",
                 "rates_satisfied", "satisfaction_rate", "patrols_planned", "patrols_made", "patrol_rate", "sheets",
                 "two_way_score", "two_way", "two_way_parts", "management_mode", "survey_sample", "survey_satisfied",
                 "survey_share", "survey_score", "components", "composite", "rank", "rank_in_street"]


def run_verify(*, run: ResultRun) -> dict:
    """Recompute a run from today's data with its rule version and cut-off, without storing anything,
    and compare: identical inputs must give identical numbers."""
    results, _inputs, fingerprint = compute_results(run.period, run.rule, run.as_of)
    stored = {(r.kind, r.code): r for r in run.results.all()}
    differences = []
    for fresh in results:
        old = stored.get((fresh.kind, fresh.code))
        if old is None:
            differences.append({"unit": fresh.code, "field": "*", "stored": None, "now": "new unit"})
            continue
        for name in FIGURE_FIELDS:
            before, after = getattr(old, name), getattr(fresh, name)
            if before != after:
                differences.append({"unit": fresh.code, "field": name, "stored": str(before), "now": str(after)})
    return {"run": run.pk, "fingerprint": run.fingerprint, "recomputed_fingerprint": fingerprint,
            "same_inputs": fingerprint == run.fingerprint, "identical": not differences and len(stored) == len(results),
            "differences": differences[:100]}


def periods_to_compute(*, now: dt.datetime) -> list[Period]:
    """Periods (half-years and the quarters before them) that are complete under the current rule and have
    no run yet; the current and previous period of each kind are created on the way."""
    rule = rule_current()
    today = timezone.localdate(now)
    due = []
    for kind in (Period.Kind.HALF, Period.Kind.QUARTER):
        previous = periods.containing(kind, today).previous()
        period = period_ensure(code=previous.code)
        if period.complete_at(rule) <= now and not period.runs.exists():
            due.append(period)
    return due


# ---------------------------------------------------------------- community workers' bonus


def _in_scope_of(actor, grid_code: str) -> bool:
    return scope_of(actor).covers(grid_code)


@transaction.atomic
def worker_assess(*, actor, period_code: str, username: str, score, comment: str = "",
                  now: dt.datetime | None = None) -> WorkerAssessment:
    """Record (or correct, until the quarter's bonus is computed) a worker's personal quarterly score."""
    period = period_ensure(code=period_code)
    if period.kind != Period.Kind.QUARTER:
        raise ValidationError({"period": _("Worker assessments are quarterly (e.g. 2026Q3).")})
    staff = bonus_math.community_workers().filter(user__username=str(username or "")).select_related(
        "home_grid").first()
    if staff is None or not _in_scope_of(actor, staff.home_grid.code):
        raise ValidationError({"username": _("No community worker “%(name)s” in your area.") % {"name": username}})
    try:
        value = scoring.q(Decimal(str(score)), scoring.SCORE)
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not Decimal(0) <= value <= Decimal(100):
        raise ValidationError({"score": _("A score from 0 to 100.")})
    if BonusRun.objects.filter(period=period).exists():
        raise Conflict(_("The bonus of %(code)s is computed; its assessments are closed.") % {"code": period.code},
                       code="bonus_computed")
    assessment, _created = WorkerAssessment.objects.update_or_create(
        period=period, staff=staff, defaults={"score": value, "comment": str(comment or "")[:500],
                                              "assessed_by": actor, "assessed_at": now or timezone.now()})
    return assessment


@transaction.atomic
def bonus_compute(*, actor, period_code: str, rule_version=None,
                  now: dt.datetime | None = None) -> tuple[BonusRun, bool]:
    """Every community worker's bonus for a quarter, from the quarter's published results. Returns
    (bonus, created): computing again from identical inputs gives back the same bonus, so a payroll
    never sees two different lists for the same thing."""
    period = period_ensure(code=period_code)
    if period.kind != Period.Kind.QUARTER:
        raise ValidationError({"period": _("Bonuses are quarterly (e.g. 2026Q3).")})
    period = Period.objects.select_for_update().get(pk=period.pk)
    run = ResultRun.objects.filter(period=period, status=ResultRun.Status.PUBLISHED).first()
    if run is None:
        raise Conflict(_("Publish the results of %(code)s first: bonuses are paid on published scores.")
                       % {"code": period.code}, code="not_published")
    if rule_version in (None, ""):
        rule = BonusRule.objects.order_by("-version").first()
    else:
        rule = BonusRule.objects.filter(version=rule_version).first()
    if rule is None:
        raise ValidationError({"rule": _("No such bonus rule.")})
    lines, fingerprint = bonus_math.bonus_lines(period=period, run=run, rule=rule)
    if not lines:
        raise Conflict(_("There are no community workers to pay."), code="no_workers")
    existing = BonusRun.objects.filter(period=period, rule=rule, fingerprint=fingerprint).first()
    if existing is not None:
        return existing, False
    bonus = BonusRun.objects.create(period=period, rule=rule, result_run=run, fingerprint=fingerprint,
                                    workers=len(lines), total=sum(line.amount for line in lines),
                                    computed_at=now or timezone.now(), computed_by=actor)
    for line in lines:
        line.bonus = bonus
    BonusLine.objects.bulk_create(lines, batch_size=2000)
    return bonus, True
