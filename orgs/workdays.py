"""Working days for approval limits. Which days are worked comes from the platform's calendar
(``cases.deadlines.is_workday``: admin overrides, then the ``chinesecalendar`` library with the
State Council's holidays and make-up days, then Monday–Friday for years the library does not
cover)."""
from datetime import date, timedelta

from cases.deadlines import is_workday


def add_working_days(start: date, days: int) -> date:
    """The day on which ``days`` working days after ``start`` have passed (``start`` not counted)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return count
