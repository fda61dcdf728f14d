"""Reads of the evaluation app that add something to ``Model.objects.visible_to(user)`` (which decides
who sees which row, see ``models.py``): the ranking order, a unit's trend, the cases behind a number.
"""
from django.db.models import F, QuerySet

from cases.models import Case
from core.db import count_of

from .indicators import cohort_q, drill_q
from .models import ResultRun, Round, ScoreSheet, SubjectKind, SubjectResult

BEST_FIRST = [F("rank").asc(nulls_last=True), "code"]


def with_progress(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Two-way rounds with their period, how many score sheets each has (``sheet_count``) and how many are in
    (``submitted_count``), newest first: counted per round, not over all sheets of all rounds (3.5 → 2.1 ms for
    the demo's one round of 7,534 sheets, and each half-year adds as many)."""
    return rounds.select_related("period").annotate(
        sheet_count=count_of(ScoreSheet.objects.all(), "round"),
        submitted_count=count_of(ScoreSheet.objects.filter(status=ScoreSheet.Status.SUBMITTED), "round"),
    ).order_by("-period__starts_on", "-id")


def ranked(results: QuerySet[SubjectResult]) -> QuerySet[SubjectResult]:
    """Best first; units without a score (no data) last, by code."""
    return results.order_by("run_id", "kind", *BEST_FIRST)


def result_trend(user, result: SubjectResult, count: int = 6) -> list[SubjectResult]:
    """The unit's published results of the same kind of period, oldest first, up to this one."""
    rows = (SubjectResult.objects.visible_to(user).select_related("run__period")
            .filter(kind=result.kind, code=result.code, run__status=ResultRun.Status.PUBLISHED,
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
    return (Case.objects.visible_to(user).filter(query, **{SUBJECT_CASE_FIELD[result.kind]: result.code})
            .select_related("grid", "category").defer("grid__boundary").order_by("created_at", "id"))
