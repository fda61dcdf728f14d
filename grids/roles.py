from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from core.roles import ALL_VIEW, PLATFORM_APPS, Role, role_permissions, sensitive_permissions

READ_STRUCTURE = [
    "grids.view_grid",
    "grids.view_community",
    "grids.view_servicestation",
    "grids.view_department",
    "grids.view_streetunit",
    "grids.view_staffprofile",
]

ROLE_PERMISSIONS = {
    Role.GRID_WORKER: READ_STRUCTURE,
    Role.COMMUNITY_STAFF: READ_STRUCTURE,
    Role.STREET_DISPATCHER: READ_STRUCTURE,
    Role.DEPARTMENT_HANDLER: READ_STRUCTURE,
    Role.CALL_TAKER: READ_STRUCTURE,  # the desk finds a caller's place by grid and community names
}


def _spec_q(spec: str) -> Q:
    app_label, codename = spec.split(".", 1)
    return Q(content_type__app_label=app_label, codename=codename)


def _permissions_for(specs: list[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for spec in specs:
        if spec == ALL_VIEW:
            sensitive = Q(pk__in=[])
            for name in sensitive_permissions():
                sensitive |= _spec_q(name)
            query |= Q(content_type__app_label__in=PLATFORM_APPS, codename__startswith="view_") & ~sensitive
        else:
            query |= _spec_q(spec)
    return list(Permission.objects.filter(query))


def sync_role_groups() -> None:
    """Make each role's group hold exactly the permissions of the merged role table."""
    for role, specs in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=str(role))
        group.permissions.set(_permissions_for(specs))


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per app, in the order of INSTALLED_APPS, and each app's permissions are created by
    # auth's receiver of its own signal: only after the last app's do they all exist. Syncing once, then, instead of
    # after every app's (23 times a migrate, 10 s of a fresh database's 38).
    if sender is _last_migrated_app():
        sync_role_groups()


def _last_migrated_app():
    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]
