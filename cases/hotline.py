"""The hotline desk (一线, 事务热线): who is calling, what they reported before, and a call about an open case.

A caller is known by their phone number: the desk shows the cases reported from that number that the call-taker
may see, newest first. A call about one of those that is still open is recorded on it (追加来电, the journal's
``follow_up``) instead of becoming a second case: it is counted on the case and told to whoever owns the step now.
Numbers are kept as ``core.privacy.phone_key`` gives them, so that "138-0101-2345" and "138 0101 2345" are one caller.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.models import Notification
from core.privacy import phone_key

from . import selectors
from .journal import Journal
from .models import Case
from .roles import FOLLOW_UP as FOLLOW_UP_PERMISSION
from .services import case_notice, text_field
from .workflow import FOLLOW_UP, OPEN, WITH_HANDLER

CALLER_HISTORY = 20  # earlier cases shown for one number
NOTE_LIMIT = 2000
NAME_LIMIT = 50


def caller_cases(user, phone: str) -> QuerySet[Case]:
    """The cases reported from this number that ``user`` may see, newest first (a partial index on the number)."""
    return (Case.objects.visible_to(user).filter(reporter_phone=phone_key(phone, strict=True))
            .select_related("category").only("number", "title", "status", "tier", "created_at", "category__name")
            .order_by("-created_at")[:CALLER_HISTORY])


def step_owners(case: Case) -> QuerySet:
    """Who owns the case's current step: the handlers while it is with them, else its tier's dispatchers."""
    return selectors.handlers_of(case) if case.status in WITH_HANDLER else selectors.dispatchers_of(case)


@transaction.atomic
def case_follow_up(*, actor, number: str, phone: str, note: str, caller_name: str = "",
                   now: dt.datetime | None = None) -> Case:
    """Record a caller's call about an open case on that case. Raises Http404 (not visible), PermissionDenied
    (the role takes no calls), Conflict (the case is no longer open) or ValidationError (bad fields)."""
    now = now or timezone.now()
    case = selectors.case_locked_for(actor, number)
    if not actor.has_perm(FOLLOW_UP_PERMISSION):
        raise PermissionDenied(_("Your role may not record calls."))
    if case.status not in OPEN:
        raise Conflict(_("Case %(number)s is no longer open (“%(status)s”): take the call as a new case.")
                       % {"number": case.number, "status": case.get_status_display()}, code="wrong_state")
    call = {"caller_name": caller_name, "note": note}
    payload = {"caller_name": text_field(call, "caller_name", NAME_LIMIT), "phone": phone_key(phone, strict=True),
               "note": text_field(call, "note", NOTE_LIMIT, required=True)}
    case.follow_up_count += 1
    message = _("Case %(number)s: the caller called again: %(note)s") % {"number": case.number,
                                                                       "note": payload["note"]}
    journal = Journal(now)
    journal.note(case, FOLLOW_UP, actor=actor, from_status=case.status, from_tier=case.tier, payload=payload,
                 notices=[case_notice(Notification.Kind.FOLLOW_UP, step_owners(case), message, case)])
    journal.write()
    return case
