"""The platform's roles: one Django group each, with the model permissions of the role.

A role says *what kind* of thing a person may do; where they may do it is their scope
(object permissions on grids, departments and stations, see ``grids.selectors.scope_of``).
"""
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

PLATFORM_APPS = ("grids", "cases", "community", "orgs", "evaluation")


class Role(TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community workstation staff")
    STREET_DISPATCHER = "street_dispatcher", _("Street sub-centre dispatcher")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISTRICT_COMMANDER = "district_commander", _("District command centre")
    EVALUATOR = "evaluator", _("Evaluator")
    AUDITOR = "auditor", _("Auditor")


READ_STRUCTURE = [
    "grids.view_grid",
    "grids.view_community",
    "grids.view_servicestation",
    "grids.view_department",
    "grids.view_departmentstation",
    "grids.view_staffprofile",
]

# "app_label.codename" per role. ALL_VIEW stands for every view permission of the platform's apps.
ALL_VIEW = "*.view"
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.GRID_WORKER: [*READ_STRUCTURE],
    Role.COMMUNITY_STAFF: [*READ_STRUCTURE],
    Role.STREET_DISPATCHER: [*READ_STRUCTURE],
    Role.DEPARTMENT_HANDLER: [*READ_STRUCTURE],
    Role.DISTRICT_COMMANDER: [ALL_VIEW],
    Role.EVALUATOR: [ALL_VIEW],
    Role.AUDITOR: [ALL_VIEW],
}
