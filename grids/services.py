"""State changes of the grids app: staff onboarding and scope grants."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from core.roles import Role

from .models import Department, Grid, StaffProfile, StreetUnit

User = get_user_model()

GRID_ROLES = {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_DISPATCHER}
DISTRICT_WIDE_ROLES = {Role.DISTRICT_COMMANDER, Role.CALL_TAKER, Role.EVALUATOR, Role.AUDITOR}


@dataclass(frozen=True)
class ScopeAssignment:
    """Where a new staff member will act, resolved from codes and checked against their role."""

    grids: tuple[Grid, ...] = ()
    department: Department | None = None
    station: StreetUnit | None = None
    home_grid: Grid | None = None


def resolve_scope(*, role: str, grid_code: str = "", department_code: str = "") -> ScopeAssignment:
    """Turn the codes given for a role into the grids/department it serves, or raise ValidationError."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”. Use one of: %(roles)s.")
                               % {"role": role, "roles": ", ".join(Role.values)}})
    grid = None
    if grid_code:
        grid = Grid.objects.filter(code=grid_code).first()
        if grid is None:
            raise ValidationError({"grid": _("No grid has the code “%(code)s”.") % {"code": grid_code}})
    department = station = None
    if department_code:
        department = Department.objects.filter(code=department_code).first()
        if department is None:
            station = StreetUnit.objects.select_related("department").filter(code=department_code).first()
            if station is None:
                raise ValidationError(
                    {"department": _("No department or station has the code “%(code)s”.") % {"code": department_code}}
                )
            department = station.department

    if role == Role.GRID_WORKER:
        if grid is None or grid.level != Grid.Level.UNIT:
            raise ValidationError({"grid": _("A grid worker serves a third-level grid: give its 15-digit code.")})
        return ScopeAssignment(grids=(grid,), department=department, station=station, home_grid=grid)
    if role == Role.COMMUNITY_STAFF:
        if grid is None or grid.level != Grid.Level.UNIT:
            raise ValidationError({"grid": _("Community staff serve a community: give one of its third-level grids.")})
        grids = tuple(Grid.objects.filter(community=grid.community_id)) if grid.community_id else (grid,)
        return ScopeAssignment(grids=grids, home_grid=grid)
    if role == Role.STREET_DISPATCHER:
        if grid is None or grid.level != Grid.Level.STREET:
            raise ValidationError({"grid": _("A street dispatcher serves a street or town: give its 9-digit code.")})
        return ScopeAssignment(grids=(grid,), home_grid=grid)
    if role == Role.DEPARTMENT_HANDLER:
        if department is None and station is None:
            raise ValidationError({"department": _("A department handler needs a department or station code.")})
        return ScopeAssignment(department=department, station=station, home_grid=station.street if station else None)
    district = Grid.objects.get(level=Grid.Level.DISTRICT)
    return ScopeAssignment(grids=(district,), home_grid=None)


def scope_grant(*, user, scope: ScopeAssignment) -> None:
    for grid in scope.grids:
        assign_perm("grids.serve_grid", user, grid)
    if scope.station is not None:
        assign_perm("grids.serve_station", user, scope.station)
    elif scope.department is not None and not scope.grids:
        assign_perm("grids.serve_department", user, scope.department)


@transaction.atomic
def staff_create(
    *,
    username: str,
    role: str,
    password: str | None,
    full_name: str = "",
    grid_code: str = "",
    department_code: str = "",
    post: str = StaffProfile.Post.GENERAL,
    force_group: str = "",
    phone: str = "",
    duties: str = "",
    listed_publicly: bool = True,
    check_password: bool = True,
) -> User:
    """Create a login with its staff profile, role group and scope. Raises ValidationError."""
    if not username:
        raise ValidationError({"username": _("A username is required.")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The username “%(name)s” is taken.") % {"name": username}})
    scope = resolve_scope(role=role, grid_code=grid_code, department_code=department_code)
    user = User(username=username)
    if password:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = StaffProfile(
        user=user,
        full_name=full_name or username,
        role=role,
        post=post,
        force_group=force_group,
        department=scope.department,
        station=scope.station,
        home_grid=scope.home_grid,
        phone=phone,
        duties=duties,
        listed_publicly=listed_publicly,
    )
    profile.full_clean(exclude=["user"])
    profile.save()
    user.groups.add(Group.objects.get(name=role))
    scope_grant(user=user, scope=scope)
    return user


def team_enlist(*, team: StreetUnit, user) -> None:
    """Make a station's handler a member of their street's joint enforcement team: they then accept and handle the
    team's cases as well as their station's (the team takes a case as one unit)."""
    if team.kind != StreetUnit.Kind.TEAM:
        raise ValidationError({"team": _("%(unit)s is not a joint enforcement team.") % {"unit": team.name}})
    profile = getattr(user, "staff_profile", None)
    station = profile.station if profile else None
    if (not user.is_active or profile.role != Role.DEPARTMENT_HANDLER or station is None
            or station.kind != StreetUnit.Kind.STATION or station.street_id != team.street_id):
        raise ValidationError({"user": _("A team's members are handlers of a department station in its street.")})
    assign_perm("grids.serve_station", user, team)

