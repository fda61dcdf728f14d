"""The lifecycles of the orgs app on one screen: an organisation's registration or filing, a
purchased project, a complaint, an application to the innovation fund and the instalments paid
against its milestones. Each is a table on the kernel's ``Workflow``; the effects (what an
action records beyond the state) live in ``services.py``, which is the only caller of ``act``.

Who decides: filings at their street (or above), registrations by the district; projects by the
district; complaints by whoever acts in the organisation's area. A complaint closed with
deregistration as its measure takes the organisation's own ``deregister`` step, so only the
organisation's registrar may choose that measure.
"""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import scope_of
from core.workflow import Transition, Workflow

from .models import Complaint, FundApplication, FundMilestone, OrganisationMember, PurchaseProject, SocialOrganisation

OS = SocialOrganisation.Status
FS = FundApplication.Status
IS = FundMilestone.Status
PS = PurchaseProject.Status
CS = Complaint.Status

REGISTRAR = "registrar"  # a filing's street (or the district above it); the district for a registration
DISTRICT = "district"
AREA = "area"  # whoever acts in the area of the organisation concerned
APPLICANT = "applicant"  # the organisation's own people; for a community, whoever acts in it


def is_registrar(user, organisation: SocialOrganisation) -> bool:
    scope = scope_of(user)
    if organisation.route == SocialOrganisation.Route.FILING:
        return scope.acts_in_area(organisation.area_code)
    return scope.everywhere


def acts_for_district(user, obj) -> bool:
    return scope_of(user).everywhere


def acts_in_organisations_area(user, complaint: Complaint) -> bool:
    return scope_of(user).acts_in_area(complaint.organisation.area_code)


def is_applicant(user, application: FundApplication) -> bool:
    if application.organisation_id is not None:
        return OrganisationMember.objects.filter(user_id=user.pk, organisation_id=application.organisation_id).exists()
    return scope_of(user).acts_in_area(application.area_code)


def reports_for_applicant(user, milestone: FundMilestone) -> bool:
    return is_applicant(user, milestone.application)


def call_open(application: FundApplication) -> str | None:
    if not application.call.is_open():
        return _("The call is closed: applications are taken from %(opens)s to %(closes)s.") % {
            "opens": application.call.opens_on, "closes": application.call.closes_on}
    return None


def reviewed(application: FundApplication) -> str | None:
    if not application.reviews.exists():
        return _("At least one reviewer must score the application first.")
    return None


def instalments_released(application: FundApplication) -> str | None:
    if application.milestones.exclude(status=IS.RELEASED).exists():
        return _("Every instalment must be released first.")
    return None


def project_running(milestone: FundMilestone) -> str | None:
    if milestone.application.status != FS.IN_PROGRESS:
        return _("Milestones are reported and paid while the project is in progress.")
    return None


def milestones_done(project: PurchaseProject) -> str | None:
    if project.milestones.filter(done_on__isnull=True).exists():
        return _("Every milestone must be done before acceptance.")
    return None


T = Transition
ORG_TRANSITIONS = {
    # approve: registered, or filed for a filing (the effect decides)
    "approve": T((OS.APPLIED,), None, REGISTRAR, _("Approve")),
    "reject": T((OS.APPLIED,), OS.REJECTED, REGISTRAR, _("Refuse"), needs=("reason",)),
    "activate": T((OS.REGISTERED, OS.FILED), OS.ACTIVE, REGISTRAR, _("Mark active")),
    "deregister": T(SocialOrganisation.STANDING, OS.DEREGISTERED, REGISTRAR, _("Deregister (exit)"),
                    needs=("reason",)),
}
PROJECT_TRANSITIONS = {
    "start": T((PS.CONTRACTED,), PS.IN_PROGRESS, DISTRICT, pgettext_lazy("purchase project step", "Start")),
    "accept": T((PS.IN_PROGRESS,), PS.ACCEPTED, DISTRICT, pgettext_lazy("purchase project step", "Accept"),
                needs=("acceptance_note",),
                guard=milestones_done),
    "assess": T((PS.ACCEPTED,), PS.ASSESSED, DISTRICT, _("Record assessment"), needs=("assessment_score",)),
    "terminate": T((PS.CONTRACTED, PS.IN_PROGRESS), PS.TERMINATED, DISTRICT, _("Terminate"), needs=("reason",)),
}
COMPLAINT_TRANSITIONS = {
    "investigate": T((CS.RECEIVED,), CS.INVESTIGATING, AREA, _("Start the investigation")),
    "close": T((CS.INVESTIGATING,), CS.CLOSED, AREA, pgettext_lazy("complaint step", "Close"),
               needs=("finding", "measure", "result")),
}
APPLICATION_TRANSITIONS = {
    "submit": T((FS.DRAFT,), FS.SUBMITTED, APPLICANT, pgettext_lazy("fund application step", "Submit"),
                guard=call_open),
    "review": T((FS.SUBMITTED,), FS.UNDER_REVIEW, DISTRICT, _("Start the review")),
    "award": T((FS.UNDER_REVIEW,), FS.AWARDED, DISTRICT, pgettext_lazy("fund application step", "Award"),
               needs=("amount", "instalments"), guard=reviewed),
    "reject": T((FS.UNDER_REVIEW,), FS.REJECTED, DISTRICT, _("Do not fund"), needs=("reason",), guard=reviewed),
    "start": T((FS.AWARDED,), FS.IN_PROGRESS, DISTRICT, _("Agreement signed: start")),
    "complete": T((FS.IN_PROGRESS,), FS.COMPLETED, DISTRICT, _("Close the project"), guard=instalments_released),
}
INSTALMENT_TRANSITIONS = {
    "report": T((IS.PLANNED,), IS.REPORTED, APPLICANT, _("Report the milestone done"), needs=("report",),
                guard=project_running),
    "accept": T((IS.REPORTED,), IS.RELEASED, DISTRICT, _("Accept and release the instalment"),
                guard=project_running),
    "return": T((IS.REPORTED,), IS.PLANNED, DISTRICT, _("Return the report"), needs=("reason",),
                guard=project_running),
}

ORGANISATION_FLOW = Workflow("organisation", ORG_TRANSITIONS, deciders={REGISTRAR: is_registrar},
                             permission="orgs.change_socialorganisation")
PROJECT_FLOW = Workflow("purchase project", PROJECT_TRANSITIONS, deciders={DISTRICT: acts_for_district},
                        permission="orgs.change_purchaseproject")
COMPLAINT_FLOW = Workflow("complaint", COMPLAINT_TRANSITIONS, deciders={AREA: acts_in_organisations_area},
                          permission="orgs.change_complaint")
APPLICATION_FLOW = Workflow("fund application", APPLICATION_TRANSITIONS,
                            deciders={APPLICANT: is_applicant, DISTRICT: acts_for_district},
                            permission="orgs.change_fundapplication")
INSTALMENT_FLOW = Workflow("instalment", INSTALMENT_TRANSITIONS,
                           deciders={APPLICANT: reports_for_applicant, DISTRICT: acts_for_district},
                           permission="orgs.change_fundmilestone")
