"""State changes of the orgs app: one transaction each, keyword-only, validated, and checked
against the acting user. The lifecycles (who may take which step from which state) are the tables
in ``workflow.py``; their effects are registered here, beside the services that lock, act and
save. Incubation, purchases and awards are the district's work."""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import add_working_days
from core.errors import Conflict
from core.scoping import scope_of
from grids.models import Community, Grid
from grids.scoping import require_area

from .budgets import require_within_budget
from .models import (
    Award,
    CatalogueItem,
    Complaint,
    FundBudget,
    IncubationService,
    IncubationSite,
    ProjectMilestone,
    PurchaseProject,
    SocialOrganisation,
    Tenancy,
    credit_code,
)
from .workflow import COMPLAINT_FLOW, ORGANISATION_FLOW, PROJECT_FLOW

Org = SocialOrganisation
# Approval limits in working days ("approval in 5–10 days"): filings at the street are quicker.
APPROVAL_LIMIT_WORKING_DAYS = {Org.Route.FILING: 5, Org.Route.DIRECT: 10, Org.Route.SUPERVISED: 10}


def _save(obj, **clean_kwargs):
    obj.full_clean(**clean_kwargs)
    obj.save()
    return obj


def _not_future(value: date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def require_district(user) -> None:
    if not scope_of(user).everywhere:
        raise PermissionDenied(_("Only the district may do this."))


# --- registration and filing ----------------------------------------------------------------------


@transaction.atomic
def organisation_apply(
    *, user, name: str, kind: str, field: str, purpose: str, legal_representative: str, contact_phone: str,
    street: Grid | None = None, community: Community | None = None, address: str = "",
    applied_on: date | None = None,
) -> SocialOrganisation:
    """Record an application; the decision falls due after the route's working-day limit."""
    route = Org.route_for(kind, field)
    if community is not None:
        if street is not None and community.street_id != street.id:
            raise ValidationError({"community": _("The community is not in this street.")})
        street = community.street
    if route == Org.Route.FILING and street is None:
        raise ValidationError({"street": _("A community social organisation is filed at its street.")})
    area_code = street.code if street else settings.DISTRICT_CODE
    require_area(user, area_code, "street")
    applied_on = applied_on or timezone.localdate()
    _not_future(applied_on, "applied_on")
    organisation = Org(
        name=name.strip(), kind=kind, field=field, route=route, street=street, community=community,
        area_code=area_code, purpose=purpose, legal_representative=legal_representative,
        contact_phone=contact_phone, address=address, applied_on=applied_on,
        decision_due_on=add_working_days(applied_on, APPROVAL_LIMIT_WORKING_DAYS[route]),
    )
    organisation.is_overdue = organisation.decision_due_on < timezone.localdate()
    if organisation.is_overdue:
        organisation.overdue_flagged_at = timezone.now()
    return _save(organisation)


@ORGANISATION_FLOW.effect("approve")
def _approve(organisation, step):
    decided_on = step.data.get("decided_on") or timezone.localdate(step.now)
    _not_future(decided_on, "decided_on")
    if decided_on < organisation.applied_on:
        raise ValidationError({"decided_on": _("The decision is dated before the application.")})
    number = (step.data.get("registration_number") or "").strip().upper()
    if organisation.route == Org.Route.FILING:
        number = number or f"BA{organisation.area_code}{organisation.pk:05d}"
        organisation.status = Org.Status.FILED
    else:
        if not number:
            raise ValidationError({"registration_number": _("Give the unified social credit code.")})
        try:
            credit_code(number)
        except ValidationError as error:
            raise ValidationError({"registration_number": error.messages}) from error
        organisation.status = Org.Status.REGISTERED
    if Org.objects.filter(registration_number=number).exclude(pk=organisation.pk).exists():
        raise ValidationError({"registration_number": _("Another organisation has this number.")})
    organisation.registration_number, organisation.decided_on = number, decided_on
    organisation.is_overdue, organisation.overdue_flagged_at = False, None


@ORGANISATION_FLOW.effect("reject")
def _reject(organisation, step):
    organisation.rejection_reason, organisation.decided_on = step.data["reason"].strip(), timezone.localdate(step.now)
    organisation.is_overdue, organisation.overdue_flagged_at = False, None


@ORGANISATION_FLOW.effect("activate")
def _activate(organisation, step):
    organisation.activated_on = timezone.localdate(step.now)


@ORGANISATION_FLOW.effect("deregister")
def _deregister(organisation, step):
    organisation.deregistration_reason = step.data["reason"].strip()
    organisation.deregistered_on = timezone.localdate(step.now)


def _organisation_step(user, organisation: SocialOrganisation, action: str, data: dict) -> SocialOrganisation:
    """Take a step on an organisation the caller has locked, and save it."""
    ORGANISATION_FLOW.act(user, organisation, action, data)
    return _save(organisation)


@transaction.atomic
def organisation_act(*, user, organisation: SocialOrganisation, action: str, **data) -> SocialOrganisation:
    """approve (registration number; filings get one), reject (reason), activate, deregister (reason)."""
    organisation = Org.objects.select_for_update().get(pk=organisation.pk)
    return _organisation_step(user, organisation, action, data)


def organisations_flag_overdue(*, today: date | None = None) -> int:
    """Flag applications past their working-day limit. Conditional: safe to run twice."""
    today = today or timezone.localdate()
    return Org.objects.filter(status=Org.Status.APPLIED, is_overdue=False, decision_due_on__lt=today).update(
        is_overdue=True, overdue_flagged_at=timezone.now()
    )


# --- incubation -----------------------------------------------------------------------------------


def _require_incubatable(organisation: SocialOrganisation) -> None:
    if organisation.status in (Org.Status.DEREGISTERED, Org.Status.REJECTED):
        raise ValidationError({"organisation": _("This organisation has exited or was refused.")})


@transaction.atomic
def tenancy_create(
    *, user, site: IncubationSite, organisation: SocialOrganisation, room: str, area_m2: int, starts_on: date,
    ends_on: date,
) -> Tenancy:
    require_district(user)
    site = IncubationSite.objects.select_for_update().get(pk=site.pk)  # serialises the space check
    _require_incubatable(organisation)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("A tenancy must end after it starts.")})
    overlapping = [t for t in site.tenancies.filter(starts_on__lte=ends_on) if t.last_day >= starts_on]
    if any(t.room == room.strip() for t in overlapping):
        raise ValidationError({"room": _("This room is let for part of that period.")})
    taken = sum(t.area_m2 for t in overlapping)
    if taken + area_m2 > site.area_m2:
        raise ValidationError({"area_m2": _("Only %(free)s m² of the site are free in that period.") % {
            "free": max(site.area_m2 - taken, 0)}})
    return _save(Tenancy(site=site, organisation=organisation, room=room.strip(), area_m2=area_m2,
                         starts_on=starts_on, ends_on=ends_on))


