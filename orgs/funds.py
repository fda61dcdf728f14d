"""The innovation fund (加强和创新社会管理专项资金): the year's budget, calls for proposals,
applications from social organisations and communities, review, award, and instalments paid
against milestones. One transaction per service; the application's and the instalments' steps
are the tables in ``workflow.py``; every award passes ``budgets.require_within_budget``.
People are told through ``core.notifications`` in the transaction of the change."""
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.models import Notification
from core.notifications import Notice, notify
from core.roles import Role
from core.scoping import scope_of
from grids.models import Grid, StaffProfile

from .budgets import OverBudget, Programme, awarded_in, require_within_budget
from .models import FundApplication, FundBudget, FundCall, FundMilestone, FundReview, OrganisationMember
from .roles import MEMBER_GROUP
from .services import _save, require_district
from .workflow import APPLICATION_FLOW, INSTALMENT_FLOW

FS = FundApplication.Status
Kind = Notification.Kind
MAX_MILESTONES = 12


def _positive(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Give an amount in yuan.")}) from error
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    return amount


# --- budgets and calls ----------------------------------------------------------------------------


@transaction.atomic
def budget_set(*, user, programme: str, year: int, amount: Decimal) -> FundBudget:
    """Set a programme's budget for a year; never below what the year has already awarded."""
    require_district(user)
    amount = _positive(amount, "amount")
    budget, _created = FundBudget.objects.select_for_update().get_or_create(
        programme=programme, year=year, defaults={"amount": amount})
    awarded = awarded_in(programme, year)
    if amount < awarded:
        raise ValidationError({"amount": _("%(year)s has already awarded %(awarded)s yuan.") % {
            "year": year, "awarded": f"{awarded:,.2f}"}})
    budget.amount = amount
    return _save(budget)


@transaction.atomic
def call_create(*, user, title: str, year: int, opens_on: date, closes_on: date, budget_share: Decimal,
                scope: str) -> FundCall:
    """Publish a call; the shares of a year's calls stay within the year's budget."""
    require_district(user)
    budget_share = _positive(budget_share, "budget_share")
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("A call closes after it opens.")})
    budget = FundBudget.objects.select_for_update().filter(programme=Programme.INNOVATION, year=year).first()
    shared = FundCall.objects.filter(year=year).aggregate(total=Sum("budget_share"))["total"] or Decimal("0")
    free = (budget.amount - shared) if budget else Decimal("0")
    if budget_share > free:
        raise OverBudget(_("The calls of %(year)s would share more than the year's budget: %(free)s yuan remain.")
                         % {"year": year, "free": f"{max(free, 0):,.2f}"}, max(free, Decimal("0")))
    return _save(FundCall(title=title.strip(), year=year, opens_on=opens_on, closes_on=closes_on,
                          budget_share=budget_share, scope=scope.strip()))


# --- applications ---------------------------------------------------------------------------------


def _applicant_area(user, organisation, community_grid) -> str:
    """The application's area; the user must speak for the applicant."""
    if (organisation is None) == (community_grid is None):
        raise ValidationError({"organisation": _("Apply either for an organisation or for a community.")})
    if community_grid is not None:
        if community_grid.kind != Grid.Kind.COMMUNITY:
            raise ValidationError({"community_grid": _("Choose a community grid.")})
        if not scope_of(user).acts_in_area(community_grid.code):
            raise ValidationError({"community_grid": _("You do not serve this community.")})
        return community_grid.code
    if organisation.status not in organisation.STANDING:
        raise ValidationError({"organisation": _("Only a registered or filed organisation can apply.")})
    is_member = OrganisationMember.objects.filter(user_id=user.pk, organisation=organisation).exists()
    if not (is_member or scope_of(user).acts_in_area(organisation.area_code)):
        raise ValidationError({"organisation": _("You do not speak for this organisation.")})
    return organisation.area_code


def _milestones(rows, call: FundCall) -> list[FundMilestone]:
    if not rows:
        raise ValidationError({"milestones": _("Give at least one milestone.")})
    if len(rows) > MAX_MILESTONES:
        raise ValidationError({"milestones": _("Give at most %(n)s milestones.") % {"n": MAX_MILESTONES}})
    milestones = []
    for sequence, row in enumerate(rows, start=1):
        title, due_on = str(row.get("title") or "").strip(), row.get("due_on")
        if not title or not isinstance(due_on, date):
            raise ValidationError({"milestones": _("Each milestone needs a title and a due date.")})
        if due_on < call.opens_on:
            raise ValidationError({"milestones": _("A milestone falls before the call opens.")})
        milestones.append(FundMilestone(sequence=sequence, title=title[:100], due_on=due_on))
    return milestones


