"""The platform's one working calendar: holidays and make-up days from the State Council's notices,
the administrator's overrides taking effect at once, and working time counted the same way in
Python (deadlines) and in SQL (the assessment)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from core.calendar import (
    add_working_days,
    add_working_time,
    calendar_digest,
    calendar_sync,
    is_workday,
    next_workday,
    working_clock_sql,
    working_days_between,
    working_time_between,
)
from core.models import CalendarDay

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
HOUR = dt.timedelta(hours=1)


def at(*args):
    return dt.datetime(*args, tzinfo=BJ)


def set_override(day, override, note="测试"):
    """What the administrator does in the admin: edit the day's row (or add it)."""
    row = CalendarDay.objects.filter(day=day).first() or CalendarDay(day=day)
    row.override, row.note = override, note
    row.save()
    return row


def stored(day):
    return CalendarDay.objects.get(day=day)


def test_national_day_2026_is_off_and_its_make_up_saturday_is_worked():
    assert not any(is_workday(dt.date(2026, 10, day)) for day in range(1, 8))
    assert is_workday(dt.date(2026, 10, 8))
    assert dt.date(2026, 10, 10).weekday() == 5 and is_workday(dt.date(2026, 10, 10))
    assert not is_workday(dt.date(2026, 10, 11))


def test_years_the_library_does_not_cover_fall_back_to_monday_to_friday():
    assert is_workday(dt.date(2027, 1, 1))  # a Friday
    assert not is_workday(dt.date(2027, 1, 2))


def test_the_next_working_day_is_the_day_itself_when_it_is_worked():
    assert next_workday(dt.date(2026, 11, 28)) == dt.date(2026, 11, 30)  # Saturday → Monday
    assert next_workday(dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)  # through National Day
    assert next_workday(dt.date(2026, 10, 10)) == dt.date(2026, 10, 10)  # the make-up Saturday


def test_working_days_skip_the_holiday_and_count_the_make_up_day():
    # Wednesday 30 Sep: 8, 9 and (Saturday) 10 October are the next three working days.
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)
    assert working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4
    assert working_days_between(dt.date(2026, 10, 12), dt.date(2026, 9, 30)) == 0


def test_an_override_takes_effect_at_once_and_in_the_table_after_the_sync():
    assert calendar_sync(until=dt.date(2026, 12, 31)) > 0
    assert calendar_sync(until=dt.date(2026, 12, 31)) == 0  # nothing changed: nothing written
    before = stored(dt.date(2027, 1, 4)).cum_seconds - stored(dt.date(2026, 12, 31)).cum_seconds
    assert before == 16 * 3600  # 31 December and 1 January worked

    row = set_override(dt.date(2027, 1, 1), False, "元旦")
    assert not is_workday(dt.date(2027, 1, 1)) and row.is_workday is False
    assert add_working_time(at(2026, 12, 31, 17), 2) == at(2027, 1, 4, 10)

    assert calendar_sync(until=dt.date(2026, 12, 31)) > 0  # the days after 1 January count 8 h less
    after = stored(dt.date(2027, 1, 4)).cum_seconds - stored(dt.date(2026, 12, 31)).cum_seconds
    assert after == 8 * 3600 and stored(dt.date(2027, 1, 1)).is_workday is False
    assert stored(dt.date(2027, 1, 1)).override is False and stored(dt.date(2027, 1, 1)).note == "元旦"

    set_override(dt.date(2027, 1, 2), True, "调休上班")
    assert add_working_time(at(2026, 12, 31, 17), 2) == at(2027, 1, 2, 10)

    set_override(dt.date(2027, 1, 1), None)  # cleared: the rule applies again
    assert is_workday(dt.date(2027, 1, 1)) and stored(dt.date(2027, 1, 1)).is_workday is True


def test_an_override_beyond_the_table_waits_there_for_the_sync():
    set_override(dt.date(2031, 5, 6), False, "调休")
    calendar_sync(until=dt.date(2031, 1, 1))
    assert stored(dt.date(2031, 5, 6)).is_workday is False and stored(dt.date(2031, 5, 6)).override is False
    assert stored(dt.date(2031, 5, 7)).cum_seconds == stored(dt.date(2031, 5, 5)).cum_seconds + 8 * 3600


@pytest.mark.parametrize(("start", "hours"), [
    (at(2026, 11, 27, 11), 2),  # over lunch
    (at(2026, 11, 27, 17), 2),  # over the weekend
    (at(2026, 11, 28, 3), 1),  # from a Saturday night
    (at(2026, 9, 30, 17), 8),  # over National Day
    (at(2026, 10, 9, 17), 8.5),  # into the make-up Saturday and beyond
    (at(2026, 12, 31, 10, 20), 30.25),  # into the years the library does not cover
])
def test_working_time_between_undoes_add_working_time(start, hours):
    assert working_time_between(start, add_working_time(start, hours)) == hours * HOUR


def test_working_time_between_an_instant_and_itself_or_an_earlier_one_is_zero():
    assert working_time_between(at(2026, 11, 27, 10), at(2026, 11, 27, 10)) == dt.timedelta(0)
    assert working_time_between(at(2026, 11, 27, 10), at(2026, 11, 26, 10)) == dt.timedelta(0)


def sql_working_clock(instant: dt.datetime) -> int:
    local = instant.astimezone(BJ)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    expression = working_clock_sql(day_alias="k", time_of_day=str(seconds), vendor=connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression} FROM {CalendarDay._meta.db_table} k WHERE k.day = %s", [local.date()])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("start", "end"), [
    (at(2026, 3, 2, 10, 15), at(2026, 3, 2, 12, 30)),  # lunch does not count
    (at(2026, 9, 30, 16, 20, 5), at(2026, 10, 10, 9, 45, 30)),  # the holiday, then the make-up Saturday
    (at(2026, 11, 28, 3), at(2026, 11, 30, 18, 30)),  # from a Saturday night to a Monday evening
    (at(2026, 12, 30, 12, 30), at(2027, 1, 5, 8)),  # across the year the library stops at
])
def test_the_sql_clock_agrees_with_python(start, end):
    set_override(dt.date(2027, 1, 4), False)  # an override counts in both
    calendar_sync(until=end.date())
    sql = sql_working_clock(end) - sql_working_clock(start)
    assert sql == working_time_between(start, end).total_seconds()


def test_the_digest_changes_with_an_override():
    calendar_sync(until=dt.date(2026, 6, 30))
    digest = calendar_digest(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))
    assert calendar_digest(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)) == digest
    set_override(dt.date(2026, 3, 3), False)
    calendar_sync(until=dt.date(2026, 6, 30))
    assert calendar_digest(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)) != digest
