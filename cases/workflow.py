"""The case lifecycle on one screen: statuses, tiers, and who may do what from where.

Pure Python (no database). ``services.CASE_WORKFLOW`` is this table on the kernel's workflow
helper: ``services.case_act`` enforces it and ``services.available_actions`` asks it what to offer,
through the same check. The seven steps of the source: 信息采集 collect → 案卷建立 file →
任务派遣 dispatch → 任务处理 handle → 处理反馈 feedback → 核查结案 verify → 考核评价 evaluate.
"""
from dataclasses import dataclass
from enum import Enum

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from core.workflow import Transition


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


ALL_TIERS = (Tier.MICRO, Tier.SMALL, Tier.LARGE)


@dataclass(frozen=True)
class CaseTransition(Transition):
    """A transition that may also be limited to some tiers (on-the-spot handling is the community's)."""

    tiers: tuple[str, ...] = ALL_TIERS

    def starts_from(self, case, state: str) -> bool:
        return state in self.sources and case.tier in self.tiers


def extension_pending(case) -> str | None:
    return None if case.extension_requested_until is not None else _("No extension is pending.")


def no_extension_pending(case) -> str | None:
    return _("An extension is already waiting for a decision.") if case.extension_requested_until else None


T = CaseTransition
TRANSITIONS: dict[str, CaseTransition] = {
    Action.FILE: T((Status.COLLECTED,), Status.FILED, Owner.DISPATCHER, Action.FILE.label),
    Action.REJECT: T((Status.COLLECTED,), Status.REJECTED, Owner.DISPATCHER, Action.REJECT.label, needs=("reason",)),
    Action.MERGE: T((Status.COLLECTED, Status.FILED), Status.REJECTED, Owner.DISPATCHER, Action.MERGE.label,
                    needs=("into",)),
    Action.DISPATCH: T((Status.FILED,), Status.DISPATCHED, Owner.DISPATCHER, Action.DISPATCH.label),
    Action.ACCEPT: T((Status.DISPATCHED,), Status.HANDLING, Owner.HANDLER, Action.ACCEPT.label),
    Action.RETURN: T(WITH_HANDLER, Status.FILED, Owner.HANDLER, Action.RETURN.label, needs=("reason",)),
    Action.FEEDBACK: T((Status.HANDLING,), Status.FED_BACK, Owner.HANDLER, Action.FEEDBACK.label, needs=("result",)),
    Action.HANDLE_ON_SPOT: T((Status.COLLECTED, Status.FILED), Status.FED_BACK, Owner.GRID_WORKER,
                             Action.HANDLE_ON_SPOT.label, needs=("result",), tiers=(Tier.MICRO,)),
    Action.VERIFY: T((Status.FED_BACK,), Status.CLOSED, Owner.DISPATCHER, Action.VERIFY.label),
    Action.REWORK: T((Status.FED_BACK,), Status.HANDLING, Owner.DISPATCHER, Action.REWORK.label, needs=("reason",)),
    Action.ESCALATE: T(ESCALATABLE, None, Owner.DISPATCHER, Action.ESCALATE.label, needs=("reason",),
                       tiers=(Tier.MICRO, Tier.SMALL)),
    Action.REQUEST_EXTENSION: T(WITH_HANDLER, None, Owner.HANDLER, Action.REQUEST_EXTENSION.label,
                                needs=("until", "reason"), guard=no_extension_pending),
    Action.APPROVE_EXTENSION: T(WITH_HANDLER, None, Owner.DISPATCHER, Action.APPROVE_EXTENSION.label,
                                guard=extension_pending),
    Action.DENY_EXTENSION: T(WITH_HANDLER, None, Owner.DISPATCHER, Action.DENY_EXTENSION.label,
                             guard=extension_pending),
    Action.EVALUATE: T((Status.CLOSED,), Status.EVALUATED, Owner.EVALUATOR, Action.EVALUATE.label,
                       needs=("satisfaction",)),
    Action.COMMENT: T(tuple(Status.values), None, Owner.VIEWER, Action.COMMENT.label, needs=("comment",)),
}

# System actions of the deadline sweep (no human actor; recorded in the trail like the others).
SYSTEM_WARN = "warn"
SYSTEM_OVERDUE = "overdue"
SYSTEM_ESCALATE = "auto_escalate"
SYSTEM_EVALUATE = "default_evaluate"
CREATE = "create"
ATTACH = "attach"
ABSORB = "absorb"  # recorded on the case another one was merged into
FOLLOW_UP = "follow_up"  # a caller called again about the open case (the hotline desk's 追加来电)


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