@transaction.atomic
def application_create(
    *, user, call: FundCall, title: str, category: str, plan: str, amount_requested: Decimal, milestones: list,
    organisation=None, community_grid: Grid | None = None,
) -> FundApplication:
    """A draft application to an open call, with its plan's milestones (submitted with ``application_act``)."""
    area_code = _applicant_area(user, organisation, community_grid)
    if not call.is_open():
        raise ValidationError({"call": _("The call is closed: applications are taken from %(opens)s to %(closes)s.")
                               % {"opens": call.opens_on, "closes": call.closes_on}})
    amount_requested = _positive(amount_requested, "amount_requested")
    if amount_requested > call.budget_share:
        raise ValidationError({"amount_requested": _("The call shares out %(share)s yuan in all.") % {
            "share": f"{call.budget_share:,.2f}"}})
    rows = _milestones(milestones, call)
    application = _save(FundApplication(
        call=call, organisation=organisation, community_grid=community_grid, area_code=area_code,
        title=title.strip(), category=category, plan=plan.strip(), amount_requested=amount_requested,
        created_by=user if user.is_authenticated else None))
    for milestone in rows:
        milestone.application = application
    FundMilestone.objects.bulk_create(rows)
    return application


def _applicant_people(application: FundApplication) -> list:
    people = [member.user for member in OrganisationMember.objects.filter(
        organisation_id=application.organisation_id).select_related("user")] if application.organisation_id else []
    return [*people, application.created_by]


def _fund_office() -> list:
    return [profile.user for profile in StaffProfile.objects.filter(
        role=Role.DISTRICT_COMMANDER, user__is_active=True).select_related("user")]


@APPLICATION_FLOW.effect("submit")
def _submit(application, step):
    application.submitted_on = timezone.localdate(step.now)
    return Notice(kind=Kind.ASSIGNED, users=_fund_office(), about=application, subject=f"#{application.pk}",
                  message=_("A fund application to review: %(title)s") % {"title": application.title})


def _instalments(application: FundApplication, values) -> list[Decimal]:
    milestones = list(application.milestones.order_by("sequence"))
    if not isinstance(values, list | tuple) or len(values) != len(milestones):
        raise ValidationError({"instalments": _("Give one instalment for each of the %(n)s milestones.") % {
            "n": len(milestones)}})
    return [_positive(value, "instalments") for value in values]


@APPLICATION_FLOW.effect("award")
def _award(application, step):
    amount = _positive(step.data["amount"], "amount")
    if amount > application.amount_requested:
        raise ValidationError({"amount": _("More than was requested (%(requested)s yuan).") % {
            "requested": f"{application.amount_requested:,.2f}"}})
    instalments = _instalments(application, step.data["instalments"])
    if sum(instalments) != amount:
        raise ValidationError({"instalments": _("The instalments add up to %(sum)s yuan, not the award of "
                                                "%(amount)s yuan.") % {"sum": f"{sum(instalments):,.2f}",
                                                                       "amount": f"{amount:,.2f}"}})
    call = application.call
    require_within_budget(Programme.INNOVATION, call.year, amount)  # locks the year: the call's sum below holds too
    in_call = FundApplication.objects.filter(call=call, status__in=FundApplication.FUNDED).exclude(
        pk=application.pk).aggregate(total=Sum("awarded_amount"))["total"] or Decimal("0")
    if amount > call.budget_share - in_call:
        remaining = max(call.budget_share - in_call, Decimal("0"))
        raise OverBudget(_("This would exceed the call's share of %(share)s yuan: %(remaining)s yuan remain.")
                         % {"share": f"{call.budget_share:,.2f}", "remaining": f"{remaining:,.2f}"}, remaining)
    for milestone, instalment in zip(application.milestones.order_by("sequence"), instalments, strict=True):
        milestone.instalment = instalment
        milestone.save(update_fields=["instalment"])
    application.awarded_amount = amount
    return _decided(application, step, _("Awarded %(amount)s yuan: %(title)s") % {
        "amount": f"{amount:,.2f}", "title": application.title})


@APPLICATION_FLOW.effect("reject")
def _reject(application, step):
    application.decision_note = step.data["reason"].strip()[:300]
    return _decided(application, step, _("Not funded: %(title)s") % {"title": application.title})


