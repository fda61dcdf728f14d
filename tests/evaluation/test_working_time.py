"""Working time summed by the database equals the case engine's own working calendar: nights,
weekends, official holidays and make-up working days, and the admin's overrides."""
import datetime as dt

import pytest

from core.calendar import add_working_time, calendar_sync
from core.models import CalendarDay
from evaluation.indicators import case_counts
from evaluation.periods import parse_code
from tests.cases.conftest import STATION_A, act, new_case

from .conftest import at

pytestmark = pytest.mark.django_db


def closed_case(cast, created, closed):
    case = new_case(cast.dispatcher_a, now=created)  # a street dispatcher's own report is filed at once
    act(cast.dispatcher_a, case, "dispatch", now=created, department=STATION_A)
    act(cast.station_a, case, "accept", now=created)
    act(cast.station_a, case, "feedback", now=closed, result="已处理")
    act(cast.dispatcher_a, case, "verify", now=closed)
    return case


def working_seconds(case) -> int:
    spec = parse_code("2026H1")
    start = dt.datetime.combine(spec.starts_on, dt.time.min, tzinfo=at("2026-01-01").tzinfo)
    end = dt.datetime.combine(spec.ends_on, dt.time.min, tzinfo=start.tzinfo)
    calendar_sync(until=spec.ends_on)
    return case_counts(start=start, end=end, as_of=end, levels=["grid"])[("grid", case.grid_id)].handling_seconds


@pytest.mark.parametrize(("created", "closed", "hours"), [
    (at("2026-03-02", "10:15"), at("2026-03-02", "12:30"), 1.75),  # lunch break does not count
    (at("2026-03-06", "17:00"), at("2026-03-09", "10:00"), 2),  # Friday evening to Monday morning
    (at("2026-04-03", "17:00"), at("2026-04-07", "10:00"), 2),  # Qingming: 4–6 April off
    (at("2026-01-03", "10:00"), at("2026-01-05", "10:00"), 9),  # New Year: 3 Jan off, Sunday 4 Jan worked
    (at("2026-03-07", "20:00"), at("2026-03-08", "23:00"), 0),  # a weekend only
])
def test_it_sums_office_hours_across_nights_weekends_and_holidays(cast, created, closed, hours):
    case = closed_case(cast, created, closed)
    assert working_seconds(case) == hours * 3600


def test_it_agrees_with_the_deadline_calendar(cast):
    created = at("2026-04-30", "16:20")  # before the May Day holiday (1–5 May)
    closed = add_working_time(created, 11.5)
    case = closed_case(cast, created, closed)
    assert closed.date() == dt.date(2026, 5, 7)  # 1h40 on 30 April, 1–5 May off, 8 h on the 6th, 1h50 on the 7th
    assert working_seconds(case) == 11.5 * 3600


def test_an_override_in_admin_changes_the_calendar_table(cast):
    case = closed_case(cast, at("2026-03-02", "09:00"), at("2026-03-04", "09:00"))
    assert working_seconds(case) == 16 * 3600
    day = CalendarDay.objects.get(day=dt.date(2026, 3, 3))
    day.override, day.note = False, "测试"
    day.save()
    assert working_seconds(case) == 8 * 3600
    assert CalendarDay.objects.get(day=dt.date(2026, 3, 3)).is_workday is False
