"""Working time: official holidays, make-up working days and office hours.

Whether a day is worked comes from, in order: the ``CalendarOverride`` table (editable in admin,
for corrections and for years the library does not know yet), the ``chinesecalendar`` library
(State Council holiday notices), and otherwise Monday–Friday. Office hours are
``settings.CASE_WORKING_PERIODS``. Urgent cases count clock hours instead.
"""
import datetime as dt
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

import chinese_calendar
from django.conf import settings
from django.utils import timezone

OVERRIDES_MAX_AGE_SECONDS = 60
WARNING_SHARE = Decimal("0.8")

_lock = threading.Lock()
_overrides: tuple[float, dict[dt.date, bool]] | None = None


def _override_table() -> dict[dt.date, bool]:
    global _overrides
    cached = _overrides
    if cached is None or time.monotonic() - cached[0] > OVERRIDES_MAX_AGE_SECONDS:
        from .models import CalendarOverride

        with _lock:
            _overrides = (time.monotonic(), dict(CalendarOverride.objects.values_list("date", "is_workday")))
            cached = _overrides
    return cached[1]


def forget_overrides(**kwargs) -> None:
    global _overrides
    _overrides = None


def is_workday(day: dt.date) -> bool:
    overrides = _override_table()
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not cover yet
        return day.weekday() < 5


def working_periods() -> list[tuple[dt.time, dt.time]]:
    periods = []
    for span in settings.CASE_WORKING_PERIODS.split(","):
        start, end = span.strip().split("-")
        periods.append((dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
    return periods


def add_working_time(start: dt.datetime, hours: Decimal | float) -> dt.datetime:
    """The moment ``hours`` of office time after ``start`` (skipping nights, weekends, holidays)."""
    remaining = dt.timedelta(hours=float(hours))
    tz = timezone.get_default_timezone()
    cursor = timezone.localtime(start, tz)
    day = cursor.date()
    periods = working_periods()
    for _ in range(3660):  # ten years of days: a limit no catalogue reaches
        if is_workday(day):
            for period_start, period_end in periods:
                begin = max(dt.datetime.combine(day, period_start, tzinfo=tz), cursor)
                end = dt.datetime.combine(day, period_end, tzinfo=tz)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += dt.timedelta(days=1)
        cursor = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    raise ValueError("working time limit too long")


@dataclass(frozen=True)
class StepClock:
    started_at: dt.datetime
    warn_at: dt.datetime
    due_at: dt.datetime
    escalate_at: dt.datetime | None


def step_limit_hours(category, step: str, urgent: bool) -> Decimal:
    return Decimal(getattr(category, f"urgent_{step}_hours" if urgent else f"{step}_hours"))


def step_clock(category, step: str, urgent: bool, started_at: dt.datetime, escalates: bool) -> StepClock:
    """Yellow at 80 % of the step's limit, red at 100 %, escalation after the grace period."""
    limit = step_limit_hours(category, step, urgent)
    if urgent:
        warn_at = started_at + dt.timedelta(hours=float(limit * WARNING_SHARE))
        due_at = started_at + dt.timedelta(hours=float(limit))
    else:
        warn_at = add_working_time(started_at, limit * WARNING_SHARE)
        due_at = add_working_time(started_at, limit)
    escalate_at = due_at + dt.timedelta(hours=settings.CASE_ESCALATION_GRACE_HOURS) if escalates else None
    return StepClock(started_at, warn_at, due_at, escalate_at)


def extended_clock(started_at: dt.datetime, until: dt.datetime, escalates: bool) -> StepClock:
    """The clock after an approved extension: the new due time, yellow at 80 % of the new span."""
    warn_at = started_at + (until - started_at) * 0.8
    escalate_at = until + dt.timedelta(hours=settings.CASE_ESCALATION_GRACE_HOURS) if escalates else None
    return StepClock(started_at, warn_at, until, escalate_at)
