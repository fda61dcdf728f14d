"""Every change to a case: creation and the actions of the workflow table.

``case_act`` is the single way a person changes a case: lock the row (404 if out of sight) →
``CASE_WORKFLOW`` checks version, owner and state (409 / 403 / 409 / 400) and runs the action's
effect → the journal bumps the version, appends the hash-chained event and notifies after commit.
The deadline sweep (``sweeps.py``), photos (``attachments.py``) and a resident's rating reuse the
same effects and the same journal.
"""
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core import tracking
from core.db import bound_cursor, one_write
from core.errors import Conflict
from core.models import Notification
from core.notifications import Notice
from core.privacy import phone_key
from core.workflow import Step, Workflow
from grids.geometry import locate_unit_grid, unit_grid_by_code
from grids.models import Department, Grid, StreetUnit
from patrols.models import Patrol
from patrols.selectors import patrol_for_filing

from . import routing, selectors
from .deadlines import extended_clock, response_due, step_clock
from .journal import Journal
from .models import Case, CaseCounter, CaseParty, Category, Route, Summons
from .workflow import (
    ABSORB,
    CREATE,
    ESCALATABLE,
    STEP_OF_STATUS,
    TRANSITIONS,
    Action,
    Light,
    Owner,
    PartyStatus,
    Source,
    Status,
    Tier,
    Urgency,
    escalation_target_status,
    next_tier,
)

User = get_user_model()
MAX_EXTENSION = dt.timedelta(days=60)


# ---------------------------------------------------------------- clocks


def start_step(case: Case, now: dt.datetime) -> None:
    """Start the clock of the step the case's status belongs to (or stop it when none runs)."""
    _count_if_late(case, now)
    step = STEP_OF_STATUS.get(case.status)
    case.light = Light.GREEN
    case.extension_requested_until = None
    if step is None:
        case.step_started_at = case.warn_at = case.due_at = case.escalate_at = None
        case.next_due_at = (
            now + dt.timedelta(hours=settings.CASE_EVALUATION_WINDOW_HOURS) if case.status == Status.CLOSED else None
        )
        return
    clock = step_clock(case.category, step, case.urgency == Urgency.URGENT, now, escalates=_escalates(case))
    _set_clock(case, clock)


def _set_clock(case: Case, clock) -> None:
    case.step_started_at, case.warn_at, case.due_at, case.escalate_at = (
        clock.started_at, clock.warn_at, clock.due_at, clock.escalate_at)
    case.next_due_at = clock.warn_at


def _escalates(case: Case) -> bool:
    return next_tier(case.tier) is not None and case.status in ESCALATABLE


def _count_if_late(case: Case, now: dt.datetime) -> None:
    """A step that ends after its due time counts as overdue once (the sweep may have counted it)."""
    if case.due_at is not None and now > case.due_at and case.light != Light.RED:
        case.overdue_steps += 1


# ---------------------------------------------------------------- notices


def case_notice(kind: str, users, message: str, case: Case) -> Notice:
    return Notice(kind=kind, users=list(users), message=message, about=case, subject=case.number)


# ---------------------------------------------------------------- creation


@dataclass
class NewCase:
    title: str
    description: str
    category: str  # a subclass code
    lat: float
    lng: float
    address: str
    source: str
    urgency: str = Urgency.NORMAL
    grid: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    patrol: int | None = None  # the id of the filer's patrol in progress on which it was found


