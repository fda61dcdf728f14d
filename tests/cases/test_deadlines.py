"""Working-time deadlines across real holidays and make-up days, and the lights they drive."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.calendar import add_working_time, is_workday
from core.models import CalendarDay

from .conftest import MICRO_CATEGORY, new_case

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=BJ)


def test_national_day_2026_is_skipped():
    # Wed 30 Sep 17:00 + one working day (8 h): 1 h on the 30th, then the holiday 1–7 Oct, so 8 Oct 17:00.
    assert not is_workday(dt.date(2026, 10, 1)) and not is_workday(dt.date(2026, 10, 7))
    assert add_working_time(at(2026, 9, 30, 17), 8) == at(2026, 10, 8, 17)


def test_the_make_up_saturday_after_national_day_is_worked():
    assert dt.date(2026, 10, 10).weekday() == 5 and is_workday(dt.date(2026, 10, 10))
    # Fri 9 Oct 17:00 + 8 h → 1 h Friday, then Saturday 10 Oct (make-up day) 9–12 and 13–17.
    assert add_working_time(at(2026, 10, 9, 17), 8) == at(2026, 10, 10, 17)


def test_nights_lunch_and_weekends_do_not_count():
    assert add_working_time(at(2026, 11, 27, 11), 2) == at(2026, 11, 27, 14)  # Friday, over lunch
    assert add_working_time(at(2026, 11, 27, 17), 2) == at(2026, 11, 30, 10)  # over the weekend
    assert add_working_time(at(2026, 11, 28, 3), 1) == at(2026, 11, 30, 10)  # reported on a Saturday night


def test_overrides_decide_for_years_the_library_does_not_cover():
    assert is_workday(dt.date(2027, 1, 1))  # a Friday; the library stops at 2026, so Mon–Fri applies
    CalendarDay.objects.create(day=dt.date(2027, 1, 1), override=False, note="元旦")
    assert not is_workday(dt.date(2027, 1, 1))
    assert add_working_time(at(2026, 12, 31, 17), 2) == at(2027, 1, 4, 10)
    CalendarDay.objects.create(day=dt.date(2027, 1, 2), override=True, note="调休上班")
    assert add_working_time(at(2026, 12, 31, 17), 2) == at(2027, 1, 2, 10)


def test_a_case_gets_its_step_clock_in_working_time(cast):
    # Filed by community staff on Fri 27 Nov 2026 at 17:30: 2 working hours to dispatch.
    case = new_case(cast.community_a, MICRO_CATEGORY, now=at(2026, 11, 27, 17, 30))
    assert case.status == "filed"
    assert case.due_at == at(2026, 11, 30, 10, 30)
    assert case.warn_at == at(2026, 11, 30, 10, 6)  # 80 % of 120 minutes = 96 minutes
    assert case.next_due_at == case.warn_at


def test_urgent_cases_count_clock_hours(cast):
    case = new_case(cast.community_a, MICRO_CATEGORY, urgency="urgent", now=at(2026, 11, 28, 22, 0))
    assert case.due_at == at(2026, 11, 28, 22, 30)  # 0.5 h to dispatch, on a Saturday night
