"""Reads of the patrols app, scoped by ``visible_to``: missing and forbidden both answer 404."""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import CheckIn, Patrol, PatrolPlan, PatrolPoint


def patrols_visible_to(user):
    return Patrol.objects.visible_to(user).select_related("grid", "patroller__staff_profile")


def patrol_get_for_user(user, pk) -> Patrol:
    try:
        return get_object_or_404(patrols_visible_to(user), pk=int(pk))
    except (TypeError, ValueError) as error:
        raise Http404 from error


def patrol_in_progress_of(user) -> Patrol | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return patrols_visible_to(user).filter(patroller=user, status=Patrol.Status.IN_PROGRESS).first()


def patrol_for_filing(user, patrol_id) -> Patrol:
    """The patrol a case is filed from: the filer's own patrol, still in progress (else 400 on ``patrol``)."""
    patrol = Patrol.objects.filter(pk=patrol_id, patroller_id=user.pk, status=Patrol.Status.IN_PROGRESS).first() \
        if str(patrol_id).isdigit() else None
    if patrol is None:
        raise ValidationError({"patrol": _("Choose a patrol of yours that is in progress.")})
    return patrol


def check_ins_of(patrol: Patrol):
    return CheckIn.objects.filter(patrol=patrol).select_related("point").order_by("at", "id")


def points_of_grid(user, grid_id: int):
    return PatrolPoint.objects.visible_to(user).filter(grid_id=grid_id, active=True).order_by("name")


def plans_visible_to(user):
    return PatrolPlan.objects.visible_to(user).select_related("grid")
