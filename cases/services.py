"""Every change to a case: creation, the actions of the workflow table, attachments.

``case_act`` is the single way a person changes a case: lock the row → check version, owner and
state against ``workflow.TRANSITIONS`` → apply → append the hash-chained event → notify after
commit. The deadline sweep (``sweeps.py``) reuses the same apply functions and event writer.
"""
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.errors import Conflict
from grids.geometry import locate_unit_grid, unit_grid_by_code
from grids.models import Department, DepartmentStation, Grid
from grids.selectors import scope_of

from . import selectors
from .deadlines import extended_clock, step_clock
from .models import Case, CaseCounter, CaseEvent, Category, Notification
from .workflow import (
    ABSORB,
    CREATE,
    ESCALATABLE,
    STEP_OF_STATUS,
    TRANSITIONS,
    Action,
    Light,
    Owner,
    Status,
    Tier,
    Urgency,
    escalation_target_status,
    next_tier,
    status_allows,
)

User = get_user_model()
MAX_EXTENSION = dt.timedelta(days=60)


# ---------------------------------------------------------------- events


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


def build_event(case: Case, *, action: str, actor=None, actor_label: str = "", from_status: str = "",
                from_tier: str = "", payload: dict | None = None, now: dt.datetime) -> CaseEvent:
    """The next event of the case's chain, built in memory; the caller saves case and event together."""
    event = CaseEvent(
        case=case, seq=case.event_count + 1, actor=actor, actor_label=actor_label or _actor_label(actor),
        action=action, from_status=from_status, to_status=case.status, from_tier=from_tier, to_tier=case.tier,
        payload=payload or {}, created_at=now, prev_hash=case.last_event_hash,
    )
    event.hash = event_hash(event, case.number)
    case.event_count = event.seq
    case.last_event_hash = event.hash
    return event


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    profile = getattr(actor, "staff_profile", None)
    return profile.full_name if profile else actor.get_username()


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


# ---------------------------------------------------------------- notifications


@dataclass
class Notice:
    kind: str
    users: list = field(default_factory=list)
    message: str = ""


def notify(notices: list[Notice], case: Case) -> list[Notification]:
    rows = []
    for notice in notices:
        seen = set()
        for user in notice.users:
            if user is None or user.id in seen:
                continue
            seen.add(user.id)
            rows.append(Notification(user=user, case=case, kind=notice.kind, message=notice.message[:300]))
    return rows


def save_notifications(rows: list[Notification]) -> None:
    if not rows:
        return
    created = Notification.objects.bulk_create(rows)
    ids = [n.id for n in created if n.id is not None]
    if not ids:  # backends that do not return ids from bulk_create
        ids = list(Notification.objects.order_by("-id").values_list("id", flat=True)[: len(rows)])

    def enqueue():
        from .tasks import send_notification_emails

        send_notification_emails.delay(ids)

    transaction.on_commit(enqueue)


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


def allocate_case_number(now: dt.datetime) -> str:
    """HD + local date + a daily serial, from a counter row updated in its own short transaction."""
    day = timezone.localtime(now).date()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # one round trip, the row locked only for the statement
            cursor.execute(
                "INSERT INTO cases_casecounter (day, last) VALUES (%s, 1) "
                "ON CONFLICT (day) DO UPDATE SET last = cases_casecounter.last + 1 RETURNING last", [day])
            return f"HD{day:%Y%m%d}{cursor.fetchone()[0]:06d}"
    with transaction.atomic():
        if not CaseCounter.objects.filter(day=day).update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(day=day, last=1)
            except IntegrityError:
                CaseCounter.objects.filter(day=day).update(last=F("last") + 1)
        serial = CaseCounter.objects.get(day=day).last
    return f"HD{day:%Y%m%d}{serial:06d}"


def _resolve_location(data: NewCase) -> Grid:
    """The case's unit grid (given, or located from the point) and its street, from the in-memory
    grid index: the instances carry what a case needs of them (id, code, name, street)."""
    located = unit_grid_by_code(data.grid) if data.grid else locate_unit_grid(data.lat, data.lng)
    if located is None:
        if data.grid:
            raise ValidationError({"grid": _("No third-level grid has the code “%(code)s”.") % {"code": data.grid}})
        raise ValidationError({"lat": _("This location is outside Haidian district.")})
    street = Grid(id=located.street_id, code=located.street_code, name=located.street_name, level=Grid.Level.STREET)
    return Grid(id=located.id, code=located.code, name=located.name, level=Grid.Level.UNIT, parent=street)


