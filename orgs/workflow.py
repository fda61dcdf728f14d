"""The lifecycles of the orgs app on one screen: an organisation's registration or filing, a
purchased project, a complaint. Each is a table on the kernel's ``Workflow``; the effects (what an
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

from .models import Complaint, PurchaseProject, SocialOrganisation

OS = SocialOrganisation.Status
PS = PurchaseProject.Status
CS = Complaint.Status

REGISTRAR = "registrar"  # a filing's street (or the district above it); the district for a registration
DISTRICT = "district"
AREA = "area"  # whoever acts in the area of the organisation concerned


def is_registrar(user, organisation: SocialOrganisation) -> bool:
    scope = scope_of(user)
    if organisation.route == SocialOrganisation.Route.FILING:
        return scope.acts_in_area(organisation.area_code)
    return scope.everywhere


def acts_for_district(user, obj) -> bool:
    return scope_of(user).everywhere


def acts_in_organisations_area(user, complaint: Complaint) -> bool:
    return scope_of(user).acts_in_area(complaint.organisation.area_code)


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

ORGANISATION_FLOW = Workflow("organisation", ORG_TRANSITIONS, deciders={REGISTRAR: is_registrar},
                             permission="orgs.change_socialorganisation")
PROJECT_FLOW = Workflow("purchase project", PROJECT_TRANSITIONS, deciders={DISTRICT: acts_for_district},
                        permission="orgs.change_purchaseproject")
COMPLAINT_FLOW = Workflow("complaint", COMPLAINT_TRANSITIONS, deciders={AREA: acts_in_organisations_area},
                          permission="orgs.change_complaint")
