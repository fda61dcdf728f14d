"""Objective indicators from the case table, per unit grid, street/town, department and station.

The cohort of a unit for a period is the cases attributed to it that were **collected (created) in the
period**: a unit grid and a street by the case's grid and street, a department and a station by the
department/station the case is (last) dispatched to. Outcomes are read **at the cut-off** (``as_of``,
by default the end of the period): a case created in the period and closed after the cut-off counts as
collected and filed but not closed; a case created before the period is not in it at all, wherever it
is closed. The per-case counters (reworks, returns, escalations, extensions, overdue steps) are the
case's values when the results are computed; a published result keeps the values it was computed
with, whatever happens to the cases later.

Every count is one ``SUM(CASE …)`` of a single aggregate query over the cohort (GROUPING SETS on
PostgreSQL: one scan for all four levels); no case is looked at in Python. Working time comes from
the platform calendar's ``CalendarDay`` table joined in the same query (see ``core.calendar``).

Definitions (shown on every scorecard, see ``INDICATORS``):

- collected: cases created in the period.
- filed: of those, filed (案卷建立) before the cut-off and not rejected or merged as duplicates.
- closed: of those, closed (核查结案) before the cut-off.
- closure rate: closed / filed.
- closed on time: closed before the cut-off with every step within its limit (``overdue_steps = 0``;
  a step finished within an approved extension is within its limit).
- on-time closure rate: closed on time / filed.
- overdue: cases of the cohort (not rejected) with at least one step past its limit.
- rework rate: cases sent back for rework at least once / filed.
- return rate: cases returned by an addressee at least once / filed.
- escalation rate: cases escalated (by hand or by deadline) at least once / collected.
- extended: cases with at least one approved extension.
- mean working hours to closure: working time (office hours on working days) from collection to
  closure, averaged over the closed cases.
- ratings counted / mean satisfaction / share satisfied: the residents' ratings (1–5) given before the
  cut-off. A case nobody rated in time is evaluated by default (``CASE_DEFAULT_SATISFACTION``); such
  default ratings are counted separately and left out of the mean and the share unless the rule
  version says ``count_default_ratings``. Satisfied means a rating of 4 or 5.
- the three rates (三率) — response, resolution, satisfaction rate — of the same cohort at the same
  cut-off, as ``cases.rates`` defines and computes them (one definition for the dashboard and here).
- patrol rate (网格巡察): patrols started in a grid (a street: its grids) in the period up to the cut-off, over
  the patrols its plan asks for in that time, at most 100 % (``patrols.coverage.patrol_counts``; the plans in
  force when the results are computed). Grids without a plan have none.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.rates import (
    RateCounts,
    found_unsolved_q,
    late_report_in_q,
    rate_counts,
    responded_on_time_q,
    response_due_q,
)
from core.calendar import working_clock_sql
from core.models import CalendarDay
from patrols.coverage import PatrolCounts, patrol_counts

LEVELS = {"grid": "grid_id", "street": "street_id", "department": "department_id", "station": "station_id"}
SATISFIED_FROM = 4


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    definition: str
    kind: str = "count"  # count | rate | hours | mean
    drill: str = ""  # the count whose cases a drill-down lists


INDICATORS = [
    Indicator("collected", _("Cases collected"), _("Cases created in the period."), drill="collected"),
    Indicator("filed", _("Cases filed"),
              _("Of those, filed before the cut-off and not rejected or merged as a duplicate."), drill="filed"),
    Indicator("closed", _("Cases closed"), _("Of those, verified and closed before the cut-off."), drill="closed"),
    Indicator("closure_rate", _("Closure rate"), _("Closed / filed."), kind="rate", drill="not_closed"),
    Indicator("on_time_closed", _("Closed on time"),
              _("Closed before the cut-off with every step within its limit (an approved extension moves the "
                "limit)."), drill="on_time_closed"),
    Indicator("on_time_rate", _("On-time closure rate"), _("Closed on time / filed."), kind="rate",
              drill="not_on_time"),
    Indicator("overdue", _("Overdue cases"), _("Cases (not rejected) with at least one step past its limit."),
              drill="overdue"),
    Indicator("rework_rate", _("Rework rate"), _("Cases sent back for rework at least once / filed."), kind="rate",
              drill="reworked"),
    Indicator("return_rate", _("Return rate"),
              _("Cases returned by an addressee (wrong addressee) at least once / filed."), kind="rate",
              drill="returned"),
    Indicator("escalation_rate", _("Escalation rate"),
              _("Cases escalated to a higher tier (by hand or by deadline) at least once / collected."),
              kind="rate", drill="escalated"),
    Indicator("extended", _("Extended"), _("Cases with at least one approved extension."), drill="extended"),
    Indicator("mean_handling_hours", _("Mean working hours to closure"),
              _("Office hours on working days from collection to closure, averaged over the closed cases."),
              kind="hours", drill="closed"),
    Indicator("rated", _("Ratings counted"),
              _("Residents' ratings (1–5) given before the cut-off; default ratings of cases nobody rated in "
                "time count only if the rule version says so."), drill="rated"),
    Indicator("satisfaction_mean", _("Mean satisfaction"), _("Mean of the ratings counted (1–5)."), kind="mean",
              drill="rated"),
    Indicator("satisfied_share", _("Share satisfied"), _("Ratings of 4 or 5 / ratings counted."), kind="rate",
              drill="satisfied"),
    Indicator("defaulted", _("Default ratings"),
              _("Cases evaluated by default because nobody rated them in time."), drill="defaulted"),
    Indicator("response_rate", _("Response rate"),
              _("Dispatched cases accepted within their response limit, and units summoned to a joint case that "
                "reported in within their whistle's time / the responses due."),
              kind="rate", drill="late_response"),
    Indicator("resolution_rate", _("Resolution rate"),
              _("Reached callbacks in which the reporter confirms the problem solved / reached callbacks."),
              kind="rate", drill="found_unsolved"),
    Indicator("satisfaction_rate", _("Satisfaction rate"),
              _("Rated cases rated 4 or 5 / rated cases; a case without a rating of its own (default ratings "
                "aside) is rated by its latest reached callback."), kind="rate", drill="rated"),
    Indicator("patrol_rate", _("Patrol rate"),
              _("Patrols started in the grid (a street: its grids) in the period / the patrols its plan asks for "
                "over the period, at most 100 %."), kind="rate"),
]
INDICATOR_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}


@dataclass
class CaseCounts:
    """The raw sums of one unit's cohort; everything else is derived from these."""

    collected: int = 0
    filed: int = 0
    closed: int = 0
    on_time_closed: int = 0
    overdue: int = 0
    reworked: int = 0
    returned: int = 0
    escalated: int = 0
    extended: int = 0
    handling_seconds: int = 0
    rated: int = 0
    rating_sum: int = 0
    rated_satisfied: int = 0
    defaulted: int = 0
    default_sum: int = 0
    default_satisfied: int = 0
    checksum: list = field(default_factory=lambda: [0, 0])  # [sum of case ids, sum of event counts]

    def as_list(self) -> list:
        return [self.collected, self.filed, self.closed, self.on_time_closed, self.overdue, self.reworked,
                self.returned, self.escalated, self.extended, self.handling_seconds, self.rated, self.rating_sum,
                self.rated_satisfied, self.defaulted, self.default_sum, self.default_satisfied, *self.checksum]


