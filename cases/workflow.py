"""The case lifecycle on one screen: statuses, tiers, and who may do what from where.

Pure Python (no database): ``services.case_act`` applies it and the API and pages ask
``available_actions`` what to offer. The seven steps of the source: 信息采集 collect → 案卷建立
file → 任务派遣 dispatch → 任务处理 handle → 处理反馈 feedback → 核查结案 verify → 考核评价 evaluate.
"""
from dataclasses import dataclass
from enum import Enum

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    COLLECTED = "collected", _("Collected")
    FILED = "filed", _("Filed")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Handling")
    FED_BACK = "fed_back", _("Fed back")
    CLOSED = "closed", _("Closed")
    EVALUATED = "evaluated", _("Evaluated")
    REJECTED = "rejected", _("Rejected")


class Tier(TextChoices):
    MICRO = "micro", _("Micro-cycle (community)")
    SMALL = "small", _("Small-cycle (street)")
    LARGE = "large", _("Large-cycle (district)")


TIER_ORDER = [Tier.MICRO, Tier.SMALL, Tier.LARGE]


def next_tier(tier: str) -> str | None:
    index = TIER_ORDER.index(tier)
    return TIER_ORDER[index + 1] if index + 1 < len(TIER_ORDER) else None


class Source(TextChoices):
    GRID_PATROL = "grid_patrol", _("Grid patrol")
    HOTLINE = "hotline", _("Hotline")
    WEB = "web", _("Resident web / Open311")
    MUST_REPORT = "must_report", _("Must-report round")
    DEPARTMENT = "department", _("Department referral")


class Urgency(TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Light(TextChoices):
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")


class Action(TextChoices):
    FILE = "file", _("File")
    REJECT = "reject", _("Reject")
    MERGE = "merge", _("Merge into another case")
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept")
    RETURN = "return", _("Return to dispatcher")
    FEEDBACK = "feedback", _("Feed back result")
    HANDLE_ON_SPOT = "handle_on_spot", _("Handled on the spot")
    VERIFY = "verify", _("Verify and close")
    REWORK = "rework", _("Send back for rework")
    ESCALATE = "escalate", _("Escalate")
    REQUEST_EXTENSION = "request_extension", _("Request extension")
    APPROVE_EXTENSION = "approve_extension", _("Approve extension")
    DENY_EXTENSION = "deny_extension", _("Deny extension")
    EVALUATE = "evaluate", _("Evaluate")
    COMMENT = "comment", _("Comment")


class Owner(Enum):
    """Who owns a step, resolved against a concrete case by ``services.actor_is``."""

    DISPATCHER = "dispatcher"  # the tier's dispatching unit: community / street sub-centre / district centre
    HANDLER = "handler"  # the assignee, or the department/station the case is dispatched to
    GRID_WORKER = "grid_worker"  # staff of the case's own unit grid (micro-cycle only)
    EVALUATOR = "evaluator"  # the reporter, or the dispatcher recording the resident's rating
    VIEWER = "viewer"  # anyone who can see the case


OPEN = (Status.COLLECTED, Status.FILED, Status.DISPATCHED, Status.HANDLING, Status.FED_BACK)
ESCALATABLE = (Status.COLLECTED, Status.FILED, Status.DISPATCHED, Status.HANDLING)
WITH_HANDLER = (Status.DISPATCHED, Status.HANDLING)


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change (or depends on the case, see escalate)
    owner: Owner
    tiers: tuple[str, ...] = (Tier.MICRO, Tier.SMALL, Tier.LARGE)
    needs: tuple[str, ...] = ()  # body fields that must be given
    needs_pending_extension: bool = False


TRANSITIONS: dict[str, Transition] = {
    Action.FILE: Transition((Status.COLLECTED,), Status.FILED, Owner.DISPATCHER),
    Action.REJECT: Transition((Status.COLLECTED,), Status.REJECTED, Owner.DISPATCHER, needs=("reason",)),
    Action.MERGE: Transition((Status.COLLECTED, Status.FILED), Status.REJECTED, Owner.DISPATCHER, needs=("into",)),
    Action.DISPATCH: Transition((Status.FILED,), Status.DISPATCHED, Owner.DISPATCHER),
    Action.ACCEPT: Transition((Status.DISPATCHED,), Status.HANDLING, Owner.HANDLER),
    Action.RETURN: Transition(WITH_HANDLER, Status.FILED, Owner.HANDLER, needs=("reason",)),
    Action.FEEDBACK: Transition((Status.HANDLING,), Status.FED_BACK, Owner.HANDLER, needs=("result",)),
    Action.HANDLE_ON_SPOT: Transition(
        (Status.COLLECTED, Status.FILED), Status.FED_BACK, Owner.GRID_WORKER, tiers=(Tier.MICRO,), needs=("result",)
    ),
    Action.VERIFY: Transition((Status.FED_BACK,), Status.CLOSED, Owner.DISPATCHER),
    Action.REWORK: Transition((Status.FED_BACK,), Status.HANDLING, Owner.DISPATCHER, needs=("reason",)),
    Action.ESCALATE: Transition(ESCALATABLE, None, Owner.DISPATCHER, tiers=(Tier.MICRO, Tier.SMALL), needs=("reason",)),
    Action.REQUEST_EXTENSION: Transition(WITH_HANDLER, None, Owner.HANDLER, needs=("until", "reason")),
    Action.APPROVE_EXTENSION: Transition(WITH_HANDLER, None, Owner.DISPATCHER, needs_pending_extension=True),
    Action.DENY_EXTENSION: Transition(WITH_HANDLER, None, Owner.DISPATCHER, needs_pending_extension=True),
    Action.EVALUATE: Transition((Status.CLOSED,), Status.EVALUATED, Owner.EVALUATOR, needs=("satisfaction",)),
    Action.COMMENT: Transition(tuple(Status.values), None, Owner.VIEWER, needs=("comment",)),
}

# System actions of the deadline sweep (no human actor; recorded in the trail like the others).
SYSTEM_WARN = "warn"
SYSTEM_OVERDUE = "overdue"
SYSTEM_ESCALATE = "auto_escalate"
SYSTEM_EVALUATE = "default_evaluate"
CREATE = "create"
ATTACH = "attach"
ABSORB = "absorb"  # recorded on the case another one was merged into


def escalation_target_status(status: str) -> str:
    """An escalated case waits at the upper tier for filing (if it never was) or dispatch."""
    return Status.COLLECTED if status == Status.COLLECTED else Status.FILED


# The step whose limit runs while a case is in a status (the category says how long each takes).
STEP_OF_STATUS = {
    Status.COLLECTED: "file",
    Status.FILED: "dispatch",
    Status.DISPATCHED: "handle",
    Status.HANDLING: "handle",
    Status.FED_BACK: "verify",
}


def status_allows(action: str, status: str, tier: str) -> bool:
    transition = TRANSITIONS[action]
    return status in transition.sources and tier in transition.tiers
