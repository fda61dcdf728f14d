"""The lifecycles of the community app on one screen: practical matters, deliberation meetings,
their follow-up actions, and volunteer activities.

Each is a ``core.workflow.Workflow``. The services take every step through ``FLOW.act`` (so the
mistakes answer 404 / 403 / 409 / 400 as everywhere on the platform) and the pages and the API offer
the steps ``FLOW.available`` names, through the same check. What a step does beyond moving the
state is its effect, registered beside the service that owns the object (``matters.py``,
``services.py``).

Who may take a step: staff acting in the object's area — the area they serve, or the community
around the grids they serve (``Scope.acts_in_area``, the same rule as ``visible_to(user, "change")``).
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import scope_of
from core.workflow import Transition as T
from core.workflow import Workflow

from .models import DeliberationMeeting, FollowUpAction, PracticalMatter, VolunteerActivity

AREA_STAFF = "area_staff"
ORGANISER = "organiser"  # area staff whose role organises activities (not only records attendance)


def _acts_in(area_code_of):
    return lambda user, obj: scope_of(user).acts_in_area(area_code_of(obj))


# --- practical matters (为民办实事) -----------------------------------------------------------------


def _has_a_milestone(matter) -> str | None:
    return None if matter.milestones.all() else _("Add at least one milestone before work starts.")


def _every_milestone_done(matter) -> str | None:
    if any(milestone.done_on is None for milestone in matter.milestones.all()):
        return _("Every milestone must be done before acceptance.")
    return None


M = PracticalMatter.Status
MATTER_FLOW = Workflow("practical matter", {
    "select": T((M.PROPOSED,), M.SELECTED, AREA_STAFF, pgettext_lazy("practical matter step", "Select")),
    "reject": T((M.PROPOSED,), M.REJECTED, AREA_STAFF, _("Decline"), needs=("reason",)),
    "plan": T((M.SELECTED,), M.PLANNED, AREA_STAFF, _("Save the plan")),  # its effect checks the whole plan
    "start": T((M.PLANNED,), M.IN_PROGRESS, AREA_STAFF, _("Start work"), guard=_has_a_milestone),
    "accept": T((M.IN_PROGRESS,), M.ACCEPTED, AREA_STAFF, _("Accept as done"), needs=("acceptance_note",),
                guard=_every_milestone_done),
}, deciders={AREA_STAFF: _acts_in(lambda matter: matter.community.code)},
    permission="community.change_practicalmatter")


# --- deliberation meetings (议事协商) and their follow-up actions ------------------------------------


def _held_with_participants(meeting) -> str | None:
    if meeting.held_on > timezone.localdate():
        return _("The meeting has not taken place yet.")
    if not meeting.participants.all():
        return _("List the participants before recording the decision.")
    return None


MEETING_FLOW = Workflow("deliberation meeting", {
    "decide": T((DeliberationMeeting.Status.PLANNED,), DeliberationMeeting.Status.HELD, AREA_STAFF,
                _("Record the decision"), needs=("decision",), guard=_held_with_participants),
}, deciders={AREA_STAFF: _acts_in(lambda meeting: meeting.community.code)},
    permission="community.change_deliberationmeeting")

# A follow-up action's steps are named by the status they lead to (the API asks for a status).
F = FollowUpAction.Status
STILL_OPEN = (F.OPEN, F.IN_PROGRESS)
FOLLOW_UP_FLOW = Workflow("follow-up action", {
    F.IN_PROGRESS: T((F.OPEN,), F.IN_PROGRESS, AREA_STAFF, _("Start")),
    F.DONE: T(STILL_OPEN, F.DONE, AREA_STAFF, _("Done"), needs=("result",)),
    F.DROPPED: T(STILL_OPEN, F.DROPPED, AREA_STAFF, _("Drop"), needs=("result",)),
}, deciders={AREA_STAFF: _acts_in(lambda action: action.meeting.community.code)},
    permission="community.change_followupaction")


# --- volunteer activities -------------------------------------------------------------------------


def _has_ended(activity) -> str | None:
    return None if activity.ends_at <= timezone.now() else _("Attendance is recorded after the activity has ended.")


def _team_area(activity) -> str:
    return activity.team.org.area_code


A = VolunteerActivity.Status
# Grid workers record who came (they may change sign-ups); cancelling is for those who organise.
ACTIVITY_FLOW = Workflow("volunteer activity", {
    "attendance": T((A.OPEN,), A.CLOSED, AREA_STAFF, _("Record attendance and close"), guard=_has_ended),
    "cancel": T((A.OPEN,), A.CANCELLED, ORGANISER, _("Cancel the activity")),
}, deciders={
    AREA_STAFF: _acts_in(_team_area),
    ORGANISER: lambda user, activity: (user.has_perm("community.change_volunteeractivity")
                                       and scope_of(user).acts_in_area(_team_area(activity))),
}, permission="community.change_activitysignup")