def _resolve_category(code: str) -> Category:
    category = selectors.active_category(code)
    if category is None or not category.is_subclass:
        raise ValidationError({"category": _("“%(code)s” is not a case category (use a subclass code).") % {"code": code}})
    return category


def case_create(*, actor=None, data: NewCase, creation_key: str | None = None, open311_client=None,
                now: dt.datetime | None = None) -> tuple[Case, bool]:
    """Create a case (collected, or filed when the creator dispatches its tier). Returns (case, created).

    With a ``creation_key`` the same caller gets the same case back, even under concurrent retries.
    """
    if creation_key:
        owner = f"u{actor.id}" if actor is not None else f"o{open311_client.id}" if open311_client else "anon"
        creation_key = f"{owner}:{creation_key}"[:64]
        existing = Case.objects.filter(creation_key=creation_key).first()
        if existing:
            return existing, False
    now = now or timezone.now()
    category = _resolve_category(data.category)
    grid = _resolve_location(data)
    number = allocate_case_number(now)
    try:
        with transaction.atomic():
            case = _insert_case(actor, data, category, grid, number, creation_key, open311_client, now)
    except IntegrityError:
        existing = Case.objects.filter(creation_key=creation_key).first() if creation_key else None
        if existing is None:
            raise
        return existing, False
    return case, True


def _insert_case(actor, data, category, grid, number, creation_key, open311_client, now) -> Case:
    case = Case(
        number=number, title=data.title, description=data.description, category=category, source=data.source,
        urgency=data.urgency, reporter=actor, reporter_name=data.reporter_name, reporter_phone=data.reporter_phone,
        reporter_email=data.reporter_email, creation_key=creation_key, created_by=actor,
        open311_client=open311_client, lat=data.lat, lng=data.lng, address=data.address, grid=grid,
        street=grid.parent, tier=category.default_tier, status=Status.COLLECTED, created_at=now, updated_at=now,
    )
    # Field rules only (lengths, choices, ranges): the foreign keys were resolved just above.
    case.full_clean(exclude=["public_token", "street", "grid", "number", "category", "reporter", "created_by",
                             "open311_client"], validate_unique=False, validate_constraints=False)
    start_step(case, now)
    label = "" if actor else (open311_client.name if open311_client else data.reporter_name or "public")
    events = [build_event(case, action=CREATE, actor=actor, actor_label=label,
                          payload={"grid": grid.code, "category": category.code}, now=now)]
    notices = []
    if actor is not None and selectors.is_dispatcher_of(actor, case):
        case.status, case.filed_at = Status.FILED, now
        start_step(case, now)
        events.append(build_event(case, action=Action.FILE, actor=actor, from_status=Status.COLLECTED,
                                  from_tier=case.tier, now=now))
    case.save()
    CaseEvent.objects.bulk_create(events)
    if case.status == Status.COLLECTED:
        notices.append(Notice(Notification.Kind.ASSIGNED, list(selectors.dispatchers_of(case)),
                              _("New case %(number)s to file: %(title)s") % {"number": number, "title": case.title}))
    save_notifications(notify(notices, case))
    return case


# ---------------------------------------------------------------- actions


def actor_is(actor, owner: Owner, case: Case) -> bool:
    if owner is Owner.DISPATCHER:
        return selectors.is_dispatcher_of(actor, case)
    if owner is Owner.HANDLER:
        return selectors.is_handler_of(actor, case)
    if owner is Owner.GRID_WORKER:
        return selectors.is_grid_worker_of(actor, case)
    if owner is Owner.EVALUATOR:
        return actor.id == case.reporter_id or selectors.is_dispatcher_of(actor, case)
    return True  # Owner.VIEWER: callers only hand over cases fetched through cases_visible_to


