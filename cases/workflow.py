"""The case lifecycle on one screen: statuses, tiers, and who may do what from where.

Pure Python (no database). ``services.CASE_WORKFLOW`` is this table on the kernel's workflow
helper: ``services.case_act`` enforces it and ``services.available_actions`` asks it what to offer,
through the same check. The seven steps of the source: 信息采集 collect → 案卷建立 file →
任务派遣 dispatch → 任务处理 handle → 处理反馈 feedback → 核查结案 verify → 考核评价 evaluate.
"""
import datetime as dt
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.db.models import TextChoices
from django.utils import timezone
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
    REOPEN = "reopen", _("Reopen after callback")
    COMMENT = "comment", _("Comment")
    SUMMON = "summon", _("Summon units (吹哨)")
    REPORT_IN = "report_in", _("Report in (报到)")
    PARTY_FEEDBACK = "party_feedback", _("Feed back our part")
    PARTY_RETURN = "party_return", _("Return our part")


class Whistle(TextChoices):
    """The kinds of summons (吹哨): each sets how soon the summoned units must report in
    (``settings.JOINT_REPORT_IN``)."""

    ROUTINE = "routine", _("Routine whistle (日常哨)")
    HARD = "hard", _("Hard-case whistle (攻坚哨)")
    EMERGENCY = "emergency", _("Emergency whistle (应急哨)")


class PartyRole(TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-handling unit")


class PartyStatus(TextChoices):
    SUMMONED = "summoned", _("Summoned")
    HANDLING = "handling", _("Reported in, handling")
    FED_BACK = "fed_back", _("Fed back")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Summons ended")


# The parts still in a summons (not returned, not ended with it): the case is fed back when all of these are.
ACTIVE_PARTY = (PartyStatus.SUMMONED, PartyStatus.HANDLING, PartyStatus.FED_BACK)


class Owner(Enum):
    """Who owns a step, resolved against a concrete case by ``services.actor_is``."""

    DISPATCHER = "dispatcher"  # the tier's dispatching unit: community / street sub-centre / district centre
    HANDLER = "handler"  # the assignee, or the department/station the case is dispatched to
    GRID_WORKER = "grid_worker"  # staff of the case's own unit grid (micro-cycle only)
    PARTY = "party"  # a unit summoned to a joint case (its handlers), acting on its own part
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


def single_handler(case) -> str | None:
    return _("This case is handled jointly: each summoned unit reports in and feeds back its own part.") \
        if case.joint else None


def extension_pending(case) -> str | None:
    return None if case.extension_requested_until is not None else _("No extension is pending.")


def no_extension_pending(case) -> str | None:
    return _("An extension is already waiting for a decision.") if case.extension_requested_until else None


def _part_refusal(user, case, *states: str) -> str | None:
    """Why the user's unit cannot act on its part of a joint case now (it acted already, or the summons ended)."""
    party = case.party_of(user)
    if party is None or party.status in states:
        return None
    return _("Your unit's part is already “%(state)s”.") % {"state": party.get_status_display()}
def reopen_window_end(case) -> dt.datetime | None:
    """Until when a closed case may be reopened (``CASE_REOPEN_WINDOW_DAYS`` calendar days after closure)."""
    return case.closed_at + dt.timedelta(days=settings.CASE_REOPEN_WINDOW_DAYS) if case.closed_at else None


def callback_found_unsolved(case) -> str | None:
    """A case is reopened on the resident's word: a reached callback since its closure said the problem is not
    solved, and the window after closure is still open."""
    unsolved_at = case.unsolved_callback_at
    if case.closed_at is None or unsolved_at is None or unsolved_at < case.closed_at:
        return _("Only a case whose callback since closure found the problem unsolved can be reopened.")
    if timezone.now() > reopen_window_end(case):
        return _("Reopening is possible for %(days)s days after closure; that time has passed.") % {
            "days": settings.CASE_REOPEN_WINDOW_DAYS}
    return None


T = CaseTransition
TRANSITIONS: dict[str, CaseTransition] = {
    Action.FILE: T((Status.COLLECTED,), Status.FILED, Owner.DISPATCHER, Action.FILE.label),
    Action.REJECT: T((Status.COLLECTED,), Status.REJECTED, Owner.DISPATCHER, Action.REJECT.label, needs=("reason",)),
    Action.MERGE: T((Status.COLLECTED, Status.FILED), Status.REJECTED, Owner.DISPATCHER, Action.MERGE.label,
                    needs=("into",)),
    Action.DISPATCH: T((Status.FILED,), Status.DISPATCHED, Owner.DISPATCHER, Action.DISPATCH.label),
    Action.SUMMON: T((Status.FILED,), Status.DISPATCHED, Owner.DISPATCHER, Action.SUMMON.label,
                     needs=("kind", "lead"), tiers=(Tier.SMALL, Tier.LARGE)),
    Action.ACCEPT: T((Status.DISPATCHED,), Status.HANDLING, Owner.HANDLER, Action.ACCEPT.label, guard=single_handler),
    Action.RETURN: T(WITH_HANDLER, Status.FILED, Owner.HANDLER, Action.RETURN.label, needs=("reason",),
                     guard=single_handler),
    Action.FEEDBACK: T((Status.HANDLING,), Status.FED_BACK, Owner.HANDLER, Action.FEEDBACK.label, needs=("result",),
                       guard=single_handler),
    # A summoned unit's own part; the effects move the case when the parts add up (services.joint).
    Action.REPORT_IN: T(WITH_HANDLER, None, Owner.PARTY, Action.REPORT_IN.label,
                        part=lambda user, case: _part_refusal(user, case, PartyStatus.SUMMONED)),
    Action.PARTY_FEEDBACK: T((Status.HANDLING,), None, Owner.PARTY, Action.PARTY_FEEDBACK.label, needs=("result",),
                             part=lambda user, case: _part_refusal(user, case, PartyStatus.HANDLING)),
    Action.PARTY_RETURN: T(WITH_HANDLER, None, Owner.PARTY, Action.PARTY_RETURN.label, needs=("reason",),
                           part=lambda user, case: _part_refusal(user, case, PartyStatus.SUMMONED,
                                                                 PartyStatus.HANDLING)),
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
    Action.REOPEN: T((Status.CLOSED, Status.EVALUATED), Status.HANDLING, Owner.DISPATCHER, Action.REOPEN.label,
                     needs=("reason",), guard=callback_found_unsolved),
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
CALLBACK = "callback"  # a call back to the reporter after closure (callbacks.py)
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
