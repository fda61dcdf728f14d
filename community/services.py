"""State changes of the community app. One transaction per change; keyword-only arguments; every
write is validated (``full_clean``).

The mistakes answer as everywhere on the platform: callers fetch the object through
``visible_to`` first, so one out of the user's sight is a 404 before any service runs; a change of
an object the user sees but may not change is a ``PermissionDenied`` (403, ``locked_for_change``);
a step the object's state does not allow is a ``Conflict`` (409); bad or missing fields are a
``ValidationError`` with field messages (400). A new row goes only where its author serves (a
household into a grid they serve, a team into an area they act in: 400 on that field otherwise).
Status changes go through the workflows (``workflow.py``); their effects are registered here.
"""
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import next_workday
from core.errors import Conflict
from core.privacy import normalised_phone
from grids.models import Community, Grid
from grids.scoping import require_area, require_unit_grid

from .models import (
    ActivitySignup,
    AttendanceRecord,
    CareContact,
    CarePairing,
    CareTarget,
    DeliberationMeeting,
    FollowUpAction,
    Household,
    MeetingParticipant,
    OwnersCommittee,
    PropertyCompany,
    Visit,
    VisitCategory,
    Volunteer,
    VolunteerActivity,
    VolunteerOrg,
    VolunteerSkill,
    VolunteerTeam,
)
from .workflow import ACTIVITY_FLOW, FOLLOW_UP_FLOW, MEETING_FLOW


def _row_for_update(rows, obj, related: tuple[str, ...]):
    rows = rows.select_for_update(of=("self",)).filter(pk=obj.pk)
    return rows.select_related(*related) if related else rows


def locked(obj, *related: str):
    """The row, locked until the transaction ends, for a workflow step (its table says who may take it)."""
    return _row_for_update(type(obj).objects.all(), obj, related).get()


def locked_for_change(user, obj, *related: str):
    """The row ``user`` is about to change, locked until the transaction ends; 403 when it is in their
    sight (the caller fetched it through ``visible_to``) but not theirs to change."""
    row = _row_for_update(type(obj).objects.visible_to(user, "change"), obj, related).first()
    if row is None:
        raise PermissionDenied(_("You may look at this but not change it."))
    return row