def _decided(application, step, message: str) -> Notice:
    application.decided_on = timezone.localdate(step.now)
    application.decision_note = application.decision_note or str(step.data.get("note") or "").strip()[:300]
    return Notice(kind=Kind.CLOSED, users=_applicant_people(application), about=application,
                  subject=f"#{application.pk}", message=message)


@transaction.atomic
def application_act(*, user, application: FundApplication, action: str, **data) -> FundApplication:
    """submit; review; award (amount, instalments: one per milestone, adding up to it; within budget);
    reject (reason); start (the agreement is signed); complete (every instalment released)."""
    application = FundApplication.objects.select_for_update().select_related("call").get(pk=application.pk)
    notice = APPLICATION_FLOW.act(user, application, action, data)
    _save(application)
    if notice is not None:
        notify([notice])
    return application


@transaction.atomic
def review_score(*, user, application: FundApplication, innovation: int, feasibility: int, benefit: int,
                 budget: int, comment: str = "") -> FundReview:
    """A reviewer's scores (0 to the scale on each criterion), once per reviewer; the average follows."""
    require_district(user)
    application = FundApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != FS.UNDER_REVIEW:
        raise Conflict(_("Applications are scored while under review."), code="wrong_state")
    scores = {"innovation": innovation, "feasibility": feasibility, "benefit": benefit, "budget": budget}
    outside = {name: _("Give a score from 0 to %(scale)s.") % {"scale": FundReview.SCALE}
               for name, value in scores.items() if not isinstance(value, int) or not 0 <= value <= FundReview.SCALE}
    if outside:
        raise ValidationError(outside)
    if application.reviews.filter(reviewer=user).exists():
        raise Conflict(_("You have already scored this application."), code="already_scored")
    review = _save(FundReview(application=application, reviewer=user, comment=comment.strip(), **scores))
    totals = [r.total for r in application.reviews.all()]
    application.average_score = (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.01"))
    application.save(update_fields=["average_score"])
    return review


# --- instalments ----------------------------------------------------------------------------------


@INSTALMENT_FLOW.effect("report")
def _report(milestone, step):
    milestone.report, milestone.reported_on = step.data["report"].strip(), timezone.localdate(step.now)
    return Notice(kind=Kind.ASSIGNED, users=_fund_office(), about=milestone.application,
                  subject=f"#{milestone.application_id}",
                  message=_("Milestone reported done: %(title)s") % {"title": milestone.title})


@INSTALMENT_FLOW.effect("accept")
def _accept(milestone, step):
    milestone.released_on = timezone.localdate(step.now)
    return Notice(kind=Kind.CLOSED, users=_applicant_people(milestone.application), about=milestone.application,
                  subject=f"#{milestone.application_id}",
                  message=_("Instalment of %(amount)s yuan released: %(title)s") % {
                      "amount": f"{milestone.instalment:,.2f}", "title": milestone.title})


@INSTALMENT_FLOW.effect("return")
def _return(milestone, step):
    milestone.returned_reason = step.data["reason"].strip()[:300]
    return Notice(kind=Kind.RETURNED, users=_applicant_people(milestone.application), about=milestone.application,
                  subject=f"#{milestone.application_id}",
                  message=_("Milestone report returned: %(reason)s") % {"reason": milestone.returned_reason})


@transaction.atomic
def milestone_act(*, user, milestone: FundMilestone, action: str, **data) -> FundMilestone:
    """report (what was done), accept (releases the instalment; the last one closes the project), return (reason)."""
    application = FundApplication.objects.select_for_update().get(pk=milestone.application_id)
    milestone = FundMilestone.objects.select_for_update().get(pk=milestone.pk)
    milestone.application = application
    notices = [INSTALMENT_FLOW.act(user, milestone, action, data)]
    _save(milestone)
    if action == "accept" and APPLICATION_FLOW.refusal(user, application, "complete") is None:
        notices.append(APPLICATION_FLOW.act(user, application, "complete"))
        _save(application)
    notify([notice for notice in notices if notice is not None])
    return milestone


# --- the organisation's own people ----------------------------------------------------------------


@transaction.atomic
def member_add(*, user, organisation, username: str, full_name: str, password: str | None = None,
               email: str = "") -> OrganisationMember:
    """Give a person of the organisation a login that sees and submits its fund applications."""
    from django.contrib.auth.models import Group

    if not scope_of(user).acts_in_area(organisation.area_code):
        raise PermissionDenied(_("You do not serve this organisation's area."))
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    person = User(username=username, email=email)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean()
    person.save()
    person.groups.add(Group.objects.get(name=MEMBER_GROUP))
    return _save(OrganisationMember(organisation=organisation, user=person, full_name=full_name.strip()))
