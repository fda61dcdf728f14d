"""The platform's one working calendar: which days are worked, office hours, and working time.

Whether a day is worked comes from, in order: the administrator's override on its ``CalendarDay``
row (for corrections, and for years the holiday library does not know yet), the State Council's
holidays and make-up working days (the ``chinesecalendar`` library), and otherwise Monday–Friday.
Office hours are ``settings.CASE_WORKING_PERIODS``. Case deadlines (``cases.deadlines``), approval
limits (orgs), must-visit due dates (community) and the assessment's working time (evaluation) all
count with this module.

The assessment sums working time inside SQL. The working clock of an instant t,
``W(t) = cum_seconds(day of t) + office seconds of that day before the time of t`` (the second term
only on working days), makes the working time between a < b equal to ``W(b) − W(a)``. ``cum_seconds``
is stored on every ``CalendarDay`` row from ``ORIGIN`` (``calendar_sync`` keeps it current);
``working_clock_sql`` writes W(t) as an SQL expression and ``working_time_between`` is the same
quantity computed here.
"""
import datetime as dt
import hashlib
import threading
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import CalendarDay

ORIGIN = dt.date(2010, 1, 1)
OVERRIDES_MAX_AGE_SECONDS = 60  # other processes learn of an override within this time

_lock = threading.Lock()
_overrides: tuple[float, dict[dt.date, bool]] | None = None


def _override_table() -> dict[dt.date, bool]:
    global _overrides
    cached = _overrides
    if cached is None or time.monotonic() - cached[0] > OVERRIDES_MAX_AGE_SECONDS:
        with _lock:
            rows = CalendarDay.objects.filter(override__isnull=False).values_list("day", "override")
            _overrides = (time.monotonic(), dict(rows))
            cached = _overrides
    return cached[1]


def forget_overrides(**kwargs) -> None:
    """Signal receiver: a saved or deleted calendar day may change an override."""
    global _overrides
    _overrides = None


def local_midnight(day: dt.date) -> dt.datetime:
    """The day's first instant in the platform's time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def is_workday(day: dt.date) -> bool:
    overrides = _override_table()
    if day in overrides:
        return overrides[day]
    return CalendarDay.statutory_workday(day)


def next_workday(day: dt.date) -> dt.date:
    """The first working day on or after ``day``."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, days: int) -> dt.date:
    """The day on which ``days`` working days after ``day`` have passed (``day`` itself not counted)."""
    left = days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count


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


def working_time_between(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Office time on working days from ``start`` to ``end`` (zero when end ≤ start): the inverse of
    ``add_working_time`` and what ``working_clock_sql`` sums (the SQL in whole seconds)."""
    tz = timezone.get_default_timezone()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    total = dt.timedelta(0)
    periods = working_periods()
    day = start.date()
    while day <= end.date():
        if is_workday(day):
            for period_start, period_end in periods:
                begin = max(dt.datetime.combine(day, period_start, tzinfo=tz), start)
                finish = min(dt.datetime.combine(day, period_end, tzinfo=tz), end)
                if begin < finish:
                    total += finish - begin
        day += dt.timedelta(days=1)
    return total


# --- the table, for working time summed by the database -----------------------------------------


def _period_seconds() -> list[tuple[int, int]]:
    """Office periods of a working day as (start, end) seconds after midnight."""
    return [(s.hour * 3600 + s.minute * 60 + s.second, e.hour * 3600 + e.minute * 60 + e.second)
            for s, e in working_periods()]


def calendar_sync(*, until: dt.date) -> int:
    """Make the table match the calendar from ORIGIN to a year after ``until``: each day's
    effective status and the office seconds before it. Overrides are read from the rows themselves,
    so one saved in another process a moment ago counts. Writes only the rows that differ and
    returns how many (none when nothing changed); concurrent syncs write the same values."""
    last = until + dt.timedelta(days=366)
    stored = {day: (override, worked, cum) for day, override, worked, cum in CalendarDay.objects.filter(
        day__gte=ORIGIN, day__lte=last).values_list("day", "override", "is_workday", "cum_seconds")}
    per_day = sum(end - start for start, end in _period_seconds())
    changed, cum, day = [], 0, ORIGIN
    while day <= last:
        override, worked_before, cum_before = stored.get(day, (None, None, None))
        worked = CalendarDay.statutory_workday(day) if override is None else override
        if (worked_before, cum_before) != (worked, cum):
            changed.append(CalendarDay(day=day, is_workday=worked, cum_seconds=cum))
        cum += per_day if worked else 0
        day += dt.timedelta(days=1)
    if changed:
        with transaction.atomic():
            CalendarDay.objects.bulk_create(changed, batch_size=2000, update_conflicts=True,
                                            unique_fields=["day"], update_fields=["is_workday", "cum_seconds"])
    return len(changed)


def calendar_digest(*, start: dt.date, end: dt.date) -> str:
    """SHA-256 of the working days and office hours between two dates, as the table has them: part
    of an assessment result's inputs."""
    days = CalendarDay.objects.filter(day__gte=start, day__lte=end).order_by("day").values_list("day", "is_workday")
    text = ";".join(f"{d.isoformat()}:{int(w)}" for d, w in days) + "|" + repr(_period_seconds())
    return hashlib.sha256(text.encode()).hexdigest()


def working_clock_sql(*, day_alias: str, time_of_day: str, vendor: str) -> str:
    """W(t) as an SQL expression: ``day_alias`` names the ``CalendarDay`` row of t's local date and
    ``time_of_day`` is an expression of t's whole seconds since local midnight."""
    least, greatest = ("LEAST", "GREATEST") if vendor == "postgresql" else ("MIN", "MAX")
    partial = " + ".join(f"{least}({greatest}({time_of_day} - {start}, 0), {end - start})"
                         for start, end in _period_seconds())
    return f"({day_alias}.cum_seconds + CASE WHEN {day_alias}.is_workday THEN {partial} ELSE 0 END)"