def _not_future(value: date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def _save(obj, **clean_kwargs):
    obj.full_clean(**clean_kwargs)
    obj.save()
    return obj


# --- must-visit households ----------------------------------------------------------------------


def household_next_due(household: Household, categories=None) -> date | None:
    """Last visit (or registration) plus the shortest interval among the household's categories;
    a visit falling due on a day off is due on the next working day."""
    categories = list(household.categories.all()) if categories is None else list(categories)
    if not categories:
        return None
    base = household.last_visited_on or household.registered_on
    return next_workday(base + timedelta(days=min(c.interval_days for c in categories)))


def _refresh_due(household: Household, categories=None) -> None:
    household.next_visit_due = household_next_due(household, categories)
    due = household.next_visit_due
    overdue = household.active and due is not None and due < timezone.localdate()
    if not overdue:
        household.is_overdue, household.overdue_flagged_at = False, None


def _require_categories(categories) -> list[VisitCategory]:
    categories = list(categories or [])
    if not categories:
        raise ValidationError({"categories": _("Choose at least one of the nine categories.")})
    return categories


@transaction.atomic
def household_register(
    *, user, grid: Grid, head_name: str, address: str, categories, phone: str = "", members: int = 1,
    note: str = "", registered_on: date | None = None,
) -> Household:
    require_unit_grid(user, grid)
    categories = _require_categories(categories)
    household = Household(
        grid=grid, head_name=head_name, address=address, phone=phone, members=members, note=note,
        registered_on=registered_on or timezone.localdate(), created_by=user,
    )
    _not_future(household.registered_on, "registered_on")
    _refresh_due(household, categories)
    _save(household)
    household.categories.set(categories)
    return household


HOUSEHOLD_EDITABLE = {"head_name", "address", "phone", "members", "note", "house"}


@transaction.atomic
def household_update(*, user, household: Household, categories=None, **fields) -> Household:
    household = locked_for_change(user, household)
    house = fields.get("house")
    if house is not None and house.grid_id != household.grid_id:
        raise ValidationError({"house": _("Choose a house of the household's own grid.")})
    unknown = set(fields) - HOUSEHOLD_EDITABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        setattr(household, name, value)
    if categories is not None:
        categories = _require_categories(categories)
        household.categories.set(categories)
    _refresh_due(household, categories)
    return _save(household)


@transaction.atomic
def household_remove(*, user, household: Household, reason: str) -> Household:
    household = locked_for_change(user, household)
    if not household.active:
        raise Conflict(_("The household has already left the register."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the household leaves the register.")})
    household.active, household.left_reason = False, reason.strip()
    household.is_overdue, household.overdue_flagged_at = False, None
    return _save(household)


@transaction.atomic
def visit_record(
    *, user, household: Household, visited_on: date, summary: str, mode: str = Visit.Mode.HOME,
    needs_follow_up: bool = False,
) -> Visit:
    household = locked_for_change(user, household)  # a visit moves the household's plan
    if not household.active:
        raise Conflict(_("The household has left the register."))
    _not_future(visited_on, "visited_on")
    if visited_on < household.registered_on:
        raise ValidationError({"visited_on": _("The visit is dated before the household was registered.")})
    visit = _save(Visit(household=household, visited_on=visited_on, mode=mode, summary=summary,
                        needs_follow_up=needs_follow_up, visitor=user))
    if household.last_visited_on is None or visited_on > household.last_visited_on:
        household.last_visited_on = visited_on
    _refresh_due(household)
    household.save(update_fields=["last_visited_on", "next_visit_due", "is_overdue", "overdue_flagged_at"])
    return visit


def households_flag_overdue(*, today: date | None = None) -> int:
    """The sweep: flag households whose visit is past due. A conditional update, so running it
    twice (or beside a visit being recorded) never flags a household that was just visited. The
    stored due date is already a working day, so the sweep needs no calendar."""
    today = today or timezone.localdate()
    return Household.objects.filter(active=True, is_overdue=False, next_visit_due__lt=today).update(
        is_overdue=True, overdue_flagged_at=timezone.now()
    )


@transaction.atomic
def visit_category_update(*, category: VisitCategory, interval_days: int, note: str | None = None) -> VisitCategory:
    """Change a category's frequency; every household in it gets its next due date again."""
    category = VisitCategory.objects.select_for_update().get(pk=category.pk)
    category.interval_days = interval_days
    if note is not None:
        category.note = note
    _save(category)
    for household in Household.objects.filter(categories=category, active=True).prefetch_related("categories"):
        _refresh_due(household)
        household.save(update_fields=["next_visit_due", "is_overdue", "overdue_flagged_at"])
    return category


# --- must-attend records --------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, user, grid: Grid, situation: str, occurred_on: date, attended_on: date, place: str, action_taken: str,
    residents: str = "", household: Household | None = None,
) -> AttendanceRecord:
    require_unit_grid(user, grid)
    _not_future(attended_on, "attended_on")
    if attended_on < occurred_on:
        raise ValidationError({"attended_on": _("Attendance cannot come before the event.")})
    if household is not None and household.grid_id != grid.id:
        raise ValidationError({"household": _("The household is not in this grid.")})
    return _save(AttendanceRecord(
        grid=grid, situation=situation, occurred_on=occurred_on, attended_on=attended_on, place=place,
        residents=residents, action_taken=action_taken, household=household, attendee=user,
    ))


# --- volunteers -------------------------------------------------------------------------------


@transaction.atomic
def volunteer_org_create(
    *, code: str, name: str, level: str, parent: VolunteerOrg | None = None, street: Grid | None = None,
    community: Community | None = None,
) -> VolunteerOrg:
    """A node of the three-level network; each level hangs under the one above it."""
    Level = VolunteerOrg.Level
    expected_parent = {Level.FEDERATION: None, Level.BRANCH: Level.FEDERATION, Level.STATION: Level.BRANCH}
    if level in expected_parent:
        wanted = expected_parent[level]
        if (parent is None) != (wanted is None) or (parent is not None and parent.level != wanted):
            raise ValidationError({"parent": _("A %(level)s hangs under a %(parent)s.") % {
                "level": Level(level).label, "parent": Level(wanted).label if wanted else "—"}})
    if level == Level.BRANCH and (street is None or street.level != Grid.Level.STREET):
        raise ValidationError({"street": _("A street branch needs its street or town.")})
    if level == Level.STATION:
        if community is None:
            raise ValidationError({"community": _("A community station needs its community.")})
        if parent is not None and parent.street_id != community.street_id:
            raise ValidationError({"community": _("The community is not in the branch's street.")})
        street = community.street
    return _save(VolunteerOrg(code=code, name=name, level=level, parent=parent, street=street, community=community),
                 exclude=["area_code"])


@transaction.atomic
def volunteer_team_create(
    *, user, org: VolunteerOrg, name: str, field: str = VolunteerTeam.Field.OTHER, brand: str = "",
    leader_name: str = "", founded_on: date | None = None,
) -> VolunteerTeam:
    require_area(user, org.area_code, "org")
    team = VolunteerTeam(org=org, name=name, field=field, brand=brand, leader_name=leader_name,
                         founded_on=founded_on or timezone.localdate())
    _not_future(team.founded_on, "founded_on")
    return _save(team)


@transaction.atomic
def volunteer_register(
    *, user, full_name: str, phone: str, community: Community, skills=(), teams=(),
    registered_on: date | None = None,
) -> Volunteer:
    require_area(user, community.code, "community")
    volunteer = _save(Volunteer(full_name=full_name, phone=normalised_phone(phone, required=True), community=community,
                                registered_on=registered_on or timezone.localdate()))
    volunteer.skills.set(list(skills))
    volunteer.teams.set(list(teams))
    return volunteer


def skills_by_name(names) -> list[VolunteerSkill]:
    return [VolunteerSkill.objects.get_or_create(name=name.strip())[0] for name in names if name.strip()]


@transaction.atomic
def activity_create(
    *, user, team: VolunteerTeam, title: str, place: str, starts_at, ends_at, capacity: int,
    description: str = "", community: Community | None = None,
) -> VolunteerActivity:
    require_area(user, team.org.area_code, "team")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})
    return _save(VolunteerActivity(team=team, title=title, description=description, community=community, place=place,
                                   starts_at=starts_at, ends_at=ends_at, capacity=capacity))


