"""The working calendar as a table, so that working time is summed by the database.

Working time between two instants a < b is ``W(b) − W(a)`` where
``W(t) = cum_seconds(day of t) + office seconds of that day before the time of t`` (the second term only
on working days). ``cum_seconds`` lives in ``WorkCalendarDay``, one row a day from ``ORIGIN``; the
second term is a closed-form expression of the time of day built from ``settings.CASE_WORKING_PERIODS``.
It is the same working time the case engine's deadlines count (``cases.deadlines``: holidays and
make-up days from chinesecalendar, the override table, office hours), truncated to whole seconds.
"""
import datetime as dt
import hashlib

from django.db import transaction

from cases.deadlines import is_workday, working_periods

from .models import WorkCalendarDay

ORIGIN = dt.date(2010, 1, 1)


def period_seconds() -> list[tuple[int, int]]:
    """Office periods of a working day as (start, end) seconds after midnight."""
    return [(s.hour * 3600 + s.minute * 60 + s.second, e.hour * 3600 + e.minute * 60 + e.second)
            for s, e in working_periods()]


def office_seconds_per_day() -> int:
    return sum(end - start for start, end in period_seconds())


def expected_rows(until: dt.date) -> list[tuple[dt.date, bool, int]]:
    per_day = office_seconds_per_day()
    rows, cum, day = [], 0, ORIGIN
    while day <= until:
        worked = is_workday(day)
        rows.append((day, worked, cum))
        cum += per_day if worked else 0
        day += dt.timedelta(days=1)
    return rows


def calendar_sync(*, until: dt.date) -> int:
    """Make the table match the calendar from ORIGIN to ``until`` (and a year beyond). Writes only
    the rows that differ; returns how many. Concurrent syncs write the same values."""
    rows = expected_rows(until + dt.timedelta(days=366))
    current = dict((d, (w, c)) for d, w, c in WorkCalendarDay.objects.values_list("day", "is_workday", "cum_seconds"))
    changed = [WorkCalendarDay(day=d, is_workday=w, cum_seconds=c) for d, w, c in rows if current.get(d) != (w, c)]
    if changed:
        with transaction.atomic():
            WorkCalendarDay.objects.bulk_create(changed, batch_size=2000, update_conflicts=True,
                                                unique_fields=["day"], update_fields=["is_workday", "cum_seconds"])
    return len(changed)


def calendar_digest(start: dt.date, end: dt.date) -> str:
    """SHA-256 of the working days and office hours between two dates: part of a result's inputs."""
    days = WorkCalendarDay.objects.filter(day__gte=start, day__lte=end).order_by("day").values_list(
        "day", "is_workday")
    text = ";".join(f"{d.isoformat()}:{int(w)}" for d, w in days) + "|" + repr(period_seconds())
    return hashlib.sha256(text.encode()).hexdigest()