@transaction.atomic
def tenancy_end(*, user, tenancy: Tenancy, ended_on: date | None = None) -> Tenancy:
    require_district(user)
    tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
    if tenancy.ended_early_on is not None:
        raise Conflict(_("The tenancy has already ended."), code="wrong_state")
    ended_on = ended_on or timezone.localdate()
    if ended_on >= tenancy.ends_on:
        raise ValidationError({"ended_on": _("The tenancy ends by then anyway.")})
    if ended_on < tenancy.starts_on:
        raise ValidationError({"ended_on": _("A tenancy cannot end before it starts.")})
    tenancy.ended_early_on = ended_on
    return _save(tenancy)


@transaction.atomic
def incubation_service_record(
    *, user, site: IncubationSite, organisation: SocialOrganisation, kind: str, provided_on: date, hours: Decimal,
    note: str = "",
) -> IncubationService:
    require_district(user)
    _require_incubatable(organisation)
    _not_future(provided_on, "provided_on")
    return _save(IncubationService(site=site, organisation=organisation, kind=kind, provided_on=provided_on,
                                   hours=hours, note=note))


# --- government purchase of services --------------------------------------------------------------


@transaction.atomic
def catalogue_item_create(*, user, code: str, name: str, field: str, description: str = "") -> CatalogueItem:
    require_district(user)
    return _save(CatalogueItem(code=code, name=name, field=field, description=description))


@transaction.atomic
def project_create(
    *, user, code: str, title: str, item: CatalogueItem, year: int, budget: Decimal, provider: SocialOrganisation,
    starts_on: date, ends_on: date, street: Grid | None = None,
) -> PurchaseProject:
    require_district(user)
    if not item.active:
        raise ValidationError({"item": _("This service is no longer in the catalogue.")})
    if provider.status not in Org.STANDING:
        raise ValidationError({"provider": _("Only a registered or filed organisation can be contracted.")})
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The project must end after it starts.")})
    if street is not None and street.level != Grid.Level.STREET:
        raise ValidationError({"street": _("Choose a street or town.")})
    return _save(PurchaseProject(
        code=code, title=title, item=item, year=year, budget=budget, provider=provider, street=street,
        area_code=street.code if street else settings.DISTRICT_CODE, starts_on=starts_on, ends_on=ends_on,
    ))


@transaction.atomic
def project_milestone_add(*, user, project: PurchaseProject, title: str, due_on: date) -> ProjectMilestone:
    require_district(user)
    project = PurchaseProject.objects.select_for_update().get(pk=project.pk)
    if project.status not in (PurchaseProject.Status.CONTRACTED, PurchaseProject.Status.IN_PROGRESS):
        raise Conflict(_("Milestones are set before acceptance."), code="wrong_state")
    if not project.starts_on <= due_on <= project.ends_on:
        raise ValidationError({"due_on": _("The milestone falls outside the project's period.")})
    return _save(ProjectMilestone(project=project, title=title, due_on=due_on))


