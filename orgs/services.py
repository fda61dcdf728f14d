"""State changes of the orgs app: one transaction each, keyword-only, validated, and checked
against the acting user's scope. Filings are decided by the street they are filed at; direct and
supervised registrations, incubation, purchases and awards by the district."""
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grids.models import Community, Grid
from grids.scoping import require_area
from grids.selectors import scope_of

from .models import (
    Award,
    CatalogueItem,
    Complaint,
    IncubationService,
    IncubationSite,
    ProjectMilestone,
    PurchaseProject,
    SocialOrganisation,
    Tenancy,
    credit_code,
)
from .workdays import add_working_days

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


def require_district(user, field: str = "__all__") -> None:
    if not scope_of(user).everywhere:
        raise ValidationError({field: _("Only the district may do this.")})


def _require_decider(user, organisation: SocialOrganisation) -> None:
    """Filings are decided at their street; registrations by the district."""
    if organisation.route == Org.Route.FILING:
        require_area(user, organisation.area_code, "street")
    else:
        require_district(user, "route")


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


def _approve(organisation, data):
    decided_on = data.get("decided_on") or timezone.localdate()
    _not_future(decided_on, "decided_on")
    if decided_on < organisation.applied_on:
        raise ValidationError({"decided_on": _("The decision is dated before the application.")})
    number = (data.get("registration_number") or "").strip().upper()
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


def _reject(organisation, data):
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is refused.")})
    organisation.status, organisation.rejection_reason = Org.Status.REJECTED, reason
    organisation.decided_on = timezone.localdate()
    organisation.is_overdue, organisation.overdue_flagged_at = False, None


def _activate(organisation, data):
    organisation.status, organisation.activated_on = Org.Status.ACTIVE, timezone.localdate()


def _deregister(organisation, data):
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the organisation exits.")})
    organisation.status, organisation.deregistration_reason = Org.Status.DEREGISTERED, reason
    organisation.deregistered_on = timezone.localdate()


# action: (statuses it starts from, what it does)
ORG_TRANSITIONS = {
    "approve": ((Org.Status.APPLIED,), _approve),
    "reject": ((Org.Status.APPLIED,), _reject),
    "activate": ((Org.Status.REGISTERED, Org.Status.FILED), _activate),
    "deregister": ((Org.Status.REGISTERED, Org.Status.FILED, Org.Status.ACTIVE), _deregister),
}
ORG_ACTION_LABELS = {
    "approve": gettext_lazy("Approve"), "reject": gettext_lazy("Refuse"), "activate": gettext_lazy("Mark active"),
    "deregister": gettext_lazy("Deregister (exit)"),
}


def organisation_actions(user, organisation: SocialOrganisation) -> list[str]:
    if not user.has_perm("orgs.change_socialorganisation"):
        return []
    try:
        _require_decider(user, organisation)
    except ValidationError:
        return []
    return [name for name, (sources, _step) in ORG_TRANSITIONS.items() if organisation.status in sources]


@transaction.atomic
def organisation_act(*, user, organisation: SocialOrganisation, action: str, **data) -> SocialOrganisation:
    if action not in ORG_TRANSITIONS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    organisation = Org.objects.select_for_update().get(pk=organisation.pk)
    _require_decider(user, organisation)
    sources, step = ORG_TRANSITIONS[action]
    if organisation.status not in sources:
        raise ValidationError({"action": _("An organisation that is “%(status)s” cannot be moved this way.") % {
            "status": organisation.get_status_display()}})
    step(organisation, data)
    return _save(organisation)


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
    require_district(user, "site")
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
    require_district(user, "site")
    tenancy = Tenancy.objects.select_for_update().get(pk=tenancy.pk)
    ended_on = ended_on or timezone.localdate()
    if tenancy.ended_early_on is not None or ended_on >= tenancy.ends_on:
        raise ValidationError({"ended_on": _("The tenancy has already ended or ends by then anyway.")})
    if ended_on < tenancy.starts_on:
        raise ValidationError({"ended_on": _("A tenancy cannot end before it starts.")})
    tenancy.ended_early_on = ended_on
    return _save(tenancy)


@transaction.atomic
def incubation_service_record(
    *, user, site: IncubationSite, organisation: SocialOrganisation, kind: str, provided_on: date, hours: Decimal,
    note: str = "",
) -> IncubationService:
    require_district(user, "site")
    _require_incubatable(organisation)
    _not_future(provided_on, "provided_on")
    return _save(IncubationService(site=site, organisation=organisation, kind=kind, provided_on=provided_on,
                                   hours=hours, note=note))


# --- government purchase of services --------------------------------------------------------------


@transaction.atomic
def catalogue_item_create(*, user, code: str, name: str, field: str, description: str = "") -> CatalogueItem:
    require_district(user, "code")
    return _save(CatalogueItem(code=code, name=name, field=field, description=description))


@transaction.atomic
def project_create(
    *, user, code: str, title: str, item: CatalogueItem, year: int, budget: Decimal, provider: SocialOrganisation,
    starts_on: date, ends_on: date, street: Grid | None = None,
) -> PurchaseProject:
    require_district(user, "code")
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
    require_district(user, "title")
    if project.status not in (PurchaseProject.Status.CONTRACTED, PurchaseProject.Status.IN_PROGRESS):
        raise ValidationError({"title": _("Milestones are set before acceptance.")})
    if not project.starts_on <= due_on <= project.ends_on:
        raise ValidationError({"due_on": _("The milestone falls outside the project's period.")})
    return _save(ProjectMilestone(project=project, title=title, due_on=due_on))


