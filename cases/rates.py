"""The three rates (三率) on which Beijing's 12345 hotline ranks units: response, resolution, satisfaction.

One place computes them, for the command-centre dashboard (``dashboard.py``) and for the assessment
(``evaluation.services``): ``rate_counts`` takes a cohort of cases (the caller says which: the cases
reported in a period, in a user's sight) and a cut-off ``as_of``, and sums in SQL — one aggregate over
the cases and one over their callbacks, grouped by a unit column if asked — never case by case.

- 响应率 response rate = accepted on time / responses due. A dispatch fixes when the addressee must accept
  the case (``Case.response_due_at``: ``CASE_RESPONSE_HOURS`` working hours, urgent cases
  ``CASE_URGENT_RESPONSE_HOURS`` clock hours, see ``deadlines.response_due``); the last dispatch counts.
  A response is *due* once it was given or its time has passed before the cut-off; it is *on time* when
  ``accepted_at`` is at or before ``response_due_at``. Cases handled on the spot were never dispatched
  and are not counted. A case summoned to several units (吹哨报到) has one response per unit: its report-in
  (报到), due by the time the whistle set, and counted for that unit; a unit that returned its part without
  reporting in, or whose summons ended before its time was up, owes none.
- 解决率 resolution rate = reached callbacks in which the reporter confirms the problem is solved /
  reached callbacks, made before the cut-off. Every reached callback counts: a case found unsolved,
  reopened and later confirmed solved counts once each way.
- 满意率 satisfaction rate = rated cases rated satisfied (4 or 5) / rated cases. A case's rating is its own
  (the resident's, on the public page, to a dispatcher or on a callback) given before the cut-off; a
  case without one — never rated, rated only by default after the evaluation window, or whose rating
  was cleared by a reopening — is rated by the satisfaction of its latest reached callback before the
  cut-off, if that gave one. Default ratings are nobody's word and never count here.
"""
import datetime as dt
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from .models import Callback, Case, CaseParty

SATISFIED_FROM = 4
RATE = Decimal("0.0001")


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE, ROUND_HALF_UP) if denominator else None


@dataclass(frozen=True)
class RateCounts:
    """The sums behind the three rates of one unit (or of a whole cohort)."""

    responses: int = 0  # dispatched cases whose response was due (or given) before the cut-off
    responded_on_time: int = 0  # … accepted by their response due time
    reached: int = 0  # callbacks that reached the reporter
    solved: int = 0  # … in which the reporter confirmed the problem solved
    rated: int = 0  # cases with a rating (their own, else their latest reached callback's)
    satisfied: int = 0  # … rated 4 or 5

    def __add__(self, other: "RateCounts") -> "RateCounts":
        return RateCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def response_rate(self) -> Decimal | None:
        return _ratio(self.responded_on_time, self.responses)

    @property
    def resolution_rate(self) -> Decimal | None:
        return _ratio(self.solved, self.reached)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _ratio(self.satisfied, self.rated)


def _rating(as_of: dt.datetime) -> models.Case:
    """A case's rating as the satisfaction rate reads it (see the module's definition)."""
    latest_callback = (Callback.objects.filter(case=OuterRef("pk"), reached=True, satisfaction__isnull=False,
                                               called_at__lt=as_of)
                       .order_by("-called_at", "-id").values("satisfaction")[:1])
    own = Q(satisfaction__isnull=False, satisfaction_defaulted=False, evaluated_at__lt=as_of)
    return models.Case(models.When(own, then=F("satisfaction")), default=Subquery(latest_callback),
                       output_field=models.PositiveSmallIntegerField())


def response_due_q(as_of: dt.datetime) -> Q:
    """Dispatched cases whose response was given, or due, before the cut-off."""
    return Q(response_due_at__isnull=False, dispatched_at__lt=as_of) & (
        Q(accepted_at__lt=as_of) | Q(response_due_at__lt=as_of))


def responded_on_time_q(as_of: dt.datetime) -> Q:
    return Q(accepted_at__lt=as_of, accepted_at__lte=F("response_due_at")) & response_due_q(as_of)


