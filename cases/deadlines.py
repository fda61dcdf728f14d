"""The clock of a case step: yellow, red and escalation times from the category's limits.

Normal cases count working time on the platform's calendar (``core.calendar``: holidays, make-up
days, the administrator's overrides, office hours); urgent cases count clock hours.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from core.calendar import add_working_time

WARNING_SHARE = Decimal("0.8")


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


def report_in_due(kind: str, summoned_at: dt.datetime) -> dt.datetime:
    """When units summoned by a whistle of this kind must have reported in (``settings.JOINT_REPORT_IN``): an
    emergency counts clock minutes, the others working hours."""
    limit = settings.JOINT_REPORT_IN[kind]
    if "minutes" in limit:
        return summoned_at + dt.timedelta(minutes=limit["minutes"])
    return add_working_time(summoned_at, Decimal(limit["working_hours"]))
def response_due(urgent: bool, dispatched_at: dt.datetime) -> dt.datetime:
    """When a dispatched case must be accepted by: ``CASE_RESPONSE_HOURS`` of working time, or
    ``CASE_URGENT_RESPONSE_HOURS`` of clock time for an urgent case (as the categories' step limits count)."""
    if urgent:
        return dispatched_at + dt.timedelta(hours=settings.CASE_URGENT_RESPONSE_HOURS)
    return add_working_time(dispatched_at, Decimal(str(settings.CASE_RESPONSE_HOURS)))
