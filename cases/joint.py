"""Joint handling (吹哨报到): a dispatcher summons several units to one case, one of them the lead.

Each summoned unit (``CaseParty``) reports in (报到) by the time its whistle's kind sets, then handles its part on
its own deadline and feeds back or returns it. The case moves when the parts add up: to handling at the first
report-in, to fed back when the lead and every co-handler still in it have fed back; verification then covers all
of them, and a rework names the unit whose part is redone (``services._rework``). A lead that returns the case ends
the summons and the case goes back to its dispatcher, as a single handler's return does.

These are the effects of the workflow's summon / report_in / party_feedback / party_return actions; ``case_act``
checks who may take them (a party's own state included) and writes the trail.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.models import Notification
from core.workflow import Step

from . import routing, selectors
from .deadlines import report_in_due, step_clock
from .models import Case, CaseParty, Summons
from .services import CASE_WORKFLOW, Outcome, case_notice, end_summons, resolve_unit, start_step, text_field
from .trail import moment
from .workflow import ACTIVE_PARTY, Action, PartyRole, PartyStatus, Status, Urgency, Whistle


def _codes(value) -> list[str]:
    """Unit codes from a list (the API, a form's checkboxes) or a comma-separated text."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


@CASE_WORKFLOW.effect(Action.SUMMON)
def _summon(case: Case, step: Step) -> Outcome:
    kind = str(step.data["kind"])
    if kind not in Whistle.values:
        raise ValidationError({"kind": _("Choose the kind of whistle: routine, hard case or emergency.")})
    lead = str(step.data["lead"]).strip()
    co_handlers = [code for code in _codes(step.data.get("co_handlers")) if code != lead]
    if not co_handlers:
        raise ValidationError({"co_handlers": _("Summon at least one co-handling unit besides the lead; "
                                                "for one unit alone, dispatch the case.")})
    if 1 + len(co_handlers) > settings.JOINT_MAX_UNITS:
        raise ValidationError({"co_handlers": _("At most %(n)s units can be summoned to one case.")
                               % {"n": settings.JOINT_MAX_UNITS}})
    options = routing.addressees(case)
    units = [(PartyRole.LEAD, resolve_unit(case, lead, "lead", options))]
    units += [(PartyRole.CO, resolve_unit(case, code, "co_handlers", options)) for code in co_handlers]
    summons = Summons.objects.create(case=case, kind=kind, summoned_by=step.user, summoned_at=step.now,
                                     report_due_at=report_in_due(kind, step.now))
    parties = CaseParty.objects.bulk_create(
        CaseParty(summons=summons, case=case, role=role, department=department, station=station)
        for role, (department, station) in units)
    case.department, case.station = units[0][1]
    case.assignee, case.joint, case.dispatched_at = None, True, step.now
    case.response_due_at = case.accepted_at = None  # each unit's report-in is its response (rates.py)
    case.forget_parties()
    start_step(case, step.now)
    message = _("%(whistle)s: case %(number)s, report in by %(due)s: %(title)s") % {
        "whistle": Whistle(kind).label, "number": case.number, "title": case.title,
        "due": moment(summons.report_due_at)}
    return Outcome({"kind": kind, "lead": lead, "co_handlers": co_handlers,
                    "report_due_at": summons.report_due_at.isoformat()},
                   [case_notice(Notification.Kind.ASSIGNED, selectors.unit_handlers(
                       [(p.department_id, p.station_id) for p in parties]), message, case)])


@CASE_WORKFLOW.effect(Action.REPORT_IN)
def _report_in(case: Case, step: Step) -> Outcome:
    party = case.party_of(step.user)
    due = party.summons.report_due_at
    party.status, party.reported_at, party.reported_late = PartyStatus.HANDLING, step.now, step.now > due
    clock = step_clock(case.category, "handle", case.urgency == Urgency.URGENT, step.now, escalates=False)
    party.warn_at, party.due_at = clock.warn_at, clock.due_at
    party.save()
    if case.status == Status.DISPATCHED:
        case.status = Status.HANDLING
    notices = []
    if party.reported_late:
        notices.append(case_notice(Notification.Kind.ESCALATED, selectors.dispatchers_of(case), _(
            "%(unit)s reported in late to case %(number)s.") % {"unit": party.unit_name, "number": case.number}, case))
    return Outcome({"unit": party.unit_code, "late": party.reported_late, "report_due_at": due.isoformat()}, notices)


@CASE_WORKFLOW.effect(Action.PARTY_FEEDBACK)
def _party_feedback(case: Case, step: Step) -> Outcome:
    party = case.party_of(step.user)
    party.status, party.result = PartyStatus.FED_BACK, text_field(step.data, "result", 4000)
    party.fed_back_at = step.now
    party.fed_back_late = step.now > party.due_at
    party.save()
    return _when_parts_add_up(case, step, Outcome({"unit": party.unit_code, "result": party.result}))


@CASE_WORKFLOW.effect(Action.PARTY_RETURN)
def _party_return(case: Case, step: Step) -> Outcome:
    party = case.party_of(step.user)
    reason = text_field(step.data, "reason")
    party.status, party.return_reason = PartyStatus.RETURNED, reason
    party.save()
    payload = {"unit": party.unit_code, "reason": reason}
    message = _("%(unit)s returned its part of case %(number)s: %(reason)s") % {
        "unit": party.unit_name, "number": case.number, "reason": reason}
    if party.role == PartyRole.LEAD:  # without its lead the summons ends; the dispatcher decides anew
        others = [p for p in case.current_parties if p.pk != party.pk]
        to_tell = selectors.unit_handlers([(p.department_id, p.station_id) for p in others])
        end_summons(case, step.now)
        case.status, case.department, case.station, case.assignee = Status.FILED, None, None, None
        case.return_count += 1
        start_step(case, step.now)
        return Outcome(payload | {"ended": True}, [
            case_notice(Notification.Kind.RETURNED, selectors.dispatchers_of(case), message, case),
            case_notice(Notification.Kind.RETURNED, to_tell, message, case)])
    outcome = Outcome(payload, [case_notice(Notification.Kind.RETURNED, selectors.dispatchers_of(case), message,
                                            case)])
    return _when_parts_add_up(case, step, outcome)


def _when_parts_add_up(case: Case, step: Step, outcome: Outcome) -> Outcome:
    """Once the lead and every co-handler still in the summons have fed back, the case awaits verification, with
    their results together as its result."""
    parts = [p for p in case.current_parties if p.status in ACTIVE_PARTY]
    if case.status != Status.HANDLING or any(p.status != PartyStatus.FED_BACK for p in parts):
        return outcome
    case.status = Status.FED_BACK
    case.result = "\n".join(f"{p.unit_name}（{p.get_role_display()}）：{p.result}" for p in parts)
    case.fed_back_at = step.now
    start_step(case, step.now)
    outcome.notices.append(case_notice(Notification.Kind.FED_BACK, selectors.dispatchers_of(case),
                                       _("Case %(number)s awaits verification.") % {"number": case.number}, case))
    return outcome
