"""State changes of the patrols app: one transaction each, keyword-only arguments, validated rows.

Mistakes answer as everywhere on the platform: the caller fetched the object through ``visible_to`` (404
outside the user's sight); a step that is not theirs is a 403 and a step the patrol's state does not allow a
409 (``workflow.PATROL_WORKFLOW``); bad or missing fields a ``ValidationError`` with field messages (400). A
plan, a point or a patrol goes only into a unit grid its author serves (400 on ``grid`` otherwise).
"""
import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.images import cleaned_photo
from grids.models import Grid
from grids.scoping import require_unit_grid

from .geo import distance_m, within_grid
from .models import CheckIn, Patrol, PatrolPlan, PatrolPoint
from .workflow import CHECK_IN, END, PATROL_WORKFLOW


def _save(obj, **clean_kwargs):
    obj.full_clean(**clean_kwargs)
    obj.save()
    return obj


def _require_permission(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("Your role may not do this."))


def _locked_for_change(user, obj):
    """The row, locked; 403 when the user sees it (the caller fetched it) but may not change it."""
    row = type(obj).objects.visible_to(user, "change").select_for_update(of=("self",)).filter(pk=obj.pk).first()
    if row is None:
        raise PermissionDenied(_("You may look at this but not change it."))
    return row


# --- plans and points ---------------------------------------------------------------------------


@transaction.atomic
def plan_set(*, user, grid: Grid, times: int, every_days: int, active: bool = True, note: str = "") -> PatrolPlan:
    """A unit grid's plan, created or changed: ``times`` patrols every ``every_days`` days."""
    _require_permission(user, "patrols.change_patrolplan")
    require_unit_grid(user, grid)
    plan = PatrolPlan.objects.select_for_update().filter(grid=grid).first() or PatrolPlan(grid=grid)
    plan.times, plan.every_days, plan.active, plan.note, plan.updated_by = times, every_days, active, note, user
    return _save(plan, validate_unique=False)


@transaction.atomic
def point_add(*, user, grid: Grid, name: str, lat: float, lng: float, kind: str = PatrolPoint.Kind.PLACE
              ) -> PatrolPoint:
    _require_permission(user, "patrols.add_patrolpoint")
    require_unit_grid(user, grid)
    if not within_grid(grid.code, lat, lng):
        raise ValidationError({"lat": _("This point lies outside the grid.")})
    return _save(PatrolPoint(grid=grid, name=name.strip(), kind=kind, lat=lat, lng=lng))


POINT_EDITABLE = {"name", "kind", "lat", "lng", "active"}


@transaction.atomic
def point_update(*, user, point: PatrolPoint, **fields) -> PatrolPoint:
    point = _locked_for_change(user, point)
    unknown = set(fields) - POINT_EDITABLE
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        setattr(point, name, value)
    if ("lat" in fields or "lng" in fields) and not within_grid(point.grid.code, point.lat, point.lng):
        raise ValidationError({"lat": _("This point lies outside the grid.")})
    return _save(point)


# --- patrols ------------------------------------------------------------------------------------


def _home_grid(user) -> Grid:
    profile = getattr(user, "staff_profile", None)
    if profile is None or profile.home_grid_id is None:
        raise ValidationError({"grid": _("Choose the grid to patrol.")})
    return profile.home_grid


def patrol_start(*, user, grid: Grid | None = None, now: dt.datetime | None = None) -> Patrol:
    """Start a patrol of a unit grid the user serves (their own grid by default); one at a time (409)."""
    _require_permission(user, "patrols.add_patrol")
    grid = grid or _home_grid(user)
    require_unit_grid(user, grid)
    patrol = Patrol(grid=grid, patroller=user, started_at=now or timezone.now())
    patrol.full_clean(exclude=["grid", "patroller"], validate_constraints=False)
    try:
        with transaction.atomic():
            patrol.save()
    except IntegrityError as error:  # one_patrol_in_progress_per_patroller
        raise Conflict(_("You are already on a patrol: end it before starting another."),
                       code="patrol_in_progress") from error
    return patrol


def _locked_patrol(user, patrol: Patrol) -> Patrol:
    row = Patrol.objects.visible_to(user).select_for_update(of=("self",)).select_related("grid") \
        .filter(pk=patrol.pk).first()
    if row is None:
        raise Http404(_("No such patrol."))
    return row


def _point_of(patrol: Patrol, point_id) -> PatrolPoint | None:
    if point_id in (None, ""):
        return None
    point = PatrolPoint.objects.filter(pk=point_id, grid_id=patrol.grid_id, active=True).first() \
        if str(point_id).isdigit() else None
    if point is None:
        raise ValidationError({"point": _("Choose one of this grid's patrol points.")})
    return point


def _position_error(lat, lng) -> dict:
    """Field messages for a missing (or not finite) position."""
    return {name: _("The position is required: allow the phone to share its location.")
            for name, value in (("lat", lat), ("lng", lng))
            if not isinstance(value, int | float) or not math.isfinite(value)}


@transaction.atomic
def patrol_check_in(*, user, patrol: Patrol, lat: float | None = None, lng: float | None = None, point=None,
                    accuracy_m: float | None = None, note: str = "", photo: bytes | None = None,
                    now: dt.datetime | None = None) -> CheckIn:
    """Record where the patroller is, at a point of the grid or on the way. A position outside the grid, or
    farther than ``PATROL_CHECKIN_RADIUS_M`` from the point, is recorded and flagged (GPS drifts)."""
    patrol = _locked_patrol(user, patrol)
    PATROL_WORKFLOW.check(user, patrol, CHECK_IN)
    missing = _position_error(lat, lng)
    if missing:
        raise ValidationError(missing)
    point = _point_of(patrol, getattr(point, "pk", point))
    check_in = CheckIn(patrol=patrol, point=point, at=now or timezone.now(), lat=lat, lng=lng, accuracy_m=accuracy_m,
                       note=note.strip(), outside_grid=not within_grid(patrol.grid.code, lat, lng))
    if point is not None:
        check_in.distance_m = round(distance_m(lat, lng, point.lat, point.lng), 1)
        check_in.too_far = check_in.distance_m > settings.PATROL_CHECKIN_RADIUS_M
    if photo:
        cleaned = cleaned_photo(photo)
        check_in.photo_type = cleaned.content_type
        check_in.photo.save(f"check-in.{cleaned.extension}", ContentFile(cleaned.content), save=False)
    check_in.full_clean(exclude=["patrol", "point", "photo"])
    check_in.save()
    return check_in


@transaction.atomic
def patrol_end(*, user, patrol: Patrol, summary: str = "", now: dt.datetime | None = None) -> Patrol:
    patrol = _locked_patrol(user, patrol)
    PATROL_WORKFLOW.act(user, patrol, END, now=now)
    patrol.ended_at = now or timezone.now()
    patrol.summary = summary.strip()
    patrol.full_clean(exclude=["grid", "patroller"], validate_constraints=False)
    patrol.save(update_fields=["status", "ended_at", "summary"])
    return patrol