def draw_case_number(now: dt.datetime) -> tuple[str, int | None]:
    """HD + local date + a daily serial; on PostgreSQL also the case's key, so that its events and notices name it
    and are inserted with it in one statement. On PostgreSQL the serial is the day's sequence (``cases_next_serial``,
    migration 0021) and the key the table's: both are drawn in one round trip before the case's write, and a case
    whose write then fails skips them, as with any sequence. On SQLite, one upsert of the day's counter row
    (a writing statement holds the whole database there, so two cases cannot draw the same serial); the key comes
    from the insert."""
    day = timezone.localtime(now).date()
    with bound_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT cases_next_serial(%s), nextval(pg_get_serial_sequence('{Case._meta.db_table}', "
                           f"'{Case._meta.pk.column}'))", [day])
            serial, key = cursor.fetchone()
        else:
            cursor.execute(f"INSERT INTO {CaseCounter._meta.db_table} (day, last) VALUES (%s, 1) "
                           "ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
                           [connection.ops.adapt_datefield_value(day)])
            serial, key = cursor.fetchone()[0], None
    return f"HD{day:%Y%m%d}{serial:06d}", key


def _resolve_location(data: NewCase) -> Grid:
    """The case's unit grid (given, or located from the point) and its street, from the in-memory
    grid index: the instances carry what a case needs of them (id, code, name, street)."""
    at_point = locate_unit_grid(data.lat, data.lng)
    located = unit_grid_by_code(data.grid) if data.grid else at_point
    if located is None:
        if data.grid:
            raise ValidationError({"grid": _("No third-level grid has the code “%(code)s”.") % {"code": data.grid}})
        raise ValidationError({"lat": _("This location is outside Haidian district.")})
    if at_point is None or at_point.id != located.id:  # a grid named beside a point: they must agree
        raise ValidationError({"grid": _("The point given lies in %(found)s, not in %(grid)s.")
                               % {"found": at_point.name if at_point else _("no grid of Haidian"),
                                  "grid": located.name}})
    street = Grid(id=located.street_id, code=located.street_code, name=located.street_name, level=Grid.Level.STREET)
    return Grid(id=located.id, code=located.code, name=located.name, level=Grid.Level.UNIT, parent=street)


def _resolve_category(code: str) -> Category:
    category = selectors.active_category(code)
    if category is None or not category.is_subclass:
        raise ValidationError(
            {"category": _("“%(code)s” is not a case category (use a subclass code).") % {"code": code}}
        )
    return category


MAX_CREATION_KEY = 255
# A follow-up code is drawn without a look-up: the unique index refuses the rare taken one (once in 650,000 draws at
# a million cases), and the case is inserted again with a fresh one.
PUBLIC_TOKEN_DRAWS = 3


def stored_creation_key(key: str, *, actor=None, open311_client=None) -> str:
    """How a caller's idempotency key is kept: whole, scoped to its owner (a user, an Open311 client, or anonymous
    residents), and hashed, so that two keys never share a case unless they are the same key of the same owner."""
    if len(key) > MAX_CREATION_KEY:
        raise ValidationError({"idempotency_key": _("An Idempotency-Key has at most %(n)s characters.")
                               % {"n": MAX_CREATION_KEY}})
    owner = f"u{actor.id}" if actor is not None else f"o{open311_client.id}" if open311_client else "anon"
    return hashlib.sha256(f"{owner}:{key}".encode()).hexdigest()


def case_create(*, actor=None, data: NewCase, creation_key: str | None = None, open311_client=None,
                now: dt.datetime | None = None) -> tuple[Case, bool]:
    """Create a case (collected, or filed when the creator dispatches its tier). Returns (case, created).

    With a ``creation_key`` the same caller gets the same case back, even under concurrent retries: the unique key
    refuses the second row, and the first is returned (a new key, the usual request, costs no look-up first).
    """
    if creation_key:
        creation_key = stored_creation_key(creation_key, actor=actor, open311_client=open311_client)
    now = now or timezone.now()
    category = _resolve_category(data.category)
    grid = _resolve_location(data)
    patrol = _resolve_patrol(actor, data)
    number, key = draw_case_number(now)
    for _attempt in range(PUBLIC_TOKEN_DRAWS):
        public_token = tracking.new_code()
        try:
            with one_write():
                return _insert_case(actor, data, category, grid, number, key, public_token, creation_key,
                                    open311_client, now, patrol), True
        except IntegrityError:
            existing = (selectors.with_relations(Case.objects.filter(creation_key=creation_key)).first()
                        if creation_key else None)
            if existing is not None:
                return existing, False
            if not Case.objects.filter(public_token=public_token).exists():
                raise
    raise IntegrityError("no free follow-up code")


def _resolve_patrol(actor, data: NewCase) -> Patrol | None:
    """A case found on a patrol names the filer's own patrol in progress, and comes from a grid patrol."""
    if data.patrol in (None, ""):
        return None
    if actor is None:
        raise ValidationError({"patrol": _("Only a patroller files a case found on their patrol.")})
    patrol = patrol_for_filing(actor, data.patrol)
    if data.source != Source.GRID_PATROL:
        raise ValidationError({"source": _("A case found on a patrol comes from a grid patrol.")})
    return patrol


def _insert_case(actor, data, category, grid, number, key, public_token, creation_key, open311_client, now,
                 patrol=None) -> Case:
    case = Case(
        pk=key, number=number, public_token=public_token, title=data.title, description=data.description,
        category=category, source=data.source, patrol=patrol,
        urgency=data.urgency, reporter=actor, reporter_name=data.reporter_name,
        reporter_phone=phone_key(data.reporter_phone), reporter_email=data.reporter_email,
        creation_key=creation_key, created_by=actor,
        open311_client=open311_client, lat=data.lat, lng=data.lng, address=data.address, grid=grid,
        street=grid.parent, tier=category.default_tier, status=Status.COLLECTED, created_at=now, updated_at=now,
    )
    # Field rules only (lengths, choices, ranges): the foreign keys were resolved just above.
    case.full_clean(exclude=["public_token", "street", "grid", "number", "category", "reporter", "created_by",
                             "open311_client", "patrol"], validate_unique=False, validate_constraints=False)
    start_step(case, now)
    files_it = actor is not None and selectors.is_dispatcher_of(actor, case)
    to_file = [] if files_it else [case_notice(
        Notification.Kind.ASSIGNED, selectors.dispatchers_of(case),
        _("New case %(number)s to file: %(title)s") % {"number": number, "title": case.title}, case)]
    journal = Journal(now)
    label = "" if actor else (open311_client.name if open311_client else data.reporter_name or "public")
    journal.note(case, CREATE, actor=actor, label=label, from_status="", from_tier="",
                 payload={"grid": grid.code, "category": category.code}, notices=to_file)
    if files_it:
        case.status, case.filed_at = Status.FILED, now
        start_step(case, now)
        journal.note(case, Action.FILE, actor=actor, from_status=Status.COLLECTED, from_tier=case.tier)
    journal.write()
    return case


# ---------------------------------------------------------------- actions


def _rater(user, case: Case) -> bool:
    """The reporter, or the dispatcher recording the resident's rating; never whoever handled the case."""
    return ((user.id == case.reporter_id or selectors.is_dispatcher_of(user, case))
            and not selectors.is_handler_of(user, case))


CASE_WORKFLOW = Workflow("case", TRANSITIONS, permission="cases.change_case", deciders={
    Owner.DISPATCHER: selectors.is_dispatcher_of,
    Owner.HANDLER: selectors.is_handler_of,
    Owner.PARTY: lambda user, case: case.party_of(user) is not None,
    Owner.GRID_WORKER: selectors.is_grid_worker_of,
    Owner.EVALUATOR: _rater,
    Owner.VIEWER: lambda user, case: True,  # the case was fetched through visible_to
})


def available_actions(actor, case: Case) -> list[str]:
    """The actions this user may take now on a case they can see (what the API lists and pages
    offer): the same check ``case_act`` enforces."""
    return CASE_WORKFLOW.available(actor, case)


@dataclass
class Outcome:
    """What an action did beyond the case's own fields: the trail's payload, who to tell, and the
    other cases it touched (a merge's target) with what to record on them."""

    payload: dict = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    touched: list[tuple[Case, str, dict]] = field(default_factory=list)


@transaction.atomic
def case_act(*, actor, number: str, action: str, data: dict | None = None, version: int | None = None,
             now: dt.datetime | None = None) -> Case:
    """Perform one workflow action as ``actor``. Raises Http404 (not visible), PermissionDenied (not
    the step's owner), Conflict (wrong state or stale version) or ValidationError (bad fields)."""
    data = data or {}
    now = now or timezone.now()
    case = selectors.case_locked_for(actor, number)
    from_status, from_tier = case.status, case.tier
    outcome = CASE_WORKFLOW.act(actor, case, action, data, version=version, now=now) or Outcome()
    if data.get("comment") and action != Action.COMMENT:
        outcome.payload["comment"] = str(data["comment"])[:2000]
    journal = Journal(now)
    journal.note(case, action, actor=actor, from_status=from_status, from_tier=from_tier, payload=outcome.payload,
                 notices=outcome.notices)
    for other, other_action, payload in outcome.touched:
        journal.note(other, other_action, actor=actor, from_status=other.status, from_tier=other.tier, payload=payload)
    journal.write()
    return case


def text_field(data: dict, name: str, limit: int = 2000, required: bool = False) -> str:
    """A free-text field of an action or a call, trimmed; ValidationError on the field if too long (or missing)."""
    value = str(data.get(name) or "").strip()
    if required and not value:
        raise ValidationError({name: _("This field is required.")})
    if len(value) > limit:
        raise ValidationError({name: _("At most %(limit)s characters.") % {"limit": limit}})
    return value


@CASE_WORKFLOW.effect(Action.FILE)
def _file(case: Case, step: Step) -> Outcome:
    case.filed_at = step.now
    start_step(case, step.now)
    return Outcome()


@CASE_WORKFLOW.effect(Action.REJECT)
def _reject(case: Case, step: Step) -> Outcome:
    reason = text_field(step.data, "reason")
    start_step(case, step.now)
    return Outcome({"reason": reason}, [case_notice(
        Notification.Kind.CLOSED, [case.reporter],
        _("Case %(number)s was not filed: %(reason)s") % {"number": case.number, "reason": reason}, case)])


@CASE_WORKFLOW.effect(Action.MERGE)
def _merge(case: Case, step: Step) -> Outcome:
    into_number = str(step.data["into"]).strip()
    if into_number == case.number:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    target = Case.objects.visible_to(step.user).filter(number=into_number).first()
    if target is None:
        raise ValidationError({"into": _("No case %(number)s that you can see.") % {"number": into_number}})
    target = Case.objects.select_for_update().get(pk=target.pk)
    if target.status == Status.REJECTED:
        raise ValidationError({"into": _("Case %(number)s is itself rejected or merged.") % {"number": into_number}})
    case.merged_into = target
    start_step(case, step.now)
    return Outcome({"into": target.number}, touched=[(target, ABSORB, {"merged": case.number})])


def _resolve_addressee(case, data) -> tuple[Department | None, StreetUnit | None, object | None]:
    """The department, street unit or person a dispatch names, if the case's tier and street allow it
    (``routing.addressees``): 403 for a unit outside them, 409 for one with no one to accept the case."""
    code = str(data.get("department") or "").strip()
    username = str(data.get("assignee") or "").strip()
    if bool(code) == bool(username):
        raise ValidationError({"department": _("Give either a department/station code or an assignee username.")})
    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("staff_profile").first()
        if user is None:
            raise ValidationError({"assignee": _("No active user “%(name)s”.") % {"name": username}})
        post = routing.post_of(user, case)
        if post is None:
            raise ValidationError({"assignee": _("%(name)s does not handle %(tier)s cases here.")
                                   % {"name": username, "tier": Tier(case.tier).label}})
        return post.department, post.unit, user
    return (*resolve_unit(case, code), None)


def resolve_unit(case, code: str, field: str = "department",
                 addressees=None) -> tuple[Department | None, StreetUnit | None]:
    """The (department, street unit) of a unit the case's dispatcher may send it to (``routing.addressees``, or the
    list given): 403 for a unit outside the tier and street, 409 for one with no one to accept the case."""
    found = routing.addressees(case) if addressees is None else addressees
    addressee = next((a for a in found if not a.is_person and a.code == code), None)
    if addressee is None:
        _refuse_unit(case, code, field)
    if not addressee.handlers:
        raise Conflict(_("%(unit)s has no active handler to accept the case; choose another unit.")
                       % {"unit": addressee.name}, code="no_handler")
    if addressee.kind == Route.Target.DEPARTMENT:
        return Department.objects.get(code=code), None
    unit = StreetUnit.objects.select_related("department").get(code=code)
    return unit.department, unit


def _refuse_unit(case, code: str, field: str = "department"):
    """A code that names no unit this case's dispatcher may send to: 403 if the unit exists elsewhere, 409 if it is
    the street's own but out of service, else 400."""
    unit = StreetUnit.objects.filter(code=code).first() or Department.objects.filter(code=code).first()
    if unit is None:
        raise ValidationError({field: _("No department or station has the code “%(code)s”.") % {"code": code}})
    if case.tier == Tier.MICRO:
        raise PermissionDenied(_("In the micro-cycle a case goes to the grid's own staff: give an assignee."))
    if isinstance(unit, StreetUnit) and not unit.in_service and unit.street_id == case.street_id:
        raise Conflict(_("%(unit)s is out of service; choose another unit.") % {"unit": unit.name}, code="no_handler")
    if case.tier == Tier.SMALL and isinstance(unit, Department):
        raise PermissionDenied(_("Only the district centre dispatches to a whole department; "
                                 "choose a station or section in this street."))
    raise PermissionDenied(_("%(unit)s does not take %(tier)s cases of %(street)s.")
                           % {"unit": unit.name, "tier": Tier(case.tier).label, "street": case.street.name})


@CASE_WORKFLOW.effect(Action.DISPATCH)
def _dispatch(case: Case, step: Step) -> Outcome:
    department, station, assignee = _resolve_addressee(case, step.data)
    case.department, case.station, case.assignee = department, station, assignee
    case.dispatched_at = step.now
    # The response is measured against the last dispatch: a returned or escalated case is answered anew.
    case.response_due_at, case.accepted_at = response_due(case.urgency == Urgency.URGENT, step.now), None
    start_step(case, step.now)
    addressee = assignee.username if assignee else (station.code if station else department.code)
    return Outcome({"to": addressee}, [case_notice(
        Notification.Kind.ASSIGNED, selectors.handlers_of(case),
        _("Case %(number)s was dispatched to you: %(title)s") % {"number": case.number, "title": case.title}, case)])


@CASE_WORKFLOW.effect(Action.ACCEPT)
def _accept(case: Case, step: Step) -> Outcome:
    case.accepted_at = step.now  # the handling clock runs on from the dispatch: accepting does not restart it
    return Outcome()


@CASE_WORKFLOW.effect(Action.RETURN)
def _return(case: Case, step: Step) -> Outcome:
    reason = text_field(step.data, "reason")
    previous = case.assignee.username if case.assignee else (case.station.code if case.station else
                                                             case.department.code if case.department else "")
    case.department = case.station = case.assignee = None
    case.return_count += 1
    start_step(case, step.now)
    return Outcome({"reason": reason, "from": previous}, [case_notice(
        Notification.Kind.RETURNED, selectors.dispatchers_of(case),
        _("Case %(number)s was returned: %(reason)s") % {"number": case.number, "reason": reason}, case)])


@CASE_WORKFLOW.effect(Action.FEEDBACK)
def _feedback(case: Case, step: Step) -> Outcome:
    case.result = text_field(step.data, "result", 4000)
    case.fed_back_at = step.now
    start_step(case, step.now)
    return Outcome({"result": case.result}, [case_notice(
        Notification.Kind.FED_BACK, selectors.dispatchers_of(case),
        _("Case %(number)s awaits verification.") % {"number": case.number}, case)])


@CASE_WORKFLOW.effect(Action.HANDLE_ON_SPOT)
def _handle_on_spot(case: Case, step: Step) -> Outcome:
    case.assignee = step.user
    if step.source == Status.COLLECTED:
        case.filed_at = step.now
    case.dispatched_at = case.dispatched_at or step.now
    return _feedback(case, step)


@CASE_WORKFLOW.effect(Action.VERIFY)
def _verify(case: Case, step: Step) -> Outcome:
    case.closed_at = step.now
    start_step(case, step.now)
    return Outcome(notices=[case_notice(
        Notification.Kind.CLOSED, [case.reporter],
        _("Case %(number)s is closed. Please rate the result.") % {"number": case.number}, case)])


@CASE_WORKFLOW.effect(Action.REWORK)
def _rework(case: Case, step: Step) -> Outcome:
    reason = text_field(step.data, "reason")
    case.rework_count += 1
    start_step(case, step.now)
    payload, handlers = {"reason": reason}, selectors.handlers_of(case)
    if case.joint:  # a rework names the unit whose part is redone; the others' parts stand
        party = rework_party(case, step)
        payload["party"], handlers = party.unit_code, selectors.unit_handlers([(party.department_id, party.station_id)])
    return Outcome(payload, [case_notice(
        Notification.Kind.REWORK, handlers,
        _("Case %(number)s needs rework: %(reason)s") % {"number": case.number, "reason": reason}, case)])


def rework_party(case: Case, step: Step) -> CaseParty:
    code = str(step.data.get("party") or "").strip()
    party = next((p for p in case.current_parties if p.unit_code == code), None)
    if party is None:
        raise ValidationError({"party": _("Name the summoned unit whose part is to be redone.")})
    party.status, party.fed_back_at, party.fed_back_late = PartyStatus.HANDLING, None, False
    party.rework_count += 1
    clock = step_clock(case.category, "handle", case.urgency == Urgency.URGENT, step.now, escalates=False)
    party.warn_at, party.due_at = clock.warn_at, clock.due_at
    party.save()
    return party


def end_summons(case: Case, now: dt.datetime) -> None:
    """The case leaves the summoned units (the lead returned it, or it went up a tier): parts not finished end."""
    if not case.joint:
        return
    for party in case.current_parties:
        if party.status in (PartyStatus.SUMMONED, PartyStatus.HANDLING):
            party.status = PartyStatus.WITHDRAWN
            party.save(update_fields=["status"])
    Summons.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    case.joint = False
    case.forget_parties()
@CASE_WORKFLOW.effect(Action.REOPEN)
def _reopen(case: Case, step: Step) -> Outcome:
    """Back to whoever handled it, as a rework: the closure and the rating were of a result the resident says did
    not solve the problem, so they are cleared (the trail keeps both) and the case is closed and rated anew."""
    reason = text_field(step.data, "reason")
    payload = {"reason": reason, "closed_at": case.closed_at.isoformat()}
    if case.satisfaction is not None:
        payload["cleared_satisfaction"] = case.satisfaction
    case.rework_count += 1
    case.closed_at = case.evaluated_at = case.unsolved_callback_at = None
    case.satisfaction, case.satisfaction_comment, case.satisfaction_defaulted = None, "", False
    start_step(case, step.now)
    return Outcome(payload, [case_notice(
        Notification.Kind.REWORK, selectors.handlers_of(case),
        _("Case %(number)s was reopened after a callback: %(reason)s") % {"number": case.number, "reason": reason},
        case)])


def apply_escalation(case, now, reason: str, owners=selectors) -> tuple[dict, list[Notice]]:
    """Move the case one tier up; the upper tier files (if needed) and dispatches it anew.

    ``owners`` finds the people to tell (``dispatchers_of`` / ``handlers_of``): the selectors, or
    a ``StepOwnerDirectory`` preloaded for a whole sweep."""
    old_handlers = list(owners.handlers_of(case)) if case.status in (Status.DISPATCHED, Status.HANDLING) else []
    end_summons(case, now)
    case.tier = next_tier(case.tier)
    case.status = escalation_target_status(case.status)
    case.department = case.station = case.assignee = None
    case.escalation_count += 1
    start_step(case, now)
    message = _("Case %(number)s was escalated to the %(tier)s: %(reason)s") % {
        "number": case.number, "tier": case.get_tier_display(), "reason": reason}
    return {"reason": reason}, [case_notice(Notification.Kind.ESCALATED, owners.dispatchers_of(case), message, case),
                                case_notice(Notification.Kind.ESCALATED, old_handlers, message, case)]


@CASE_WORKFLOW.effect(Action.ESCALATE)
def _escalate(case: Case, step: Step) -> Outcome:
    payload, notices = apply_escalation(case, step.now, text_field(step.data, "reason"))
    return Outcome(payload, notices)


def _parse_until(data) -> dt.datetime:
    value = data.get("until")
    if isinstance(value, dt.datetime):
        until = value
    else:
        text = str(value).strip()
        until = parse_datetime(text)
        day = parse_date(text) if until is None else None
        if day is not None:
            until = dt.datetime.combine(day, dt.time(18, 0))  # a date alone means the end of that working day
        if until is None:
            raise ValidationError({"until": _("Give a date or date-time, e.g. 2026-12-01T18:00.")})
    if timezone.is_naive(until):
        until = timezone.make_aware(until)
    return until


@CASE_WORKFLOW.effect(Action.REQUEST_EXTENSION)
def _request_extension(case: Case, step: Step) -> Outcome:
    until = _parse_until(step.data)
    if until <= max(step.now, case.due_at or step.now):
        raise ValidationError({"until": _("An extension must end after the current due time.")})
    if until - step.now > MAX_EXTENSION:
        raise ValidationError({"until": _("An extension may not exceed 60 days.")})
    case.extension_requested_until = until
    reason = text_field(step.data, "reason")
    return Outcome({"until": until.isoformat(), "reason": reason}, [case_notice(
        Notification.Kind.EXTENSION, selectors.dispatchers_of(case),
        _("Case %(number)s asks for an extension: %(reason)s") % {"number": case.number, "reason": reason}, case)])


@CASE_WORKFLOW.effect(Action.APPROVE_EXTENSION)
def _approve_extension(case: Case, step: Step) -> Outcome:
    until = case.extension_requested_until
    _set_clock(case, extended_clock(case.step_started_at or step.now, until, escalates=_escalates(case)))
    case.light = Light.GREEN if step.now < case.warn_at else Light.YELLOW
    case.next_due_at = case.warn_at if case.light == Light.GREEN else case.due_at
    case.extension_requested_until = None
    case.extension_count += 1
    return Outcome({"until": until.isoformat()}, [case_notice(
        Notification.Kind.EXTENSION, selectors.handlers_of(case),
        _("The extension of case %(number)s was approved.") % {"number": case.number}, case)])


@CASE_WORKFLOW.effect(Action.DENY_EXTENSION)
def _deny_extension(case: Case, step: Step) -> Outcome:
    requested = case.extension_requested_until
    case.extension_requested_until = None
    return Outcome({"until": requested.isoformat(), "reason": text_field(step.data, "reason")}, [case_notice(
        Notification.Kind.EXTENSION, selectors.handlers_of(case),
        _("The extension of case %(number)s was denied.") % {"number": case.number}, case)])


def apply_evaluation(case, now, satisfaction: int, comment: str, defaulted: bool) -> Outcome:
    """Record the rating; the people who handled and closed the case hear of a resident's rating."""
    case.satisfaction, case.satisfaction_comment, case.satisfaction_defaulted = satisfaction, comment, defaulted
    case.status, case.evaluated_at = Status.EVALUATED, now
    start_step(case, now)
    payload = {"satisfaction": satisfaction, "comment": comment, "defaulted": defaulted}
    if defaulted:
        return Outcome(payload)
    people = [*selectors.handlers_of(case), *selectors.dispatchers_of(case)]
    return Outcome(payload, [case_notice(
        Notification.Kind.RATED, people, _("Case %(number)s was rated %(score)s of 5.")
        % {"number": case.number, "score": satisfaction}, case)])


def parse_satisfaction(value) -> int:
    try:
        satisfaction = int(str(value))
    except ValueError:
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a whole number from 1 to 5.")})
    return satisfaction


@CASE_WORKFLOW.effect(Action.EVALUATE)
def _evaluate(case: Case, step: Step) -> Outcome:
    return apply_evaluation(case, step.now, parse_satisfaction(step.data["satisfaction"]),
                            text_field(step.data, "comment", 500), defaulted=False)


@CASE_WORKFLOW.effect(Action.COMMENT)
def _comment(case: Case, step: Step) -> Outcome:
    return Outcome({"comment": text_field(step.data, "comment")})


@transaction.atomic
def case_evaluate_by_token(*, token: str, satisfaction, comment: str = "", now: dt.datetime | None = None) -> Case:
    """A resident rates a closed case from the public page (the follow-up token is their key)."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().filter(public_token=token).first()
    if case is None:
        raise Http404(_("No case has this follow-up code."))
    if case.status != Status.CLOSED:
        raise Conflict(_("Only a closed case can be rated, once."), code="wrong_state")
    outcome = apply_evaluation(case, now, parse_satisfaction(satisfaction), str(comment or "").strip()[:500],
                               defaulted=False)
    journal = Journal(now)
    journal.note(case, Action.EVALUATE, label=case.reporter_name or "resident", from_status=Status.CLOSED,
                 from_tier=case.tier, payload=outcome.payload, notices=outcome.notices)
    journal.write()
    return case
