"""The platform's roles: one Django group each, with the model permissions of the role.

A role says *what kind* of thing a person may do; where they may do it is their scope
(object permissions on grids, departments and stations, see ``grids.selectors.scope_of``).
Each app lists what its models grant to each role in ``<app>/roles.py`` as ``ROLE_PERMISSIONS``;
``role_permissions()`` is the merged table.
"""
from importlib import import_module

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

PLATFORM_APPS = ("grids", "registers", "patrols", "cases", "community", "orgs", "evaluation")
# Stands for every view permission of the platform's apps.
ALL_VIEW = "*.view"


class Role(TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community workstation staff")
    STREET_DISPATCHER = "street_dispatcher", _("Street sub-centre dispatcher")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISTRICT_COMMANDER = "district_commander", _("District command centre")
    CALL_TAKER = "call_taker", _("Hotline call-taker")
    EVALUATOR = "evaluator", _("Evaluator")
    AUDITOR = "auditor", _("Auditor")


# Roles that read everything in the district.
DISTRICT_READERS = {Role.DISTRICT_COMMANDER: [ALL_VIEW], Role.EVALUATOR: [ALL_VIEW], Role.AUDITOR: [ALL_VIEW]}


def role_of(user) -> str | None:
    """The platform role of a logged-in staff member (None for residents and bare admin logins)."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile else None


def _role_modules():
    for app in PLATFORM_APPS:
        try:
            yield import_module(f"{app}.roles")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.roles":
                raise


def role_permissions() -> dict[str, list[str]]:
    """{role: ["app_label.codename", ...]} merged from every app's ``roles.ROLE_PERMISSIONS``."""
    merged: dict[str, list[str]] = {role: list(specs) for role, specs in DISTRICT_READERS.items()}
    for role in Role:
        merged.setdefault(role, [])
    for module in _role_modules():
        for role, specs in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[role].extend(specs)
    return merged


def sensitive_permissions() -> list[str]:
    """View permissions ``ALL_VIEW`` leaves out (residents' personal records): an app lists them in
    ``roles.SENSITIVE_VIEW`` and grants them to the roles that may see them by name."""
    return [spec for module in _role_modules() for spec in getattr(module, "SENSITIVE_VIEW", [])]
