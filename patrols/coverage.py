"""Patrol coverage: which plans are behind and which points nobody has visited lately, for a grid, a street or
the district; and the patrols planned and made in an assessment period, per grid and street.

A plan asks ``times`` patrols every ``every_days`` days; it is behind when fewer patrols were started in its
grid in the last ``every_days`` days (today included). A point is stale when it has had no check-in for
``PATROL_POINT_STALE_DAYS`` days (or never). Everything is read in three grouped queries, whatever the number
of grids: the plans, patrols per grid and day over the longest window a plan can have, and each point's latest
check-in.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Patrol, PatrolPlan, PatrolPoint

LONGEST_WINDOW_DAYS = 31  # PatrolPlan.every_days is at most this
STALE_POINTS_SHOWN = 50


@dataclass(frozen=True)
class PlanCoverage:
    grid_code: str
    grid_name: str
    times: int
    every_days: int
    made: int  # patrols started in the plan's window

    @property
    def behind(self) -> bool:
        return self.made < self.times


@dataclass(frozen=True)
class StalePoint:
    grid_code: str
    grid_name: str
    name: str
    kind_label: str
    last_visit: dt.datetime | None


@dataclass
class Coverage:
    plans: list[PlanCoverage] = field(default_factory=list)
    points: int = 0
    stale_points: list[StalePoint] = field(default_factory=list)
    stale_count: int = 0
    stale_days: int = 0

    @property
    def behind(self) -> list[PlanCoverage]:
        return [plan for plan in self.plans if plan.behind]

    @property
    def behind_count(self) -> int:
        return len(self.behind)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _under(queryset, path: str, code: str | None):
    return queryset.filter(**{f"{path}__startswith": code}) if code else queryset


def coverage(user, code: str | None = None, now: dt.datetime | None = None) -> Coverage:
    """Coverage of the plans and points the user sees under the grid or street ``code`` (None: all they see)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    plans = list(_under(PatrolPlan.objects.visible_to(user).filter(active=True), "grid__code", code)
                 .order_by("grid__code").values_list("grid_id", "grid__code", "grid__name", "times", "every_days"))
    since = _local_midnight(today - dt.timedelta(days=LONGEST_WINDOW_DAYS - 1))
    per_day = defaultdict(dict)
    rows = (Patrol.objects.filter(grid_id__in=[plan[0] for plan in plans], started_at__gte=since).order_by()
            .annotate(day=TruncDate("started_at")).values_list("grid_id", "day").annotate(n=Count("id")))
    for grid_id, day, n in rows:
        per_day[grid_id][day] = n
    result = Coverage(stale_days=settings.PATROL_POINT_STALE_DAYS)
    for grid_id, grid_code, grid_name, times, every_days in plans:
        first_day = today - dt.timedelta(days=every_days - 1)
        made = sum(n for day, n in per_day[grid_id].items() if day >= first_day)
        result.plans.append(PlanCoverage(grid_code, grid_name, times, every_days, made))
    _add_stale_points(result, user, code, now)
    return result


def _add_stale_points(result: Coverage, user, code: str | None, now: dt.datetime) -> None:
    points = _under(PatrolPoint.objects.visible_to(user).filter(active=True), "grid__code", code)
    stale_before = now - dt.timedelta(days=settings.PATROL_POINT_STALE_DAYS)
    stale = points.annotate(last=Max("check_ins__at")).filter(Q(last__isnull=True) | Q(last__lt=stale_before))
    result.points = points.count()
    result.stale_count = stale.count()
    kinds = dict(PatrolPoint.Kind.choices)
    rows = stale.order_by(F("last").asc(nulls_first=True), "grid__code", "name").values_list(
        "grid__code", "grid__name", "name", "kind", "last")[:STALE_POINTS_SHOWN]
    result.stale_points = [StalePoint(grid_code, grid_name, name, str(kinds[kind]), last)
                           for grid_code, grid_name, name, kind, last in rows]


def coverage_summary(cover: Coverage, shown: int = 15) -> dict:
    """The coverage as plain numbers and rows (the dashboard's JSON refresh sends it as it is)."""
    return {
        "plans": len(cover.plans), "behind": len(cover.behind), "points": cover.points,
        "stale": cover.stale_count, "stale_days": cover.stale_days,
        "behind_grids": [{"code": plan.grid_code, "name": plan.grid_name, "made": plan.made, "times": plan.times,
                          "every_days": plan.every_days} for plan in cover.behind[:shown]],
    }


# --- assessment ----------------------------------------------------------------------------------


@dataclass
class PatrolCounts:
    planned: Decimal = Decimal(0)  # patrols the plans asked for over the period
    made: int = 0  # patrols started in the period

    def __add__(self, other: "PatrolCounts") -> "PatrolCounts":
        return PatrolCounts(self.planned + other.planned, self.made + other.made)

    @property
    def rate(self) -> Decimal | None:
        """Made / planned, capped at 1 (patrolling more than asked earns nothing extra)."""
        if not self.planned:
            return None
        return min(Decimal(1), (Decimal(self.made) / self.planned).quantize(Decimal("0.0001")))


def patrol_counts(*, start: dt.datetime, end: dt.datetime) -> dict[tuple[str, int], PatrolCounts]:
    """{("grid" | "street", grid id): PatrolCounts} for the period [start, end), from the plans in force now and
    the patrols started in the period: two grouped queries."""
    days = Decimal(max((end - start).total_seconds(), 0)) / Decimal(86400)
    made = dict(Patrol.objects.filter(started_at__gte=start, started_at__lt=end).order_by()
                .values_list("grid_id").annotate(n=Count("id")))
    result: dict[tuple[str, int], PatrolCounts] = {}
    plans = PatrolPlan.objects.filter(active=True).values_list("grid_id", "grid__parent_id", "times", "every_days")
    for grid_id, street_id, times, every_days in plans:
        counts = PatrolCounts(planned=(days * times / every_days).quantize(Decimal("0.01")),
                              made=made.get(grid_id, 0))
        result[("grid", grid_id)] = counts
        result[("street", street_id)] = result.get(("street", street_id), PatrolCounts()) + counts
    return result