COUNT_COLUMNS = [
    ("collected", "1 = 1"),
    ("filed", "c.filed_at < %(as_of)s AND c.status <> 'rejected'"),
    ("closed", "c.closed_at < %(as_of)s"),
    ("on_time_closed", "c.closed_at < %(as_of)s AND c.overdue_steps = 0"),
    ("overdue", "c.overdue_steps > 0 AND c.status <> 'rejected'"),
    ("reworked", "c.rework_count > 0"),
    ("returned", "c.return_count > 0"),
    ("escalated", "c.escalation_count > 0"),
    ("extended", "c.extension_count > 0"),
    ("rated", "c.evaluated_at < %(as_of)s AND c.satisfaction IS NOT NULL AND NOT c.satisfaction_defaulted"),
    ("rated_satisfied", "c.evaluated_at < %(as_of)s AND c.satisfaction >= 4 AND NOT c.satisfaction_defaulted"),
    ("defaulted", "c.evaluated_at < %(as_of)s AND c.satisfaction IS NOT NULL AND c.satisfaction_defaulted"),
    ("default_satisfied", "c.evaluated_at < %(as_of)s AND c.satisfaction >= 4 AND c.satisfaction_defaulted"),
]
SUM_COLUMNS = [
    ("rating_sum", "CASE WHEN c.evaluated_at < %(as_of)s AND NOT c.satisfaction_defaulted "
                   "THEN c.satisfaction ELSE 0 END"),
    ("default_sum", "CASE WHEN c.evaluated_at < %(as_of)s AND c.satisfaction_defaulted "
                    "THEN c.satisfaction ELSE 0 END"),
    ("checksum_ids", "c.id"),
    ("checksum_events", "c.event_count"),
]


