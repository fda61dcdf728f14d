"""Practical matters for the people (为民办实事): the workflow and its services.

Residents propose (我要提实事); staff select or decline, plan (budget, owner, milestones), carry out
and accept; residents comment, follow progress and rate their satisfaction. ``matter_act`` is the
one function that changes a matter's status, driven by the table below.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grids.models import Community
from grids.scoping import acts_in_area, require_area

from .models import MatterComment, MatterMilestone, MatterRating, PracticalMatter

Status = PracticalMatter.Status


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    label: str


TRANSITIONS = {
    "select": Transition(Status.PROPOSED, Status.SELECTED, gettext_lazy("Select")),
    "reject": Transition(Status.PROPOSED, Status.REJECTED, gettext_lazy("Decline")),
    "plan": Transition(Status.SELECTED, Status.PLANNED, gettext_lazy("Save the plan")),
    "start": Transition(Status.PLANNED, Status.IN_PROGRESS, gettext_lazy("Start work")),
    "accept": Transition(Status.IN_PROGRESS, Status.ACCEPTED, gettext_lazy("Accept as done")),
}
CHANGE_PERMISSION = "community.change_practicalmatter"


def available_actions(user, matter: PracticalMatter) -> list[str]:
    """Actions this user may take on the matter now (for buttons and the API alike)."""
    if not user.has_perm(CHANGE_PERMISSION) or not acts_in_area(user, matter.community.code):
        return []
    return [name for name, move in TRANSITIONS.items() if move.source == matter.status]


def _guard_select(matter, data):
    year = data.get("year") or timezone.localdate().year
    if not 2000 <= int(year) <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Choose this year or next.")})
    matter.year, matter.is_key = int(year), bool(data.get("is_key", matter.is_key))


def _guard_reject(matter, data):
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the resident why the matter is not taken up.")})
    matter.rejection_reason = reason


def _guard_plan(matter, data):
    errors = {}
    budget = data.get("budget")
    if budget is None or Decimal(budget) <= 0:
        errors["budget"] = _("A plan needs a budget above zero.")
    if not (data.get("owner_name") or "").strip():
        errors["owner_name"] = _("A plan needs a responsible person.")
    start, end = data.get("planned_start"), data.get("planned_end")
    if not start or not end:
        errors["planned_end"] = _("A plan needs its start and end dates.")
    elif end < start:
        errors["planned_end"] = _("The end date is before the start.")
    if errors:
        raise ValidationError(errors)
    matter.budget, matter.owner_name = Decimal(budget), data["owner_name"].strip()
    matter.owner_unit = (data.get("owner_unit") or "").strip()
    matter.planned_start, matter.planned_end = start, end


def _guard_start(matter, data):
    if not matter.milestones.exists():
        raise ValidationError({"action": _("Add at least one milestone before work starts.")})


def _guard_accept(matter, data):
    note = (data.get("acceptance_note") or "").strip()
    if not note:
        raise ValidationError({"acceptance_note": _("Record how the result was checked.")})
    if matter.milestones.filter(done_on__isnull=True).exists():
        raise ValidationError({"action": _("Every milestone must be done before acceptance.")})
    matter.acceptance_note, matter.accepted_on = note, data.get("accepted_on") or timezone.localdate()
    if matter.accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": _("This date is in the future.")})


GUARDS = {"select": _guard_select, "reject": _guard_reject, "plan": _guard_plan, "start": _guard_start,
          "accept": _guard_accept}


@transaction.atomic
def matter_act(*, user, matter: PracticalMatter, action: str, **data) -> PracticalMatter:
    """Move a matter along its workflow. Raises ValidationError (bad action, state or data)."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    matter = PracticalMatter.objects.select_for_update().select_related("community").get(pk=matter.pk)
    require_area(user, matter.community.code, "community")
    move = TRANSITIONS[action]
    if matter.status != move.source:
        raise ValidationError({"action": _("A matter that is “%(status)s” cannot be moved this way.") % {
            "status": matter.get_status_display()}})
    GUARDS[action](matter, data)
    matter.status = move.target
    matter.full_clean()
    matter.save()
    return matter


@transaction.atomic
def matter_propose(
    *, community: Community, title: str, description: str, proposer_name: str = "", proposer_phone: str = "",
    user=None,
) -> PracticalMatter:
    """A proposal: from a resident on the public page, or from staff in their own area."""
    source = PracticalMatter.Source.RESIDENT
    if user is not None and user.is_authenticated:
        require_area(user, community.code, "community")
        source = PracticalMatter.Source.STAFF
    matter = PracticalMatter(community=community, title=title.strip(), description=description.strip(),
                             proposer_name=proposer_name.strip(), proposer_phone=proposer_phone.strip(), source=source)
    matter.full_clean(exclude=["tracking_code"])
    matter.save()
    return matter


OPEN_FOR_MILESTONES = (Status.SELECTED, Status.PLANNED, Status.IN_PROGRESS)


@transaction.atomic
def milestone_add(*, user, matter: PracticalMatter, title: str, due_on: date) -> MatterMilestone:
    require_area(user, matter.community.code, "community")
    if matter.status not in OPEN_FOR_MILESTONES:
        raise ValidationError({"title": _("Milestones can be added while the matter is being planned or carried out.")})
    milestone = MatterMilestone(matter=matter, title=title.strip(), due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_complete(*, user, milestone: MatterMilestone, done_on: date | None = None) -> MatterMilestone:
    milestone = MatterMilestone.objects.select_for_update().select_related("matter__community").get(pk=milestone.pk)
    require_area(user, milestone.matter.community.code, "community")
    done_on = done_on or timezone.localdate()
    if milestone.matter.status != Status.IN_PROGRESS:
        raise ValidationError({"done_on": _("Milestones are completed while the work is in progress.")})
    if milestone.done_on is not None:
        raise ValidationError({"done_on": _("This milestone is already done.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("This date is in the future.")})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def matter_comment(*, matter: PracticalMatter, author_name: str, body: str, user=None) -> MatterComment:
    if matter.status not in PracticalMatter.PUBLIC_STATUSES:
        raise ValidationError({"body": _("This matter is not open for comments.")})
    by_staff = bool(user is not None and user.is_authenticated and acts_in_area(user, matter.community.code))
    comment = MatterComment(matter=matter, author_name=author_name.strip(), body=body.strip(), by_staff=by_staff)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def matter_rate(*, matter: PracticalMatter, score: int, remark: str = "") -> MatterRating:
    if matter.status != Status.ACCEPTED:
        raise ValidationError({"score": _("Satisfaction is rated once the matter is accepted as done.")})
    rating = MatterRating(matter=matter, score=score, remark=remark.strip())
    rating.full_clean()
    rating.save()
    return rating
