"""Read queries of the grids app, and the one answer to "where may this user see and act?".

Scope is the union of the user's object permissions (direct or through groups):
``serve_grid`` on grid nodes (inherited down the tree: a grid code covers every code it
prefixes), ``serve_department`` on departments and ``serve_station`` on department stations.
Every list and detail a user can reach, page or API, filters through ``scope_of``.
"""
import uuid
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Department,
    DepartmentGroupObjectPermission,
    DepartmentStation,
    DepartmentUserObjectPermission,
    Grid,
    GridGroupObjectPermission,
    GridUserObjectPermission,
    StaffProfile,
    StationGroupObjectPermission,
    StationUserObjectPermission,
)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    grid_codes: tuple[str, ...] = ()  # roots; each covers itself and every grid below it
    department_ids: frozenset[int] = frozenset()
    station_ids: frozenset[int] = frozenset()

    @property
    def everywhere(self) -> bool:
        return settings.DISTRICT_CODE in self.grid_codes

    @property
    def is_empty(self) -> bool:
        return not (self.grid_codes or self.department_ids or self.station_ids)

    def covers_grid_code(self, code: str) -> bool:
        return any(code.startswith(root) for root in self.grid_codes)

    def grid_q(self, code_field: str = "code") -> Q:
        """A filter on a grid-code field matching every grid in scope."""
        if self.everywhere:
            return Q()
        if not self.grid_codes:
            return NOTHING
        return reduce(or_, (Q(**{f"{code_field}__startswith": root}) for root in self.grid_codes))


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


SCOPE_SECONDS = 300
SCOPE_GENERATION_KEY = "scope:generation"


def forget_scopes(**kwargs) -> None:
    """Any grant or withdrawal of scope, role permission or group membership starts a new
    generation of cached scopes and permissions."""
    cache.set(SCOPE_GENERATION_KEY, uuid.uuid4().hex, None)


def access_generation() -> str:
    return cache.get(SCOPE_GENERATION_KEY) or ""


def scope_of(user) -> Scope:
    """Where the user serves: kept on the user object for the request and in the cache across
    requests (a new generation whenever any scope changes, see ``forget_scopes``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, "_haidian_scope", None)
    if cached is not None:
        return cached
    key = f"scope:{access_generation()}:{user.pk}"
    scope = cache.get(key)
    if scope is None:
        scope = _load_scope(user)
        cache.set(key, scope, SCOPE_SECONDS)
    user._haidian_scope = scope
    return scope


def _load_scope(user) -> Scope:
    if user.is_superuser:
        scope = Scope(grid_codes=(settings.DISTRICT_CODE,))
    else:
        scope = Scope(
            grid_codes=_minimal_roots(
                _held(GridUserObjectPermission, GridGroupObjectPermission, user, "serve_grid", "content_object__code")
            ),
            department_ids=frozenset(
                _held(DepartmentUserObjectPermission, DepartmentGroupObjectPermission, user, "serve_department",
                      "content_object_id")
            ),
            station_ids=frozenset(
                _held(StationUserObjectPermission, StationGroupObjectPermission, user, "serve_station",
                      "content_object_id")
            ),
        )
    return scope


def _viewing_scope(user) -> Scope:
    """The grids a user may look at: their own scope, widened for department staff to the
    streets their stations sit in (or the whole district for a department-wide handler)."""
    scope = scope_of(user)
    if scope.department_ids:
        return Scope(grid_codes=(settings.DISTRICT_CODE,))
    if scope.station_ids:
        streets = DepartmentStation.objects.filter(id__in=scope.station_ids).values_list("street__code", flat=True)
        return Scope(grid_codes=_minimal_roots(set(scope.grid_codes) | set(streets)))
    return scope


def grids_visible_to(user) -> QuerySet[Grid]:
    return Grid.objects.filter(_viewing_scope(user).grid_q("code"))


def grid_get_for_user(user, code: str) -> Grid:
    """The grid with this code if the user may see it; Http404 otherwise (missing or forbidden alike)."""
    return get_object_or_404(grids_visible_to(user), code=code)


def departments_visible_to(user) -> QuerySet[Department]:
    # The departments and their stations are the district's public organisation chart.
    if not getattr(user, "is_authenticated", False):
        return Department.objects.none()
    return Department.objects.all()


def stations_visible_to(user) -> QuerySet[DepartmentStation]:
    if not getattr(user, "is_authenticated", False):
        return DepartmentStation.objects.none()
    return DepartmentStation.objects.all()


def staff_visible_to(user) -> QuerySet[StaffProfile]:
    """Colleagues in the user's grids (including the home grid of anyone listed there), their
    department or stations, and themselves."""
    scope = _viewing_scope(user)
    if not getattr(user, "is_authenticated", False):
        return StaffProfile.objects.none()
    query = scope.grid_q("home_grid__code") if scope.grid_codes else NOTHING
    own = scope_of(user)
    if own.department_ids:
        query |= Q(department_id__in=own.department_ids)
    if own.station_ids:
        query |= Q(station_id__in=own.station_ids)
    query |= Q(user=user)
    return StaffProfile.objects.filter(query)


def public_staff_of_grid(code: str) -> QuerySet[StaffProfile]:
    """The real-name listing (实名制公示) of a grid: who serves there, their duties and phone."""
    return StaffProfile.objects.filter(home_grid__code=code, listed_publicly=True, user__is_active=True).order_by(
        "force_group", "full_name"
    )