class _Dialect:
    """The few expressions that differ between PostgreSQL and SQLite."""

    def __init__(self, vendor: str, tz, start: dt.datetime):
        self.vendor = vendor
        self.tz_name = str(tz)
        # SQLite has no time zones: the zone's offset at the period start (Asia/Shanghai has no DST).
        self.offset_minutes = int(timezone.localtime(start, tz).utcoffset().total_seconds() // 60)

    def local_date(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"({column} AT TIME ZONE %(tz)s)::date"
        return f"date({column}, '{self.offset_minutes:+d} minutes')"

    def time_of_day(self, column: str) -> str:
        """Seconds since local midnight, whole."""
        if self.vendor == "postgresql":
            return f"FLOOR(EXTRACT(EPOCH FROM ({column} AT TIME ZONE %(tz)s)::time))"
        return f"(CAST(strftime('%%s', {column}, '{self.offset_minutes:+d} minutes') AS INTEGER) %% 86400)"


def _select_list(dialect: _Dialect) -> str:
    parts = [f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS {name}" for name, condition in COUNT_COLUMNS]
    parts += [f"SUM({expression}) AS {name}" for name, expression in SUM_COLUMNS]
    # W(closed) − W(created): see core.calendar
    handling = (f"{working_clock_sql(day_alias='k1', time_of_day='c.t1', vendor=dialect.vendor)} - "
                f"{working_clock_sql(day_alias='k0', time_of_day='c.t0', vendor=dialect.vendor)}")
    parts.append(f"SUM(CASE WHEN c.closed_at < %(as_of)s THEN {handling} ELSE 0 END) AS handling_seconds")
    return ",\n  ".join(parts)


def _cohort(dialect: _Dialect) -> str:
    return f"""
    (SELECT c.id, c.grid_id, c.street_id, c.department_id, c.station_id, c.status, c.filed_at, c.closed_at,
            c.evaluated_at, c.satisfaction, c.satisfaction_defaulted, c.overdue_steps, c.rework_count,
            c.return_count, c.escalation_count, c.extension_count, c.event_count,
            {dialect.local_date('c.created_at')} AS d0, {dialect.time_of_day('c.created_at')} AS t0,
            {dialect.local_date('c.closed_at')} AS d1, {dialect.time_of_day('c.closed_at')} AS t1
     FROM cases_case c
     WHERE c.created_at >= %(start)s AND c.created_at < %(end)s) c
    LEFT JOIN {CalendarDay._meta.db_table} k0 ON k0.day = c.d0
    LEFT JOIN {CalendarDay._meta.db_table} k1 ON k1.day = c.d1"""


def level_bits(levels: list[str]) -> dict[int, str]:
    """GROUPING(<the levels' columns>) of each grouping set: a bit is set for each column not grouped."""
    full = (1 << len(levels)) - 1
    return {full - (1 << (len(levels) - 1 - index)): level for index, level in enumerate(levels)}


def _query(dialect: _Dialect, levels: list[str]) -> str:
    select = _select_list(dialect)
    cohort = _cohort(dialect)
    if dialect.vendor == "postgresql":
        columns = ", ".join(f"c.{LEVELS[level]}" for level in levels)
        sets = ", ".join(f"(c.{LEVELS[level]})" for level in levels)
        return f"""
        SELECT GROUPING({columns}) AS level_bits, COALESCE({columns}) AS unit_id,
          {select}
        FROM {cohort}
        GROUP BY GROUPING SETS ({sets})
        """
    parts = []
    for bits, level in level_bits(levels).items():
        parts.append(f"SELECT {bits} AS level_bits, c.{LEVELS[level]} AS unit_id,\n  {select}\n"
                     f"FROM {cohort}\nGROUP BY c.{LEVELS[level]}")
    return "\nUNION ALL\n".join(parts)


def case_counts(*, start: dt.datetime, end: dt.datetime, as_of: dt.datetime,
                levels: list[str] | None = None) -> dict[tuple[str, int], CaseCounts]:
    """{(level, unit id): CaseCounts} for the cases created in [start, min(end, as_of)). Units with no
    case in the cohort are absent. The working calendar must cover the dates (``calendar_sync``)."""
    levels = levels or list(LEVELS)
    tz = timezone.get_default_timezone()
    dialect = _Dialect(connection.vendor, tz, start)
    sql = _query(dialect, levels)
    adapt = connection.ops.adapt_datetimefield_value
    params = {"start": adapt(start), "end": adapt(min(end, as_of)), "as_of": adapt(as_of), "tz": dialect.tz_name}
    if connection.vendor != "postgresql":
        sql, params = _positional(sql, params)
    bits_of = level_bits(levels)
    names = ([name for name, _c in COUNT_COLUMNS] + [name for name, _e in SUM_COLUMNS] + ["handling_seconds"])
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            level = bits_of.get(int(row[0]))
            if level is None or row[1] is None:
                continue  # cases not dispatched to any department or station
            values = dict(zip(names, (int(v or 0) for v in row[2:]), strict=True))
            counts = CaseCounts(checksum=[values.pop("checksum_ids"), values.pop("checksum_events")], **values)
            result[(level, int(row[1]))] = counts
    return result


def rates_by_unit(*, start: dt.datetime, end: dt.datetime, as_of: dt.datetime,
                  levels: list[str] | None = None) -> dict[tuple[str, int], RateCounts]:
    """{(level, unit id): RateCounts} of the three rates for the same cohort and cut-off as ``case_counts``
    (two aggregates per level, see ``cases.rates``)."""
    cohort = Case.objects.filter(cohort_q(start=start, end=end, as_of=as_of))
    return {(level, unit): counts for level in (levels or list(LEVELS))
            for unit, counts in rate_counts(cohort, as_of=as_of, group_by=LEVELS[level]).items()}


def patrols_by_unit(*, start: dt.datetime, end: dt.datetime, as_of: dt.datetime) -> dict[tuple[str, int], PatrolCounts]:
    """{("grid" | "street", unit id): PatrolCounts} for the period up to the cut-off (two grouped queries)."""
    return patrol_counts(start=start, end=min(end, as_of))


def _positional(sql: str, params: dict) -> tuple[str, list]:
    """SQLite's driver takes positional parameters: turn each %(name)s into %s, in order."""
    import re

    order = []

    def replace(match):
        order.append(params[match.group(1)])
        return "%s"

    return re.sub(r"%\((\w+)\)s", replace, sql), order


def cohort_q(*, start: dt.datetime, end: dt.datetime, as_of: dt.datetime) -> Q:
    return Q(created_at__gte=start, created_at__lt=min(end, as_of))


def drill_q(key: str, *, as_of: dt.datetime, count_default_ratings: bool = False) -> Q:
    """The cases behind a number, as an ORM filter over the cohort (what a drill-down lists)."""
    rated = Q(evaluated_at__lt=as_of, satisfaction__isnull=False)
    if not count_default_ratings:
        rated &= Q(satisfaction_defaulted=False)
    filed = Q(filed_at__lt=as_of) & ~Q(status="rejected")
    closed = Q(closed_at__lt=as_of)
    on_time = closed & Q(overdue_steps=0)
    return {
        "collected": Q(),
        "filed": filed,
        "closed": closed,
        "not_closed": filed & ~closed,
        "on_time_closed": on_time,
        "not_on_time": filed & ~on_time,
        "overdue": Q(overdue_steps__gt=0) & ~Q(status="rejected"),
        "reworked": Q(rework_count__gt=0),
        "returned": Q(return_count__gt=0),
        "escalated": Q(escalation_count__gt=0),
        "extended": Q(extension_count__gt=0),
        "rated": rated,
        "satisfied": rated & Q(satisfaction__gte=SATISFIED_FROM),
        "defaulted": Q(evaluated_at__lt=as_of, satisfaction__isnull=False, satisfaction_defaulted=True),
        "late_response": response_due_q(as_of) & ~responded_on_time_q(as_of) | late_report_in_q(as_of),
        "found_unsolved": found_unsolved_q(as_of),
    }[key]


DRILL_LABELS = {
    "collected": _("Cases collected"), "filed": _("Cases filed"), "closed": _("Cases closed"),
    "not_closed": _("Filed but not closed"), "on_time_closed": _("Closed on time"),
    "not_on_time": _("Filed but not closed on time"), "overdue": _("Overdue cases"), "reworked": _("Reworked cases"),
    "returned": _("Returned cases"), "escalated": _("Escalated cases"), "extended": _("Extended cases"),
    "rated": _("Ratings counted"), "satisfied": _("Satisfied ratings"), "defaulted": _("Default ratings"),
    "late_response": _("Not accepted, or not reported in, within the response limit"),
    "found_unsolved": _("Found unsolved on a callback"),
}
DRILLS = list(DRILL_LABELS)
