"""The deadline sweep: yellow at 80 % of a step's limit, red at 100 %, escalation after the grace,
default evaluation when nobody rates a closed case in time.

Only cases whose ``next_due_at`` has passed are read (a partial index holds only cases with a
running clock), in batches locked with ``FOR UPDATE SKIP LOCKED``: two sweeps at once (a retry,
a second beat) split the work instead of repeating it, and each case's state moves past the
threshold in the same transaction as its event and notifications, so nothing fires twice.
"""
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Notification

from . import selectors
from .journal import Journal
from .models import Case
from .services import Outcome, apply_escalation, apply_evaluation, case_notice
from .workflow import (
    ESCALATABLE,
    SYSTEM_ESCALATE,
    SYSTEM_EVALUATE,
    SYSTEM_OVERDUE,
    SYSTEM_WARN,
    Light,
    Status,
    Tier,
    next_tier,
)

SWEPT_FIELDS = [
    "status", "tier", "light", "next_due_at", "department", "station", "assignee", "step_started_at", "warn_at",
    "due_at", "escalate_at", "extension_requested_until", "escalation_count", "overdue_steps", "satisfaction",
    "satisfaction_comment", "satisfaction_defaulted", "evaluated_at", "joint",
]


SWEPT_ATTNAMES = [Case._meta.get_field(name).attname for name in SWEPT_FIELDS]


@dataclass
class SweepReport:
    warned: int = 0
    overdue: int = 0
    escalated: int = 0
    evaluated: int = 0

    @property
    def total(self) -> int:
        return self.warned + self.overdue + self.escalated + self.evaluated


def _step_owners(case: Case, owners: selectors.StepOwnerDirectory) -> list:
    """Who is waiting on the current step: the handlers while it is with them, else the dispatchers."""
    if case.status in (Status.DISPATCHED, Status.HANDLING):
        return owners.handlers_of(case)
    return owners.dispatchers_of(case)


def _sweep_one(case: Case, now: dt.datetime, report: SweepReport,
               owners: selectors.StepOwnerDirectory) -> tuple[str, Outcome]:
    """Move one due case past every threshold it has crossed; returns the system action and its outcome."""
    if case.status == Status.CLOSED:
        report.evaluated += 1
        return SYSTEM_EVALUATE, apply_evaluation(case, now, settings.CASE_DEFAULT_SATISFACTION, "", defaulted=True)
    number = case.number
    if case.escalate_at and now >= case.escalate_at and case.status in ESCALATABLE and next_tier(case.tier):
        if case.light != Light.RED:
            case.overdue_steps += 1
        case.light = Light.RED  # so that start_step does not count the same late step again
        due = case.due_at
        payload, notices = apply_escalation(case, now, _("Overdue since %(due)s: escalated automatically.")
                                            % {"due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")},
                                            owners=owners)
        report.escalated += 1
        return SYSTEM_ESCALATE, Outcome(payload, notices)
    if now >= case.due_at:
        case.light = Light.RED
        case.overdue_steps += 1
        case.next_due_at = case.escalate_at if case.status in ESCALATABLE and case.tier != Tier.LARGE else None
        report.overdue += 1
        return SYSTEM_OVERDUE, Outcome({"due_at": case.due_at.isoformat()}, [case_notice(
            Notification.Kind.OVERDUE, _step_owners(case, owners),
            _("Case %(number)s is overdue.") % {"number": number}, case)])
    case.light = Light.YELLOW
    case.next_due_at = case.due_at
    report.warned += 1
    return SYSTEM_WARN, Outcome({"due_at": case.due_at.isoformat()}, [case_notice(
        Notification.Kind.WARNING, _step_owners(case, owners), _("Case %(number)s is due at %(due)s.")
        % {"number": number, "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")}, case)])


def sweep_deadlines(*, now: dt.datetime | None = None, batch_size: int | None = None) -> SweepReport:
    now = now or timezone.now()
    batch_size = batch_size or settings.CASE_SWEEP_BATCH
    report = SweepReport()
    if not Case.objects.filter(next_due_at__lte=now).exists():
        return report  # the common case, one index probe: nothing has fallen due
    owners = selectors.step_owner_directory()
    while _sweep_batch(now, batch_size, report, owners):
        pass
    return report


def _sweep_batch(now: dt.datetime, batch_size: int, report: SweepReport,
                 owners: selectors.StepOwnerDirectory) -> int:
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("grid", "category", "assignee")
            .defer("grid__boundary")
            .filter(next_due_at__lte=now)
            .order_by("next_due_at")[:batch_size]
        )
        if not cases:
            return 0
        journal, changed = Journal(now), set()
        for case in cases:
            before = [getattr(case, f) for f in SWEPT_ATTNAMES]
            from_status, from_tier = case.status, case.tier
            action, outcome = _sweep_one(case, now, report, owners)
            journal.note(case, action, label="system", from_status=from_status, from_tier=from_tier,
                         payload=outcome.payload, notices=outcome.notices)
            changed.update(f for f, a, old in zip(SWEPT_FIELDS, SWEPT_ATTNAMES, before, strict=True)
                           if getattr(case, a) != old)
        # Only the columns that moved: a warning touches a few, an escalation most of them.
        journal.write(fields=[f for f in SWEPT_FIELDS if f in changed])
        return len(cases)
