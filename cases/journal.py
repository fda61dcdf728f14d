"""The case journal: the one way a change of a case is written.

Every path that changes a case — creation, a workflow action, a merge (on both cases), a photo,
the deadline sweep, a resident's rating — notes what happened in a ``Journal`` as it happens, and
``write`` then does the same four things every time: bump each changed case's ``version`` (once
per write; a new case starts at 1), append one hash-chained ``CaseEvent`` per note, save the cases,
and notify (the rows in this transaction, the mail after commit). A new case whose key was drawn
before (``cases.services.draw_case_number``), its events and the notifications are inserted in one
statement (``core.db.insert_together``): a case's creation is one write.
"""
import datetime as dt
import hashlib
import json

from core.db import bulk_update_rows, insert_rows, insert_together
from core.notifications import Notice, notification_rows, notified

from .models import Case, CaseEvent

# What a write itself changes on a case, whatever else the change did.
JOURNAL_FIELDS = ["version", "updated_at", "event_count", "last_event_hash"]


def chain_hash(prev_hash: str, number: str, seq: int, actor_id, actor_label: str, action: str, from_status: str,
               to_status: str, from_tier: str, to_tier: str, payload: dict, created_at: dt.datetime) -> str:
    """SHA-256 over the previous event's hash and this event's content, canonically serialised."""
    body = json.dumps(
        [number, seq, actor_id, actor_label, action, from_status, to_status, from_tier, to_tier, payload,
         created_at.astimezone(dt.UTC).isoformat()],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def event_hash(event: CaseEvent, number: str) -> str:
    return chain_hash(event.prev_hash, number, event.seq, event.actor_id, event.actor_label, event.action,
                      event.from_status, event.to_status, event.from_tier, event.to_tier, event.payload,
                      event.created_at)


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    profile = getattr(actor, "staff_profile", None)
    return profile.full_name if profile else actor.get_username()


class Journal:
    """The changes of one transaction, noted in the order they happen, then written at once."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.cases: dict[int, Case] = {}  # by id(): a new case has no pk before it is saved
        self.events: list[CaseEvent] = []
        self.notices: list[Notice] = []

    def note(self, case: Case, action: str, *, actor=None, label: str = "", from_status: str, from_tier: str,
             payload: dict | None = None, notices=()) -> None:
        """Record that ``action`` has just moved ``case`` from (status, tier) to where it is now."""
        event = CaseEvent(
            case=case, seq=case.event_count + 1, actor=actor, actor_label=label or actor_label(actor),
            action=action, from_status=from_status, to_status=case.status, from_tier=from_tier, to_tier=case.tier,
            payload=payload or {}, created_at=self.now, prev_hash=case.last_event_hash,
        )
        event.hash = event_hash(event, case.number)
        case.event_count, case.last_event_hash = event.seq, event.hash
        self.cases.setdefault(id(case), case)
        self.events.append(event)
        self.notices.extend(notices)

    def write(self, *, fields: list[str] | None = None) -> None:
        """Save what was noted. ``fields``: the columns the changes touched, to update many cases in one
        statement (the sweep); without it each case is saved whole."""
        for case in self.cases.values():
            if not case._state.adding:
                case.version += 1
            case.updated_at = self.now
        new = [case for case in self.cases.values() if case._state.adding]
        changed = [case for case in self.cases.values() if not case._state.adding]
        keyed = [case for case in new if case.pk is not None]  # a new case's key drawn before (on PostgreSQL)
        insert_rows([case for case in new if case.pk is None])  # its events and notices name its key
        if fields is None:
            for case in changed:
                case.save()
        else:
            bulk_update_rows(changed, [*fields, *(f for f in JOURNAL_FIELDS if f not in fields)])
        notifications = notification_rows(self.notices)
        insert_together(keyed, self.events, notifications)
        notified(notifications)
        self.cases, self.events, self.notices = {}, [], []

