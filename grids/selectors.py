"""Read queries of the grids app, and where each user serves (``load_scope``, the platform's
``SCOPE_LOADER``: ``core.scoping.scope_of`` caches it and ``visible_to`` filters by it).

Scope is the union of the user's object permissions (direct or through groups): ``serve_grid``
on grid nodes (inherited down the tree: a grid code covers every code it prefixes),
``serve_department`` on departments and ``serve_station`` on department stations.
"""
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.scoping import Scope, scope_of

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


# Where a user serves, in one round trip: the six object-permission tables (held directly or through a group, on
# grids, departments and stations), each station with its street's code. A user's first request in an access
# generation reads this (and every user's at once after any grant: see core.access); as seven ORM queries it cost
# about 5 ms of query building and round trips, a quarter of a small page.
_SERVICE_HOLDERS = {
    "grid": (GridUserObjectPermission, GridGroupObjectPermission, "serve_grid"),
    "department": (DepartmentUserObjectPermission, DepartmentGroupObjectPermission, "serve_department"),
    "station": (StationUserObjectPermission, StationGroupObjectPermission, "serve_station"),
}


@functools.cache
def _service_sql() -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    permission, grid, unit, membership = (quote(model._meta.db_table)
                                          for model in (Permission, Grid, StreetUnit, User.groups.through))
    code_of = {  # the code read with each kind's object: a grid's own, a station's street's
        "grid": ("g.code", f"JOIN {grid} g ON g.id = p.content_object_id"),
        "department": ("NULL", ""),
        "station": ("g.code", f"JOIN {unit} u ON u.id = p.content_object_id JOIN {grid} g ON g.id = u.street_id"),
    }
    holders = ("p.user_id = %s", f"p.group_id IN (SELECT group_id FROM {membership} WHERE user_id = %s)")
    return " UNION ALL ".join(
        f"SELECT '{kind}', p.content_object_id, {code_of[kind][0]} FROM {quote(model._meta.db_table)} p "
        f"JOIN {permission} ap ON ap.id = p.permission_id {code_of[kind][1]} WHERE {holder} AND ap.codename = %s"
        for kind, (*models, _codename) in _SERVICE_HOLDERS.items()
        for model, holder in zip(models, holders, strict=True))


def _served(user) -> dict[str, list[tuple[int, str | None]]]:
    """(object id, code) of every grid, department and station the user serves, by kind."""
    # From the primary, never a replica: what is read here is cached for the whole access generation, and a grant or a
    # withdrawal the replica has not replayed yet would be missed until the next.
    params = [value for *_, codename in _SERVICE_HOLDERS.values() for value in (user.pk, codename) * 2]
    served = {kind: [] for kind in _SERVICE_HOLDERS}
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_service_sql(), params)
        for kind, object_id, code in cursor.fetchall():
            served[kind].append((object_id, code))
    return served


def service_held(users, kind: str, field: str) -> set[tuple[int, object]]:
    """(user id, ``field`` of the object) for each service of this kind (grid, station, department) that ``users``
    (ids) hold, directly or through a group, as their scope counts it: ``_served`` for many people at once."""
    direct, through_group, codename = _SERVICE_HOLDERS[kind]
    return {*direct.objects.using(DEFAULT_DB_ALIAS).filter(
                user_id__in=users, permission__codename=codename).values_list("user_id", field),
            *through_group.objects.using(DEFAULT_DB_ALIAS).filter(
                group__user__in=users, permission__codename=codename).values_list("group__user", field)}


def serving(kind: str, object_ids) -> Q:
    """A filter of users: those who hold this kind of service (grid, station, department) on any of these objects,
    directly or through a group, as their scope counts it (``service_held`` the other way round). One subquery of
    their ids: joined instead, the permission tables multiply every user's row and the whole staff (14,000 people)
    is sorted for DISTINCT: 65-85 ms a query in PostgreSQL against 2.6 ms (a station's handlers, seeded district)."""
    return Q(id__in=serving_ids(kind, object_ids))


def serving_ids(kind: str, object_ids) -> QuerySet:
    """The ids of the users ``serving`` selects: a union, so that several kinds can be asked at once."""
    direct, through_group, codename = _SERVICE_HOLDERS[kind]
    held = {"content_object_id__in": object_ids, "permission__codename": codename}
    groups = through_group.objects.filter(**held).values("group_id")
    return direct.objects.filter(**held).values("user_id").union(
        User.groups.through.objects.filter(group_id__in=groups).values("user_id"))


def load_scope(user) -> Scope:
    """Where the user serves, read from their object permissions (uncached: see ``scope_of``)."""
    if user.is_superuser:
        district = (settings.DISTRICT_CODE,)
        return Scope(grid_codes=district, viewing_codes=district)
    served = _served(user)
    grid_codes = _minimal_roots({code for _, code in served["grid"]})
    department_ids = frozenset(object_id for object_id, _ in served["department"])
    station_ids = frozenset(object_id for object_id, _ in served["station"])
    # The grids a user may look at: their own, widened for department staff to the streets their stations sit in
    # (for a department-wide handler, the whole district).
    if department_ids:
        viewing_codes = (settings.DISTRICT_CODE,)
    else:
        viewing_codes = _minimal_roots(set(grid_codes) | {street for _, street in served["station"]})
    return Scope(grid_codes=grid_codes, department_ids=department_ids, station_ids=station_ids,
                 viewing_codes=viewing_codes)


def served_unit_grids(user) -> QuerySet[Grid]:
    """The unit grids in the user's scope, by code: where they may register a household, a house or a place."""
    return scope_of(user).grid_rows("code").apply(Grid.objects.filter(level=Grid.Level.UNIT)).order_by("code")


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