@transaction.atomic
def project_milestone_done(*, user, milestone: ProjectMilestone, done_on: date | None = None) -> ProjectMilestone:
    require_district(user)
    milestone = ProjectMilestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise Conflict(_("This milestone is already done."), code="wrong_state")
    if milestone.project.status != PurchaseProject.Status.IN_PROGRESS:
        raise Conflict(_("Milestones are completed while the project is in progress."), code="wrong_state")
    done_on = done_on or timezone.localdate()
    _not_future(done_on, "done_on")
    milestone.done_on = done_on
    return _save(milestone)


@PROJECT_FLOW.effect("accept")
def _accept(project, step):
    project.acceptance_note, project.accepted_on = step.data["acceptance_note"].strip(), timezone.localdate(step.now)


@PROJECT_FLOW.effect("assess")
def _assess(project, step):
    score = int(step.data["assessment_score"])
    if not 0 <= score <= 100:
        raise ValidationError({"assessment_score": _("Give a score from 0 to 100.")})
    project.assessment_score, project.assessment_grade = score, PurchaseProject.grade_for(score)
    project.assessment_note = (step.data.get("assessment_note") or "").strip()


@PROJECT_FLOW.effect("terminate")
def _terminate(project, step):
    project.termination_reason = step.data["reason"].strip()


@transaction.atomic
def project_act(*, user, project: PurchaseProject, action: str, **data) -> PurchaseProject:
    """start, accept (note; every milestone done), assess (score 0–100), terminate (reason)."""
    project = PurchaseProject.objects.select_for_update().get(pk=project.pk)
    PROJECT_FLOW.act(user, project, action, data)
    return _save(project)


# --- awards ---------------------------------------------------------------------------------------


@transaction.atomic
def award_grant(*, user, organisation: SocialOrganisation, year: int, title: str, amount: Decimal,
                note: str = "") -> Award:
    """Within the year's awards budget (1.2 M yuan a year), checked with the budget row locked."""
    require_district(user)
    if organisation.status not in Org.STANDING:
        raise ValidationError({"organisation": _("Only a registered or filed organisation can be awarded.")})
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("Awards are for this year or past years.")})
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if Award.objects.filter(year=year, organisation=organisation, title=title).exists():
        raise ValidationError({"title": _("The organisation already has this award for the year.")})
    require_within_budget(FundBudget.Programme.AWARDS, year, amount)
    return _save(Award(organisation=organisation, year=year, title=title, amount=amount, note=note))


# --- complaints -----------------------------------------------------------------------------------


@transaction.atomic
def complaint_receive(
    *, organisation: SocialOrganisation, channel: str, content: str, complainant_name: str = "",
    complainant_phone: str = "", user=None,
) -> Complaint:
    """A report from the public (the disclosure page) or taken down by staff."""
    if organisation.status not in Org.STANDING:
        raise ValidationError({"organisation": _("Reports concern registered or filed organisations.")})
    if user is not None and user.is_authenticated:
        require_area(user, organisation.area_code, "organisation")
    return _save(Complaint(organisation=organisation, channel=channel, content=content.strip(),
                           complainant_name=complainant_name.strip(), complainant_phone=complainant_phone.strip()))


@COMPLAINT_FLOW.effect("investigate")
def _investigate(complaint, step):
    complaint.handled_by = step.user


@COMPLAINT_FLOW.effect("close")
def _close(complaint, step):
    """Close with a finding and a measure; deregistration is the organisation's own exit step."""
    finding, measure = step.data["finding"], step.data["measure"]
    if finding == Complaint.Finding.NOT_UPHELD and measure != Complaint.Measure.NONE:
        raise ValidationError({"measure": _("A complaint not upheld takes no measure.")})
    complaint.finding, complaint.measure, complaint.result = finding, measure, step.data["result"].strip()
    complaint.closed_on, complaint.handled_by = timezone.localdate(step.now), step.user
    if measure == Complaint.Measure.DEREGISTRATION:
        reason = _("Deregistered after complaint #%(id)s: %(result)s") % {
            "id": complaint.pk, "result": complaint.result}
        try:
            _organisation_step(step.user, complaint.organisation, "deregister", {"reason": reason})
        except PermissionDenied as error:
            raise PermissionDenied(_("Only the authority that registered it may deregister it.")) from error


@transaction.atomic
def complaint_act(*, user, complaint: Complaint, action: str, **data) -> Complaint:
    """investigate, or close with a finding, a measure and the result for the complainant."""
    # The organisation is locked with the complaint: closing may deregister it.
    complaint = Complaint.objects.select_for_update().select_related("organisation").get(pk=complaint.pk)
    COMPLAINT_FLOW.act(user, complaint, action, data)
    return _save(complaint)
