"""The platform's roles: one Django group each, with the model permissions of the role.

A role says *what kind* of thing a person may do; where they may do it is their scope
(object permissions on grids, departments and stations, see ``grids.selectors.scope_of``).
Each app lists what its models grant to each role in ``<app>/roles.py`` as ``ROLE_PERMISSIONS``;
``role_permissions()`` is the merged table.
"""
from importlib import import_module

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

PLATFORM_APPS = ("grids", "cases", "community", "orgs", "evaluation")
# Stands for every view permission of the platform's apps.
ALL_VIEW = "*.view"


class Role(TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community workstation staff")
    STREET_DISPATCHER = "street_dispatcher", _("Street sub-centre dispatcher")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISTRICT_COMMANDER = "district_commander", _("District command centre")
    EVALUATOR = "evaluator", _("Evaluator")
    AUDITOR = "auditor", _("Auditor")


# Roles that read everything in the district.
DISTRICT_READERS = {Role.DISTRICT_COMMANDER: [ALL_VIEW], Role.EVALUATOR: [ALL_VIEW], Role.AUDITOR: [ALL_VIEW]}


def role_permissions() -> dict[str, list[str]]:
    """{role: ["app_label.codename", ...]} merged from every app's ``roles.ROLE_PERMISSIONS``."""
    merged: dict[str, list[str]] = {role: list(specs) for role, specs in DISTRICT_READERS.items()}
    for role in Role:
        merged.setdefault(role, [])
    for app in PLATFORM_APPS:
        try:
            module = import_module(f"{app}.roles")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.roles":
                raise
            continue
        for role, specs in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[role].extend(specs)
    return merged