@transaction.atomic
def project_milestone_done(*, user, milestone: ProjectMilestone, done_on: date | None = None) -> ProjectMilestone:
    require_district(user, "done_on")
    milestone = ProjectMilestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    done_on = done_on or timezone.localdate()
    _not_future(done_on, "done_on")
    if milestone.done_on is not None:
        raise ValidationError({"done_on": _("This milestone is already done.")})
    if milestone.project.status != PurchaseProject.Status.IN_PROGRESS:
        raise ValidationError({"done_on": _("Milestones are completed while the project is in progress.")})
    milestone.done_on = done_on
    return _save(milestone)


def _start(project, data):
    project.status = PurchaseProject.Status.IN_PROGRESS


def _accept(project, data):
    note = (data.get("acceptance_note") or "").strip()
    if not note:
        raise ValidationError({"acceptance_note": _("Record how the project was accepted.")})
    if project.milestones.filter(done_on__isnull=True).exists():
        raise ValidationError({"action": _("Every milestone must be done before acceptance.")})
    project.status, project.acceptance_note = PurchaseProject.Status.ACCEPTED, note
    project.accepted_on = timezone.localdate()


def _assess(project, data):
    score = data.get("assessment_score")
    if score is None or not 0 <= int(score) <= 100:
        raise ValidationError({"assessment_score": _("Give a score from 0 to 100.")})
    project.status, project.assessment_score = PurchaseProject.Status.ASSESSED, int(score)
    project.assessment_grade = PurchaseProject.grade_for(int(score))
    project.assessment_note = (data.get("assessment_note") or "").strip()


def _terminate(project, data):
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the project is terminated.")})
    project.status, project.termination_reason = PurchaseProject.Status.TERMINATED, reason


PS = PurchaseProject.Status
PROJECT_TRANSITIONS = {
    "start": ((PS.CONTRACTED,), _start),
    "accept": ((PS.IN_PROGRESS,), _accept),
    "assess": ((PS.ACCEPTED,), _assess),
    "terminate": ((PS.CONTRACTED, PS.IN_PROGRESS), _terminate),
}
PROJECT_ACTION_LABELS = {
    "start": gettext_lazy("Start"), "accept": gettext_lazy("Accept"), "assess": gettext_lazy("Record assessment"),
    "terminate": gettext_lazy("Terminate"),
}


def project_actions(user, project: PurchaseProject) -> list[str]:
    if not (user.has_perm("orgs.change_purchaseproject") and scope_of(user).everywhere):
        return []
    return [name for name, (sources, _step) in PROJECT_TRANSITIONS.items() if project.status in sources]


@transaction.atomic
def project_act(*, user, project: PurchaseProject, action: str, **data) -> PurchaseProject:
    if action not in PROJECT_TRANSITIONS:
        raise ValidationError({"action": _("Unknown action “%(action)s”.") % {"action": action}})
    require_district(user, "action")
    project = PurchaseProject.objects.select_for_update().get(pk=project.pk)
    sources, step = PROJECT_TRANSITIONS[action]
    if project.status not in sources:
        raise ValidationError({"action": _("A project that is “%(status)s” cannot be moved this way.") % {
            "status": project.get_status_display()}})
    step(project, data)
    return _save(project)


# --- awards ---------------------------------------------------------------------------------------


@transaction.atomic
def award_grant(*, user, organisation: SocialOrganisation, year: int, title: str, amount: Decimal,
                note: str = "") -> Award:
    require_district(user, "organisation")
    if organisation.status not in Org.STANDING:
        raise ValidationError({"organisation": _("Only a registered or filed organisation can be awarded.")})
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("Awards are for this year or past years.")})
    if Award.objects.filter(year=year, organisation=organisation, title=title).exists():
        raise ValidationError({"title": _("The organisation already has this award for the year.")})
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


@transaction.atomic
def complaint_investigate(*, user, complaint: Complaint) -> Complaint:
    complaint = Complaint.objects.select_for_update().select_related("organisation").get(pk=complaint.pk)
    require_area(user, complaint.organisation.area_code, "organisation")
    if complaint.status != Complaint.Status.RECEIVED:
        raise ValidationError({"status": _("The complaint is already being handled.")})
    complaint.status, complaint.handled_by = Complaint.Status.INVESTIGATING, user
    return _save(complaint)


@transaction.atomic
def complaint_close(*, user, complaint: Complaint, finding: str, measure: str, result: str) -> Complaint:
    """Close with a finding and a measure; deregistration takes the organisation out (exit)."""
    complaint = Complaint.objects.select_for_update().select_related("organisation").get(pk=complaint.pk)
    require_area(user, complaint.organisation.area_code, "organisation")
    if complaint.status != Complaint.Status.INVESTIGATING:
        raise ValidationError({"status": _("Investigate the complaint before closing it.")})
    if not result.strip():
        raise ValidationError({"result": _("Write down the result for the complainant.")})
    if finding == Complaint.Finding.NOT_UPHELD and measure != Complaint.Measure.NONE:
        raise ValidationError({"measure": _("A complaint not upheld takes no measure.")})
    if measure == Complaint.Measure.DEREGISTRATION:
        try:
            _require_decider(user, complaint.organisation)
        except ValidationError as error:
            raise ValidationError({"measure": _("Only the authority that registered it may deregister it.")}) from error
    complaint.status, complaint.finding, complaint.measure = Complaint.Status.CLOSED, finding, measure
    complaint.result, complaint.closed_on, complaint.handled_by = result.strip(), timezone.localdate(), user
    _save(complaint)
    if measure == Complaint.Measure.DEREGISTRATION:
        organisation_act(user=user, organisation=complaint.organisation, action="deregister",
                         reason=_("Deregistered after complaint #%(id)s: %(result)s") % {
                             "id": complaint.pk, "result": complaint.result})
    return complaint
