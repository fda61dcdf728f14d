"""Callbacks (回访): after a case is closed the desk calls the reporter back and records what they say.

``callback_record`` is the one way a callback is written: lock the case (404 out of sight) → who may
call (403) → the case must be closed (409) → the fields (400) → the ``Callback`` row and a ``callback``
event on the case's trail, through the same journal as every other change of a case.

What a callback does beyond being recorded:
- reached, "not solved": the case may be reopened (``workflow.callback_found_unsolved`` reads
  ``Case.unsolved_callback_at``) within ``CASE_REOPEN_WINDOW_DAYS`` of closure; its dispatchers hear of it.
- reached, with a satisfaction, on a closed case nobody has rated yet: the satisfaction is the resident's
  rating, given on the phone, and is recorded as the case's evaluation (an ``evaluate`` event after the
  callback), as a dispatcher recording the resident's rating would. A case already rated — by the resident,
  on the phone, or by default — keeps its rating: the callback's satisfaction stays on the callback, and
  the satisfaction rate reads it only for cases without a rating of their own (``rates.py``).
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.models import Notification
from core.roles import Role, role_of

from . import selectors
from .journal import Journal
from .models import Callback, Case
from .services import apply_evaluation, case_notice, parse_satisfaction, text_field
from .workflow import CALLBACK, Action, Status, reopen_window_end

CALLED_BACK = (Status.CLOSED, Status.EVALUATED)
# Who records callbacks besides the case's own dispatcher (the dispatching unit of its tier): the district centre
# and the hotline desk, which calls back district-wide. Another role is added here (and given cases.add_callback).
CALLBACK_ROLES = frozenset({Role.DISTRICT_COMMANDER, Role.CALL_TAKER})


def may_call_back(user, case: Case) -> bool:
    return (getattr(user, "is_authenticated", False) and user.has_perm("cases.add_callback")
            and (role_of(user) in CALLBACK_ROLES or selectors.is_dispatcher_of(user, case)))


def _yes_no(value, name: str) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ValidationError({name: _("Answer yes or no.")})


def _clean(reached, solved, satisfaction, note) -> tuple[bool, bool | None, int | None, str]:
    errors = {}
    try:
        reached = _yes_no(reached, "reached")
    except ValidationError as error:
        errors.update(error.message_dict)
        reached = None
    try:
        solved = _yes_no(solved, "solved")
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        satisfaction = None if satisfaction in (None, "") else parse_satisfaction(satisfaction)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        note = text_field({"note": note}, "note")
    except ValidationError as error:
        errors.update(error.message_dict)
    if reached is None and "reached" not in errors:
        errors["reached"] = _("Say whether the reporter was reached.")
    elif reached is False:
        if solved is not None:
            errors["solved"] = _("Only a reporter who was reached can say whether it is solved.")
        if satisfaction is not None:
            errors["satisfaction"] = _("Only a reporter who was reached can rate the result.")
    elif reached and solved is None and "solved" not in errors:
        errors["solved"] = _("Say whether the reporter confirms the problem is solved.")
    if errors:
        raise ValidationError(errors)
    return reached, solved, satisfaction, note


@transaction.atomic
def callback_record(*, actor, number: str, reached, solved=None, satisfaction=None, note: str = "",
                    now: dt.datetime | None = None) -> Callback:
    """Record a callback on a closed case as ``actor``. Raises Http404 (not visible), PermissionDenied (not
    someone who calls back on this case), Conflict (the case is not closed) or ValidationError (bad fields)."""
    now = now or timezone.now()
    case = selectors.case_locked_for(actor, number)
    if not may_call_back(actor, case):
        raise PermissionDenied(_("Callbacks are recorded by the case's dispatcher or the district command centre."))
    if case.status not in CALLED_BACK:
        raise Conflict(_("A case is called back once it is closed; this one is “%(status)s”.")
                       % {"status": case.get_status_display()}, code="wrong_state")
    reached, solved, satisfaction, note = _clean(reached, solved, satisfaction, note)
    callback = Callback.objects.create(case=case, reached=reached, solved=solved, satisfaction=satisfaction,
                                       note=note, called_by=actor, called_at=now)
    notices = []
    if reached and not solved:
        case.unsolved_callback_at = now
        notices.append(case_notice(
            Notification.Kind.REWORK, selectors.dispatchers_of(case),
            _("Callback on case %(number)s: the reporter says the problem is not solved; it may be reopened "
              "until %(until)s.") % {"number": case.number,
                                     "until": timezone.localtime(reopen_window_end(case)).strftime("%Y-%m-%d")},
            case))
    journal = Journal(now)
    journal.note(case, CALLBACK, actor=actor, from_status=case.status, from_tier=case.tier, notices=notices,
                 payload={"callback": callback.pk, "reached": reached, "solved": solved,
                          "satisfaction": satisfaction, "note": note})
    if satisfaction is not None and case.status == Status.CLOSED and case.satisfaction is None:
        outcome = apply_evaluation(case, now, satisfaction, "", defaulted=False)
        journal.note(case, Action.EVALUATE, actor=actor, from_status=Status.CLOSED, from_tier=case.tier,
                     payload={**outcome.payload, "callback": callback.pk}, notices=outcome.notices)
    journal.write()
    return callback

