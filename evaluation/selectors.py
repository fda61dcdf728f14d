"""What each user may read in the evaluation app. Deny by default.

- The district (evaluators, the command centre, auditors: a district-wide scope) sees everything,
  drafts included.
- Everyone else with the role's view permission sees **published** results of the units in their
  scope: a street sub-centre its street, its grids and the department stations in it; community
  staff their grids; a department its department and all its stations; a station itself.
- Score sheets: the district sees all; a party's people see the sheets their party fills in (and
  community staff the residents' sheets of their grids, to hand out the access codes). Evaluatees
  never see single sheets, only the aggregated score.
- Survey imports, rules, bonuses and worker assessments beyond one's own area: the district only.
"""
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from cases.models import Case
from cases.selectors import cases_visible_to
from grids.models import Department, DepartmentStation
from grids.selectors import NOTHING, scope_of

from .bonus import community_workers
from .indicators import cohort_q, drill_q
from .models import (
    BonusRule,
    BonusRun,
    Party,
    Period,
    ResultRun,
    Round,
    ScoreSheet,
    ScoringRule,
    SubjectKind,
    SubjectResult,
    SurveyImport,
    WorkerAssessment,
)
from .parties import parties_of


def _allowed(user, perm: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm(perm))


def is_district(user) -> bool:
    return scope_of(user).everywhere


def periods_visible_to(user) -> QuerySet[Period]:
    return Period.objects.all() if _allowed(user, "evaluation.view_period") else Period.objects.none()


def rules_visible_to(user) -> QuerySet[ScoringRule]:
    return ScoringRule.objects.all() if _allowed(user, "evaluation.view_scoringrule") else ScoringRule.objects.none()


def bonus_rules_visible_to(user) -> QuerySet[BonusRule]:
    return BonusRule.objects.all() if _allowed(user, "evaluation.view_bonusrule") else BonusRule.objects.none()


def runs_visible_to(user) -> QuerySet[ResultRun]:
    if not _allowed(user, "evaluation.view_resultrun"):
        return ResultRun.objects.none()
    runs = ResultRun.objects.select_related("period", "rule")
    return runs if is_district(user) else runs.filter(status=ResultRun.Status.PUBLISHED)


def run_get_for_user(user, pk) -> ResultRun:
    return get_object_or_404(runs_visible_to(user), pk=pk)


def subject_scope_q(user) -> Q:
    """The units in the user's scope, as a filter on SubjectResult."""
    scope = scope_of(user)
    if scope.everywhere:
        return Q()
    query = NOTHING
    if scope.grid_codes:
        # A grid code covers its grids and street; a street code also covers the stations in the street.
        query |= Q(kind__in=[SubjectKind.GRID, SubjectKind.STREET]) & scope.grid_q("code")
        streets = [code for code in scope.grid_codes if len(code) == 9]
        if streets:
            query |= Q(kind=SubjectKind.STATION, street_code__in=streets)
    if scope.department_ids:
        codes = list(Department.objects.filter(id__in=scope.department_ids).values_list("code", flat=True))
        query |= Q(kind__in=[SubjectKind.DEPARTMENT, SubjectKind.STATION], department_code__in=codes)
    if scope.station_ids:
        codes = list(DepartmentStation.objects.filter(id__in=scope.station_ids).values_list("code", flat=True))
        query |= Q(kind=SubjectKind.STATION, code__in=codes)
    return query


def results_visible_to(user) -> QuerySet[SubjectResult]:
    if not _allowed(user, "evaluation.view_subjectresult"):
        return SubjectResult.objects.none()
    return SubjectResult.objects.filter(subject_scope_q(user), run__in=runs_visible_to(user)).select_related(
        "run", "run__period", "run__rule")


BEST_FIRST = [F("rank").asc(nulls_last=True), "code"]


def ranked(results: QuerySet[SubjectResult]) -> QuerySet[SubjectResult]:
    """Best first; units without a score (no data) last, by code."""
    return results.order_by("run_id", "kind", *BEST_FIRST)


def result_get_for_user(user, pk) -> SubjectResult:
    return get_object_or_404(results_visible_to(user), pk=pk)


def result_trend(user, result: SubjectResult, count: int = 6) -> list[SubjectResult]:
    """The unit's published results of the same kind of period, oldest first, up to this one."""
    rows = (results_visible_to(user).filter(kind=result.kind, code=result.code,
                                            run__status=ResultRun.Status.PUBLISHED,
                                            run__period__kind=result.run.period.kind,
                                            run__period__starts_on__lt=result.run.period.starts_on)
            .order_by("-run__period__starts_on")[: count - 1])
    return [*reversed(list(rows)), result]


SUBJECT_CASE_FIELD = {SubjectKind.GRID: "grid__code", SubjectKind.STREET: "street__code",
                      SubjectKind.DEPARTMENT: "department__code", SubjectKind.STATION: "station__code"}


def cases_behind(user, result: SubjectResult, drill: str) -> QuerySet[Case]:
    """The cases behind one of a unit's numbers, as the definitions say, among the cases the user may
    see. (The list shows the cases as they are now; a frozen number keeps the value it was computed with.)"""
    run = result.run
    query = cohort_q(start=run.period.start, end=run.period.end, as_of=run.as_of) & drill_q(
        drill, as_of=run.as_of, count_default_ratings=bool(run.rule.parameters.get("count_default_ratings")))
    return (cases_visible_to(user).filter(query, **{SUBJECT_CASE_FIELD[result.kind]: result.code})
            .select_related("grid", "category").defer("grid__boundary").order_by("created_at", "id"))


def rounds_visible_to(user) -> QuerySet[Round]:
    return Round.objects.select_related("period") if _allowed(user, "evaluation.view_round") else Round.objects.none()


def sheets_visible_to(user) -> QuerySet[ScoreSheet]:
    if not _allowed(user, "evaluation.view_scoresheet"):
        return ScoreSheet.objects.none()
    sheets = ScoreSheet.objects.select_related("round", "round__period")
    if is_district(user):
        return sheets
    query = NOTHING
    for kind, codes in parties_of(user).items():
        query |= Q(evaluator_kind=kind, evaluator_code__in=codes)
        if kind == Party.GRID:
            query |= Q(evaluator_kind=Party.RESIDENTS, evaluator_code__in=codes)
    return sheets.filter(query)


def surveys_visible_to(user) -> QuerySet[SurveyImport]:
    if not _allowed(user, "evaluation.view_surveyimport") or not is_district(user):
        return SurveyImport.objects.none()
    return SurveyImport.objects.select_related("period")


def bonuses_visible_to(user) -> QuerySet[BonusRun]:
    if not _allowed(user, "evaluation.view_bonusrun") or not is_district(user):
        return BonusRun.objects.none()
    return BonusRun.objects.select_related("period", "rule", "result_run")


def worker_assessments_visible_to(user) -> QuerySet[WorkerAssessment]:
    if not _allowed(user, "evaluation.view_workerassessment"):
        return WorkerAssessment.objects.none()
    rows = WorkerAssessment.objects.select_related("period", "staff", "staff__user", "staff__home_grid")
    return rows.filter(scope_of(user).grid_q("staff__home_grid__code"))


def workers_visible_to(user):
    return community_workers().filter(scope_of(user).grid_q("home_grid__code"))