def available_actions(actor, case: Case) -> list[str]:
    """The actions this user may take now on a case they can see (what the API lists and pages offer)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm("cases.change_case"):
        return []  # read-only roles (auditors, evaluators) take no action, comments included
    actions = []
    for action, transition in TRANSITIONS.items():
        if not status_allows(action, case.status, case.tier):
            continue
        if transition.needs_pending_extension and case.extension_requested_until is None:
            continue
        if action == Action.REQUEST_EXTENSION and case.extension_requested_until is not None:
            continue
        if actor_is(actor, transition.owner, case):
            actions.append(str(action))
    return actions


@transaction.atomic
def case_act(*, actor, number: str, action: str, data: dict | None = None, version: int | None = None,
             now: dt.datetime | None = None) -> Case:
    """Perform one workflow action as ``actor``. Raises Http404 (not visible), PermissionDenied (not
    the step's owner), Conflict (wrong state or stale version) or ValidationError (bad fields)."""
    data = data or {}
    now = now or timezone.now()
    if action not in TRANSITIONS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    visible = selectors.cases_visible_to(actor).filter(number=number)
    case = selectors.with_relations(Case.objects.select_for_update(of=("self",))).filter(
        pk__in=visible.values("pk")).first()
    if case is None:
        raise Http404(_("No case %(number)s.") % {"number": number})
    if version is not None and version != case.version:
        raise Conflict(_("The case changed since you read it (version %(now)s, yours %(yours)s).")
                       % {"now": case.version, "yours": version}, code="stale_version")
    transition = TRANSITIONS[action]
    if not actor.has_perm("cases.change_case"):
        raise PermissionDenied(_("Your role may not act on cases."))
    if not actor_is(actor, transition.owner, case):
        raise PermissionDenied(_("This step of case %(number)s is not yours.") % {"number": case.number})
    if not status_allows(action, case.status, case.tier):
        raise Conflict(_("A case that is “%(status)s” (%(tier)s) cannot take “%(action)s”.")
                       % {"status": case.get_status_display(), "tier": case.get_tier_display(),
                          "action": Action(action).label}, code="wrong_state")
    if transition.needs_pending_extension and case.extension_requested_until is None:
        raise Conflict(_("No extension is pending."), code="wrong_state")
    missing = {name: _("This field is required.") for name in transition.needs if data.get(name) in (None, "")}
    if missing:
        raise ValidationError(missing)

    from_status, from_tier = case.status, case.tier
    payload, notices, extra_events = APPLY[action](case, actor, data, now)
    if data.get("comment") and action != Action.COMMENT:
        payload["comment"] = str(data["comment"])[:2000]
    case.version += 1
    case.updated_at = now
    events = [build_event(case, action=action, actor=actor, from_status=from_status, from_tier=from_tier,
                          payload=payload, now=now)]
    case.save()
    CaseEvent.objects.bulk_create(events + extra_events)
    save_notifications(notify(notices, case))
    return case


def _text(data: dict, name: str, limit: int = 2000) -> str:
    value = str(data.get(name, "")).strip()
    if len(value) > limit:
        raise ValidationError({name: _("At most %(limit)s characters.") % {"limit": limit}})
    return value


def _apply_file(case, actor, data, now):
    case.status, case.filed_at = Status.FILED, now
    start_step(case, now)
    return {}, [], []


def _apply_reject(case, actor, data, now):
    case.status = Status.REJECTED
    start_step(case, now)
    return {"reason": _text(data, "reason")}, [
        Notice(Notification.Kind.CLOSED, [case.reporter], _("Case %(number)s was not filed: %(reason)s")
               % {"number": case.number, "reason": _text(data, "reason")})], []


def _apply_merge(case, actor, data, now):
    into_number = str(data["into"]).strip()
    if into_number == case.number:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    target = selectors.cases_visible_to(actor).filter(number=into_number).first()
    if target is None:
        raise ValidationError({"into": _("No case %(number)s that you can see.") % {"number": into_number}})
    target = Case.objects.select_for_update().get(pk=target.pk)
    if target.status == Status.REJECTED:
        raise ValidationError({"into": _("Case %(number)s is itself rejected or merged.") % {"number": into_number}})
    case.status, case.merged_into = Status.REJECTED, target
    start_step(case, now)
    absorbed = build_event(target, action=ABSORB, actor=actor, from_status=target.status, from_tier=target.tier,
                           payload={"merged": case.number}, now=now)
    target.save(update_fields=["event_count", "last_event_hash"])
    return {"into": target.number}, [], [absorbed]


def _resolve_addressee(case, data) -> tuple[Department | None, DepartmentStation | None, object | None]:
    department_code = str(data.get("department") or "").strip()
    username = str(data.get("assignee") or "").strip()
    if bool(department_code) == bool(username):
        raise ValidationError({"department": _("Give either a department/station code or an assignee username.")})
    if username:
        user = User.objects.filter(username=username, is_active=True).select_related("staff_profile").first()
        if user is None:
            raise ValidationError({"assignee": _("No active user “%(name)s”.") % {"name": username}})
        if not scope_of(user).covers_grid_code(case.grid.code):
            raise ValidationError({"assignee": _("%(name)s does not serve this case's grid.") % {"name": username}})
        return None, None, user
    if case.tier == Tier.MICRO:
        raise ValidationError({"department": _("In the micro-cycle a case goes to the grid's own staff: give an assignee.")})
    station = DepartmentStation.objects.filter(code=department_code).select_related("department").first()
    if station is not None:
        if case.tier == Tier.SMALL and station.street_id != case.street_id:
            raise ValidationError({"department": _("Station %(code)s is not in this case's street.") % {"code": department_code}})
        return station.department, station, None
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        raise ValidationError({"department": _("No department or station has the code “%(code)s”.") % {"code": department_code}})
    if case.tier != Tier.LARGE:
        raise ValidationError({"department": _("Only the district centre dispatches to a whole department; choose its station in this street.")})
    return department, None, None


def _apply_dispatch(case, actor, data, now):
    department, station, assignee = _resolve_addressee(case, data)
    case.department, case.station, case.assignee = department, station, assignee
    case.status, case.dispatched_at = Status.DISPATCHED, now
    start_step(case, now)
    addressee = assignee.username if assignee else (station.code if station else department.code)
    return {"to": addressee}, [Notice(Notification.Kind.ASSIGNED, list(selectors.handlers_of(case)),
                                      _("Case %(number)s was dispatched to you: %(title)s")
                                      % {"number": case.number, "title": case.title})], []


def _apply_accept(case, actor, data, now):
    case.status = Status.HANDLING  # the handling clock started at dispatch and keeps running
    return {}, [], []


def _apply_return(case, actor, data, now):
    reason = _text(data, "reason")
    previous = case.assignee.username if case.assignee else (case.station.code if case.station else
                                                             case.department.code if case.department else "")
    case.department = case.station = case.assignee = None
    case.status, case.return_count = Status.FILED, case.return_count + 1
    start_step(case, now)
    return {"reason": reason, "from": previous}, [
        Notice(Notification.Kind.RETURNED, list(selectors.dispatchers_of(case)),
               _("Case %(number)s was returned: %(reason)s") % {"number": case.number, "reason": reason})], []


def _apply_feedback(case, actor, data, now):
    case.result = _text(data, "result", 4000)
    case.status, case.fed_back_at = Status.FED_BACK, now
    start_step(case, now)
    return {"result": case.result}, [
        Notice(Notification.Kind.FED_BACK, list(selectors.dispatchers_of(case)),
               _("Case %(number)s awaits verification.") % {"number": case.number})], []


def _apply_handle_on_spot(case, actor, data, now):
    case.assignee = actor
    if case.status == Status.COLLECTED:
        case.filed_at = now
    case.dispatched_at = case.dispatched_at or now
    return _apply_feedback(case, actor, data, now)


def _apply_verify(case, actor, data, now):
    case.status, case.closed_at = Status.CLOSED, now
    start_step(case, now)
    return {}, [Notice(Notification.Kind.CLOSED, [case.reporter],
                       _("Case %(number)s is closed. Please rate the result.") % {"number": case.number})], []


def _apply_rework(case, actor, data, now):
    reason = _text(data, "reason")
    case.status, case.rework_count = Status.HANDLING, case.rework_count + 1
    start_step(case, now)
    return {"reason": reason}, [Notice(Notification.Kind.REWORK, list(selectors.handlers_of(case)),
                                       _("Case %(number)s needs rework: %(reason)s")
                                       % {"number": case.number, "reason": reason})], []


def apply_escalation(case, now, reason: str, owners=selectors) -> tuple[dict, list[Notice]]:
    """Move the case one tier up; the upper tier files (if needed) and dispatches it anew.

    ``owners`` finds the people to tell (``dispatchers_of`` / ``handlers_of``): the selectors, or
    a ``StepOwnerDirectory`` preloaded for a whole sweep."""
    old_handlers = list(owners.handlers_of(case)) if case.status in (Status.DISPATCHED, Status.HANDLING) else []
    case.tier = next_tier(case.tier)
    case.status = escalation_target_status(case.status)
    case.department = case.station = case.assignee = None
    case.escalation_count += 1
    start_step(case, now)
    message = _("Case %(number)s was escalated to the %(tier)s: %(reason)s") % {
        "number": case.number, "tier": case.get_tier_display(), "reason": reason}
    return {"reason": reason}, [Notice(Notification.Kind.ESCALATED, list(owners.dispatchers_of(case)), message),
                                Notice(Notification.Kind.ESCALATED, old_handlers, message)]


def _apply_escalate(case, actor, data, now):
    payload, notices = apply_escalation(case, now, _text(data, "reason"))
    return payload, notices, []


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


def _apply_request_extension(case, actor, data, now):
    until = _parse_until(data)
    if until <= max(now, case.due_at or now):
        raise ValidationError({"until": _("An extension must end after the current due time.")})
    if until - now > MAX_EXTENSION:
        raise ValidationError({"until": _("An extension may not exceed 60 days.")})
    case.extension_requested_until = until
    reason = _text(data, "reason")
    return {"until": until.isoformat(), "reason": reason}, [
        Notice(Notification.Kind.EXTENSION, list(selectors.dispatchers_of(case)),
               _("Case %(number)s asks for an extension: %(reason)s") % {"number": case.number, "reason": reason})], []


def _apply_approve_extension(case, actor, data, now):
    until = case.extension_requested_until
    _set_clock(case, extended_clock(case.step_started_at or now, until, escalates=_escalates(case)))
    case.light = Light.GREEN if now < case.warn_at else Light.YELLOW
    case.next_due_at = case.warn_at if case.light == Light.GREEN else case.due_at
    case.extension_requested_until = None
    case.extension_count += 1
    return {"until": until.isoformat()}, [
        Notice(Notification.Kind.EXTENSION, list(selectors.handlers_of(case)),
               _("The extension of case %(number)s was approved.") % {"number": case.number})], []


def _apply_deny_extension(case, actor, data, now):
    requested = case.extension_requested_until
    case.extension_requested_until = None
    return {"until": requested.isoformat(), "reason": _text(data, "reason")}, [
        Notice(Notification.Kind.EXTENSION, list(selectors.handlers_of(case)),
               _("The extension of case %(number)s was denied.") % {"number": case.number})], []


def apply_evaluation(case, now, satisfaction: int, comment: str, defaulted: bool) -> dict:
    case.satisfaction, case.satisfaction_comment, case.satisfaction_defaulted = satisfaction, comment, defaulted
    case.status, case.evaluated_at = Status.EVALUATED, now
    start_step(case, now)
    return {"satisfaction": satisfaction, "comment": comment, "defaulted": defaulted}


def parse_satisfaction(value) -> int:
    try:
        satisfaction = int(str(value))
    except ValueError:
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a whole number from 1 to 5.")})
    return satisfaction


def _apply_evaluate(case, actor, data, now):
    return apply_evaluation(case, now, parse_satisfaction(data["satisfaction"]), _text(data, "comment", 500),
                            defaulted=False), [], []


def _apply_comment(case, actor, data, now):
    return {"comment": _text(data, "comment")}, [], []


APPLY = {
    Action.FILE: _apply_file,
    Action.REJECT: _apply_reject,
    Action.MERGE: _apply_merge,
    Action.DISPATCH: _apply_dispatch,
    Action.ACCEPT: _apply_accept,
    Action.RETURN: _apply_return,
    Action.FEEDBACK: _apply_feedback,
    Action.HANDLE_ON_SPOT: _apply_handle_on_spot,
    Action.VERIFY: _apply_verify,
    Action.REWORK: _apply_rework,
    Action.ESCALATE: _apply_escalate,
    Action.REQUEST_EXTENSION: _apply_request_extension,
    Action.APPROVE_EXTENSION: _apply_approve_extension,
    Action.DENY_EXTENSION: _apply_deny_extension,
    Action.EVALUATE: _apply_evaluate,
    Action.COMMENT: _apply_comment,
}


@transaction.atomic
def case_evaluate_by_token(*, token: str, satisfaction, comment: str = "", now: dt.datetime | None = None) -> Case:
    """A resident rates a closed case from the public page (the follow-up token is their key)."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().filter(public_token=token).first()
    if case is None:
        raise Http404(_("No case has this follow-up code."))
    if case.status != Status.CLOSED:
        raise Conflict(_("Only a closed case can be rated, once."), code="wrong_state")
    score = parse_satisfaction(satisfaction)
    comment = str(comment or "").strip()[:500]
    payload = apply_evaluation(case, now, score, comment, defaulted=False)
    case.version += 1
    case.updated_at = now
    event = build_event(case, action=Action.EVALUATE, actor_label=case.reporter_name or "resident",
                        from_status=Status.CLOSED, from_tier=case.tier, payload=payload, now=now)
    case.save()
    event.save()
    return case
