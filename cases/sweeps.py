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

from core.db import bulk_update_rows

from . import selectors
from .models import Case, CaseEvent, Notification
from .services import Notice, apply_escalation, apply_evaluation, build_event, notify, save_notifications
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
    "satisfaction_comment", "satisfaction_defaulted", "evaluated_at", "version", "updated_at", "event_count",
    "last_event_hash",
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
               owners: selectors.StepOwnerDirectory) -> tuple[str, dict, list[Notice]]:
    """Move one due case past every threshold it has crossed; returns (action, payload, notices)."""
    if case.status == Status.CLOSED:
        payload = apply_evaluation(case, now, settings.CASE_DEFAULT_SATISFACTION, "", defaulted=True)
        report.evaluated += 1
        return SYSTEM_EVALUATE, payload, []
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
        return SYSTEM_ESCALATE, payload, notices
    if now >= case.due_at:
        case.light = Light.RED
        case.overdue_steps += 1
        case.next_due_at = case.escalate_at if case.status in ESCALATABLE and case.tier != Tier.LARGE else None
        report.overdue += 1
        return SYSTEM_OVERDUE, {"due_at": case.due_at.isoformat()}, [
            Notice(Notification.Kind.OVERDUE, _step_owners(case, owners),
                   _("Case %(number)s is overdue.") % {"number": number})]
    case.light = Light.YELLOW
    case.next_due_at = case.due_at
    report.warned += 1
    return SYSTEM_WARN, {"due_at": case.due_at.isoformat()}, [
        Notice(Notification.Kind.WARNING, _step_owners(case, owners),
               _("Case %(number)s is due at %(due)s.")
               % {"number": number, "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")})]


def sweep_deadlines(*, now: dt.datetime | None = None, batch_size: int | None = None) -> SweepReport:
    now = now or timezone.now()
    batch_size = batch_size or settings.CASE_SWEEP_BATCH
    report = SweepReport()
    if not Case.objects.filter(next_due_at__lte=now).exists():
        return report  # the common case, one index probe: nothing has fallen due
    owners = selectors.StepOwnerDirectory()
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
        events, notifications, changed = [], [], set()
        for case in cases:
            before = [getattr(case, f) for f in SWEPT_ATTNAMES]
            from_status, from_tier = case.status, case.tier
            action, payload, notices = _sweep_one(case, now, report, owners)
            case.version += 1
            case.updated_at = now
            events.append(build_event(case, action=action, actor_label="system", from_status=from_status,
                                      from_tier=from_tier, payload=payload, now=now))
            notifications.extend(notify(notices, case))
            changed.update(f for f, a, old in zip(SWEPT_FIELDS, SWEPT_ATTNAMES, before) if getattr(case, a) != old)
        # Only the columns that moved: a warning touches six, an escalation most of them.
        bulk_update_rows(cases, [f for f in SWEPT_FIELDS if f in changed])
        CaseEvent.objects.bulk_create(events)
        save_notifications(notifications)
        return len(cases)
