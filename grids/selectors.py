"""Read queries of the grids app, and where each user serves (``load_scope``, the platform's
``SCOPE_LOADER``: ``core.scoping.scope_of`` caches it and ``visible_to`` filters by it).

Scope is the union of the user's object permissions (direct or through groups): ``serve_grid``
on grid nodes (inherited down the tree: a grid code covers every code it prefixes),
``serve_department`` on departments and ``serve_station`` on department stations.
"""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.scoping import Scope

from .models import (
    DepartmentGroupObjectPermission,
    DepartmentUserObjectPermission,
    Grid,
    GridGroupObjectPermission,
    GridUserObjectPermission,
    StaffProfile,
    StationGroupObjectPermission,
    StationUserObjectPermission,
    StreetUnit,
)

User = get_user_model()


def _minimal_roots(codes: set[str]) -> tuple[str, ...]:
    """Drop codes already covered by a shorter one (a street makes its grids redundant)."""
    roots = []
    for code in sorted(codes, key=lambda c: (len(c), c)):
        if not any(code.startswith(root) for root in roots):
            roots.append(code)
    return tuple(sorted(roots))


def _held(user_model, group_model, user, codename: str, field: str) -> set:
    direct = user_model.objects.filter(user=user, permission__codename=codename).values_list(field, flat=True)
    grouped = group_model.objects.filter(group__user=user, permission__codename=codename).values_list(field, flat=True)
    return set(direct) | set(grouped)


def load_scope(user) -> Scope:
    """Where the user serves, read from their object permissions (uncached: see ``scope_of``)."""
    if user.is_superuser:
        district = (settings.DISTRICT_CODE,)
        return Scope(grid_codes=district, viewing_codes=district)
    grid_codes = _minimal_roots(
        _held(GridUserObjectPermission, GridGroupObjectPermission, user, "serve_grid", "content_object__code"))
    department_ids = frozenset(_held(DepartmentUserObjectPermission, DepartmentGroupObjectPermission, user,
                                     "serve_department", "content_object_id"))
    station_ids = frozenset(_held(StationUserObjectPermission, StationGroupObjectPermission, user, "serve_station",
                                  "content_object_id"))
    return Scope(grid_codes=grid_codes, department_ids=department_ids, station_ids=station_ids,
                 viewing_codes=_viewing_codes(grid_codes, department_ids, station_ids))


def _viewing_codes(grid_codes: tuple[str, ...], department_ids, station_ids) -> tuple[str, ...]:
    """The grids a user may look at: their own, widened for department staff to the streets their
    stations sit in (for a department-wide handler, the whole district)."""
    if department_ids:
        return (settings.DISTRICT_CODE,)
    if station_ids:
        streets = StreetUnit.objects.filter(id__in=station_ids).values_list("street__code", flat=True)
        return _minimal_roots(set(grid_codes) | set(streets))
    return grid_codes


def grid_get_for_user(user, code: str) -> Grid:
    """The grid with this code if the user may see it; Http404 otherwise (missing or forbidden alike)."""
    return get_object_or_404(Grid.objects.visible_to(user), code=code)


def public_staff_of_grid(code: str) -> QuerySet[StaffProfile]:
    """The real-name listing (实名制公示) of a grid: who serves there, their duties and phone."""
    return StaffProfile.objects.filter(home_grid__code=code, listed_publicly=True, user__is_active=True).order_by(
        "force_group", "full_name"
    )


def team_members(team: StreetUnit) -> QuerySet:
    """The active handlers serving a joint enforcement team, with the station each comes from."""
    return (User.objects.filter(is_active=True, stationuserobjectpermission__content_object=team,
                                stationuserobjectpermission__permission__codename="serve_station")
            .select_related("staff_profile__station").order_by("staff_profile__station__department_id",
                                                                "staff_profile__full_name"))