@transaction.atomic
def activity_sign_up(*, user, activity: VolunteerActivity, volunteer: Volunteer) -> ActivitySignup:
    activity = VolunteerActivity.objects.select_for_update().get(pk=activity.pk)  # serialises the capacity check
    if activity.status != VolunteerActivity.Status.OPEN or activity.starts_at <= timezone.now():
        raise Conflict(_("Sign-up for this activity is closed."))
    if not volunteer.active:
        raise ValidationError({"volunteer": _("This volunteer is not active.")})
    taken = activity.signups.exclude(attendance=ActivitySignup.Attendance.WITHDRAWN)
    existing = activity.signups.filter(volunteer=volunteer).first()
    if existing and existing.attendance != ActivitySignup.Attendance.WITHDRAWN:
        raise ValidationError({"volunteer": _("This volunteer has already signed up.")})
    if taken.count() >= activity.capacity:
        raise Conflict(_("The activity is full."))
    if existing:
        existing.attendance = ActivitySignup.Attendance.SIGNED_UP
        existing.save(update_fields=["attendance"])
        return existing
    return _save(ActivitySignup(activity=activity, volunteer=volunteer))


@transaction.atomic
def activity_withdraw(*, user, signup: ActivitySignup) -> ActivitySignup:
    signup = ActivitySignup.objects.select_for_update().select_related("activity").get(pk=signup.pk)
    if (signup.attendance != ActivitySignup.Attendance.SIGNED_UP
            or signup.activity.status != VolunteerActivity.Status.OPEN):
        raise Conflict(_("This sign-up can no longer be withdrawn."))
    signup.attendance = ActivitySignup.Attendance.WITHDRAWN
    signup.save(update_fields=["attendance"])
    return signup