def late_report_in_q(as_of: dt.datetime) -> Q:
    """Cases with a summoned unit whose report-in was due before the cut-off and not made in time."""
    return Q(Exists(CaseParty.objects.filter(_OWED, _report_in_due(as_of), ~_reported_in_time(as_of),
                                             case=OuterRef("pk"), summons__summoned_at__lt=as_of)))


def found_unsolved_q(as_of: dt.datetime) -> Q:
    """Cases a reached callback before the cut-off found unsolved."""
    return Q(Exists(Callback.objects.filter(case=OuterRef("pk"), reached=True, solved=False, called_at__lt=as_of)))


def rate_counts(cases: QuerySet[Case], *, as_of: dt.datetime, group_by: str | None = None) -> dict:
    """{unit id: RateCounts} for the cohort ``cases`` grouped by the column ``group_by`` (e.g. "street_id"), or
    {None: RateCounts} for the cohort as a whole. Units without a case in the cohort are absent."""
    due, on_time = response_due_q(as_of), responded_on_time_q(as_of)
    case_sums = {"responses": Count("id", filter=due), "responded_on_time": Count("id", filter=on_time),
                 "rated": Count("id", filter=Q(rating__isnull=False)),
                 "satisfied": Count("id", filter=Q(rating__gte=SATISFIED_FROM))}
    callback_sums = {"reached": Count("id"), "solved": Count("id", filter=Q(solved=True))}
    rated = cases.order_by().annotate(rating=_rating(as_of))
    callbacks = Callback.objects.filter(case__in=cases.order_by().values("pk"), reached=True,
                                        called_at__lt=as_of).order_by()
    if group_by is None:
        whole = RateCounts(**rated.aggregate(**case_sums), **callbacks.aggregate(**callback_sums))
        return {None: whole + RateCounts(**_report_ins(cases, as_of).aggregate(**_report_in_sums(as_of)))}
    found: dict = {}
    for row in rated.values(group_by).annotate(**case_sums):
        unit = row.pop(group_by)
        found[unit] = RateCounts(**row)
    for row in callbacks.values(f"case__{group_by}").annotate(**callback_sums):
        unit = row.pop(f"case__{group_by}")
        found[unit] = found.get(unit, RateCounts()) + RateCounts(**row)
    for row in _report_ins_by_unit(cases, as_of, group_by):
        unit = row.pop("unit")
        found[unit] = found.get(unit, RateCounts()) + RateCounts(**row)
    found.pop(None, None)  # cases never dispatched to a department or station
    return found


# A summoned unit owes a report-in unless it returned its part without one or its summons ended before the time.
_OWED = ~Q(status="returned", reported_at__isnull=True) & ~Q(
    reported_at__isnull=True, summons__ended_at__lte=F("summons__report_due_at"))


def _report_in_due(as_of: dt.datetime) -> Q:
    return Q(reported_at__lt=as_of) | Q(summons__report_due_at__lt=as_of)


def _reported_in_time(as_of: dt.datetime) -> Q:
    return Q(reported_at__lt=as_of, reported_at__lte=F("summons__report_due_at"))


def _report_ins(cases: QuerySet[Case], as_of: dt.datetime) -> QuerySet[CaseParty]:
    """The summoned units' parts that owe a report-in (a response) by the cut-off."""
    return CaseParty.objects.filter(_OWED, case__in=cases.order_by().values("pk"),
                                    summons__summoned_at__lt=as_of).order_by()


def _report_in_sums(as_of: dt.datetime) -> dict:
    return {"responses": Count("id", filter=_report_in_due(as_of)),
            "responded_on_time": Count("id", filter=_reported_in_time(as_of))}


def _report_ins_by_unit(cases: QuerySet[Case], as_of: dt.datetime, group_by: str):
    """The report-ins grouped by the summoned unit itself (a department or station column) or by its case's grid or
    street."""
    unit = group_by if group_by in ("department_id", "station_id") else f"case__{group_by}"
    return (_report_ins(cases, as_of).values(unit).annotate(**_report_in_sums(as_of))
            .values("responses", "responded_on_time", unit=F(unit)))
