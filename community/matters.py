"""Practical matters for the people (为民办实事): the services around the workflow.

Residents propose (我要提实事); staff select or decline, plan (budget, owner, milestones), carry out
and accept; residents comment, follow progress and rate their satisfaction. ``matter_act`` is the
one function that changes a matter's status, through ``workflow.MATTER_FLOW``; the effects below
record what each step brings with it.
"""
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.privacy import normalised_phone
from core.scoping import scope_of
from grids.models import Community
from grids.scoping import require_area

from .models import MatterComment, MatterMilestone, MatterRating, PracticalMatter
from .services import locked, locked_for_change
from .workflow import MATTER_FLOW

Status = PracticalMatter.Status


@MATTER_FLOW.effect("select")
def _select(matter, step):
    year = step.data.get("year") or timezone.localdate().year
    if not 2000 <= int(year) <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Choose this year or next.")})
    matter.year, matter.is_key = int(year), bool(step.data.get("is_key", matter.is_key))


@MATTER_FLOW.effect("reject")
def _reject(matter, step):
    matter.rejection_reason = step.data["reason"].strip()


@MATTER_FLOW.effect("plan")
def _plan(matter, step):
    """Every part of the plan is checked at once, so the form shows all its gaps together."""
    data, errors = step.data, {}
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


@MATTER_FLOW.effect("accept")
def _accept(matter, step):
    accepted_on = step.data.get("accepted_on") or timezone.localdate()
    if accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": _("This date is in the future.")})
    matter.acceptance_note, matter.accepted_on = step.data["acceptance_note"].strip(), accepted_on


@transaction.atomic
def matter_act(*, user, matter: PracticalMatter, action: str, **data) -> PracticalMatter:
    """Move a matter along its workflow (the caller fetched it through ``visible_to``)."""
    matter = locked(matter, "community")
    MATTER_FLOW.act(user, matter, action, data)
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
                             proposer_name=proposer_name.strip(), source=source,
                             proposer_phone=normalised_phone(proposer_phone, "proposer_phone"))
    matter.full_clean(exclude=["tracking_code"])
    matter.save()
    return matter


OPEN_FOR_MILESTONES = (Status.SELECTED, Status.PLANNED, Status.IN_PROGRESS)


@transaction.atomic
def milestone_add(*, user, matter: PracticalMatter, title: str, due_on: date) -> MatterMilestone:
    matter = locked_for_change(user, matter)
    if matter.status not in OPEN_FOR_MILESTONES:
        raise Conflict(_("Milestones can be added while the matter is being planned or carried out."))
    milestone = MatterMilestone(matter=matter, title=title.strip(), due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_complete(*, user, milestone: MatterMilestone, done_on: date | None = None) -> MatterMilestone:
    matter = locked_for_change(user, milestone.matter)  # milestones are part of the matter
    milestone = locked(milestone)
    done_on = done_on or timezone.localdate()
    if matter.status != Status.IN_PROGRESS:
        raise Conflict(_("Milestones are completed while the work is in progress."))
    if milestone.done_on is not None:
        raise Conflict(_("This milestone is already done."))
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("This date is in the future.")})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def matter_comment(*, matter: PracticalMatter, author_name: str, body: str, user=None) -> MatterComment:
    if matter.status not in PracticalMatter.PUBLIC_STATUSES:
        raise Conflict(_("This matter is not open for comments."))
    by_staff = bool(user is not None and user.is_authenticated and scope_of(user).acts_in_area(matter.community.code))
    comment = MatterComment(matter=matter, author_name=author_name.strip(), body=body.strip(), by_staff=by_staff)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def matter_rate(*, matter: PracticalMatter, score: int, remark: str = "") -> MatterRating:
    if matter.status != Status.ACCEPTED:
        raise Conflict(_("Satisfaction is rated once the matter is accepted as done."))
    rating = MatterRating(matter=matter, score=score, remark=remark.strip())
    rating.full_clean()
    rating.save()
    return rating