@transaction.atomic
def activity_record_attendance(*, user, activity: VolunteerActivity, entries: list[dict]) -> VolunteerActivity:
    """Close an activity that has ended: who attended and their service hours. Entries are
    ``{"volunteer": Volunteer, "attended": bool, "hours": Decimal}``; sign-ups not listed are absent."""
    activity = locked(activity, "team__org")
    ACTIVITY_FLOW.act(user, activity, "attendance", {"entries": entries})
    activity.save(update_fields=["status"])
    return activity


@ACTIVITY_FLOW.effect("attendance")
def _record_attendance(activity, step):
    signups = {s.volunteer_id: s for s in activity.signups.exclude(attendance=ActivitySignup.Attendance.WITHDRAWN)}
    limit = Decimal(str(activity.duration_hours))
    errors = {}
    for index, entry in enumerate(step.data["entries"]):
        signup = signups.get(entry["volunteer"].pk)
        hours = Decimal(entry.get("hours") or 0)
        if signup is None:
            errors[f"entries[{index}]"] = _("%(name)s did not sign up.") % {"name": entry["volunteer"]}
        elif entry["attended"] and not (0 < hours <= limit):
            errors[f"entries[{index}]"] = _("Hours must be more than 0 and at most %(limit)s.") % {"limit": limit}
        else:
            signup.attendance = (ActivitySignup.Attendance.ATTENDED if entry["attended"]
                                 else ActivitySignup.Attendance.ABSENT)
            signup.hours = hours if entry["attended"] else Decimal("0")
    if errors:
        raise ValidationError(errors)
    for signup in signups.values():
        if signup.attendance == ActivitySignup.Attendance.SIGNED_UP:
            signup.attendance, signup.hours = ActivitySignup.Attendance.ABSENT, Decimal("0")
        signup.full_clean()
    ActivitySignup.objects.bulk_update(signups.values(), ["attendance", "hours"])


@transaction.atomic
def activity_cancel(*, user, activity: VolunteerActivity) -> VolunteerActivity:
    activity = locked(activity, "team__org")
    ACTIVITY_FLOW.act(user, activity, "cancel")
    activity.save(update_fields=["status"])
    return activity


# --- neighbour care ---------------------------------------------------------------------------


@transaction.atomic
def care_target_register(
    *, user, grid: Grid, kind: str, name: str, building: str, entrance: str = "", floor: int | None = None,
    phone: str = "", note: str = "",
) -> CareTarget:
    require_unit_grid(user, grid)
    return _save(CareTarget(grid=grid, kind=kind, name=name, building=building.strip(), entrance=entrance.strip(),
                            floor=floor, phone=phone, note=note))


@transaction.atomic
def care_pair(
    *, user, target: CareTarget, helper_name: str, helper_phone: str, relation: str = CarePairing.Relation.NEIGHBOUR,
    volunteer: Volunteer | None = None, started_on: date | None = None,
) -> CarePairing:
    target = locked_for_change(user, target, "grid")
    if not target.active:
        raise Conflict(_("This resident is no longer on the care list."))
    if target.pairings.filter(ended_on__isnull=True, helper_name=helper_name.strip()).exists():
        raise ValidationError({"helper_name": _("This helper is already paired with the resident.")})
    if volunteer is not None and volunteer.community_id != target.grid.community_id:
        raise ValidationError({"volunteer": _("The volunteer lives in another community.")})
    pairing = CarePairing(target=target, helper_name=helper_name.strip(), helper_phone=helper_phone,
                          relation=relation, volunteer=volunteer, started_on=started_on or timezone.localdate())
    _not_future(pairing.started_on, "started_on")
    return _save(pairing)


@transaction.atomic
def care_pairing_end(*, user, pairing: CarePairing, ended_on: date | None = None) -> CarePairing:
    pairing = locked_for_change(user, pairing)
    ended_on = ended_on or timezone.localdate()
    if pairing.ended_on is not None:
        raise Conflict(_("The pairing has already ended."))
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it started.")})
    pairing.ended_on = ended_on
    return _save(pairing)


@transaction.atomic
def care_contact_record(
    *, user, pairing: CarePairing, contacted_on: date, note: str, mode: str = CareContact.Mode.VISIT,
    concern_raised: bool = False,
) -> CareContact:
    pairing = locked_for_change(user, pairing)
    if pairing.ended_on is not None:
        raise Conflict(_("The pairing has ended."))
    _not_future(contacted_on, "contacted_on")
    if contacted_on < pairing.started_on:
        raise ValidationError({"contacted_on": _("The contact is dated before the pairing started.")})
    return _save(CareContact(pairing=pairing, contacted_on=contacted_on, note=note, mode=mode,
                             concern_raised=concern_raised))


# --- deliberation ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, user, community: Community, topic: str, held_on: date, venue: str = "") -> DeliberationMeeting:
    require_area(user, community.code, "community")
    return _save(DeliberationMeeting(community=community, topic=topic, held_on=held_on, venue=venue,
                                     created_by=user))


@transaction.atomic
def meeting_add_participant(
    *, user, meeting: DeliberationMeeting, party: str, name: str, affiliation: str = "",
    owners_committee: OwnersCommittee | None = None, property_company: PropertyCompany | None = None,
) -> MeetingParticipant:
    """List a participant under their party; one who speaks for an owners' committee or a property company
    (四方共建) links to that body of the meeting's community, whose name is then their affiliation."""
    meeting = locked_for_change(user, meeting)
    if meeting.participants.filter(party=party, name=name.strip()).exists():
        raise ValidationError({"name": _("This participant is already listed.")})
    for field, body in (("owners_committee", owners_committee), ("property_company", property_company)):
        if body is None:
            continue
        if body.community_id != meeting.community_id:
            raise ValidationError({field: _("Choose one of this community's own.")})
        if party != field:
            raise ValidationError({field: _("Only a participant of this party speaks for it.")})
        affiliation = affiliation.strip() or body.name
    return _save(MeetingParticipant(meeting=meeting, party=party, name=name.strip(), affiliation=affiliation,
                                    owners_committee=owners_committee, property_company=property_company))


@transaction.atomic
def meeting_record_decision(*, user, meeting: DeliberationMeeting, decision: str) -> DeliberationMeeting:
    meeting = locked(meeting, "community")
    MEETING_FLOW.act(user, meeting, "decide", {"decision": decision})
    return _save(meeting)


@MEETING_FLOW.effect("decide")
def _write_down_decision(meeting, step):
    meeting.decision = step.data["decision"].strip()


@transaction.atomic
def follow_up_add(
    *, user, meeting: DeliberationMeeting, description: str, owner_name: str, due_on: date,
) -> FollowUpAction:
    meeting = locked_for_change(user, meeting)
    if meeting.status != DeliberationMeeting.Status.HELD:
        raise Conflict(_("Follow-up actions come from a decision: record it first."))
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": _("The due date is before the meeting.")})
    return _save(FollowUpAction(meeting=meeting, description=description, owner_name=owner_name, due_on=due_on))


@transaction.atomic
def follow_up_update(*, user, action: FollowUpAction, status: str, result: str = "") -> FollowUpAction:
    """Move a follow-up action on; the status asked for names the step (``workflow.FOLLOW_UP_FLOW``)."""
    action = locked(action, "meeting__community")
    FOLLOW_UP_FLOW.act(user, action, status, {"result": result})
    return _save(action)


@FOLLOW_UP_FLOW.effect(FollowUpAction.Status.IN_PROGRESS)
@FOLLOW_UP_FLOW.effect(FollowUpAction.Status.DONE)
@FOLLOW_UP_FLOW.effect(FollowUpAction.Status.DROPPED)
def _record_result(action, step):
    action.result = step.data["result"].strip() or action.result
    if action.status in (FollowUpAction.Status.DONE, FollowUpAction.Status.DROPPED):
        action.closed_on = timezone.localdate(step.now)
