"""The patrol pages: a grid worker's phone page (start a patrol, check in at its points with the phone's
position and a photo, report what was found, end it) and the coverage of the grids one sees. They work without
JavaScript (the position can be typed); ``static/patrols/patrol.js`` fills it from the phone."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.pages import REFUSALS, errors_onto_form, page_of, staff_page
from core.scoping import scope_of
from grids.models import Grid

from . import selectors, services
from .coverage import coverage
from .forms import CheckInForm, EndForm, StartForm
from .models import CheckIn, PatrolPlan
from .workflow import CHECK_IN, END, PATROL_WORKFLOW

RECENT_PATROLS = 30


def _grids_to_patrol(user):
    """The unit grids the user may start a patrol in: those they serve with a plan in force."""
    served = scope_of(user).grid_rows("code").apply(Grid.objects.filter(level=Grid.Level.UNIT))
    return served.filter(pk__in=PatrolPlan.objects.visible_to(user).filter(active=True).values("grid_id")) \
        .defer("boundary").order_by("code")


def _refusal_status(error) -> int:
    return 403 if isinstance(error, PermissionDenied) else 409 if isinstance(error, Conflict) else 400


def _run(form, service, **kwargs):
    """The service's result and 200, or None and the status its refusal answers with (put onto the form)."""
    try:
        return service(**kwargs), 200
    except REFUSALS as error:
        errors_onto_form(form, error)
        return None, _refusal_status(error)


@staff_page("patrols.view_patrol")
def patrol_index(request):
    """My patrol in progress (or a start button), the patrols of the grids I see, and their coverage."""
    user = request.user
    context = {
        "in_progress": selectors.patrol_in_progress_of(user),
        "start_form": StartForm(grids=_grids_to_patrol(user), initial={"grid": _home_grid_code(user)})
        if user.has_perm("patrols.add_patrol") else None,
        "patrols": page_of(selectors.patrols_visible_to(user), request.GET.get("page"), RECENT_PATROLS),
        "coverage": coverage(user),
    }
    return render(request, "patrols/index.html", context)


def _home_grid_code(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.home_grid.code if profile and profile.home_grid_id else ""


@staff_page("patrols.add_patrol")
def patrol_start(request):
    if request.method != "POST":
        return redirect("patrols:index")
    form = StartForm(request.POST, grids=_grids_to_patrol(request.user))
    if form.is_valid():
        patrol, _status = _run(form, services.patrol_start, user=request.user, grid=form.cleaned_data["grid"])
        if patrol is not None:
            return redirect("patrols:patrol", pk=patrol.pk)
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("patrols:index")


def _patrol_page(request, patrol, check_in_form=None, end_form=None, status=200):
    points = list(selectors.points_of_grid(request.user, patrol.grid_id))
    actions = PATROL_WORKFLOW.available(request.user, patrol)
    # A refused step whose form the page no longer offers (not theirs, or the patrol has ended) is said on top.
    refusals = [error for form, shown in ((check_in_form, CHECK_IN in actions), (end_form, END in actions))
                if form is not None and not shown for error in form.non_field_errors()]
    context = {
        "refusals": refusals,
        "patrol": patrol,
        "check_ins": list(selectors.check_ins_of(patrol)),
        "points": points,
        "may_check_in": CHECK_IN in actions,
        "may_end": END in actions,
        "check_in_form": check_in_form or CheckInForm(points=points),
        "end_form": end_form or EndForm(),
        # Scoped like every case list: the reporter sees what they filed, the grid's supervisors all of it.
        "cases_found": patrol.cases_found.visible_to(request.user).select_related("category").order_by("id"),
    }
    return render(request, "patrols/patrol.html", context, status=status)


@staff_page("patrols.view_patrol")
def patrol_page(request, pk: int):
    return _patrol_page(request, selectors.patrol_get_for_user(request.user, pk))


@staff_page("patrols.add_checkin")
def patrol_check_in(request, pk: int):
    patrol = selectors.patrol_get_for_user(request.user, pk)
    if request.method != "POST":
        return redirect("patrols:patrol", pk=patrol.pk)
    points = list(selectors.points_of_grid(request.user, patrol.grid_id))
    form, status = CheckInForm(request.POST, request.FILES, points=points), 400
    if form.is_valid():
        data = form.cleaned_data
        photo = data.get("photo")
        check_in, status = _run(form, services.patrol_check_in, user=request.user, patrol=patrol, lat=data["lat"],
                               lng=data["lng"], point=data["point"] or None, accuracy_m=data["accuracy_m"],
                               note=data["note"], photo=photo.read() if photo else None)
        if check_in is not None:
            if check_in.flagged:
                messages.warning(request, _("Checked in. The position looks off (outside the grid or far from the "
                                            "point): it is recorded and flagged for review."))
            else:
                messages.success(request, _("Checked in."))
            return redirect("patrols:patrol", pk=patrol.pk)
    return _patrol_page(request, patrol, check_in_form=form, status=status)


@staff_page("patrols.change_patrol")
def patrol_end(request, pk: int):
    patrol = selectors.patrol_get_for_user(request.user, pk)
    if request.method != "POST":
        return redirect("patrols:patrol", pk=patrol.pk)
    form, status = EndForm(request.POST), 400
    if form.is_valid():
        ended, status = _run(form, services.patrol_end, user=request.user, patrol=patrol,
                             summary=form.cleaned_data["summary"])
        if ended is not None:
            messages.success(request, _("The patrol has ended."))
            return redirect("patrols:patrol", pk=patrol.pk)
    return _patrol_page(request, patrol, end_form=form, status=status)


@staff_page("patrols.view_checkin")
def check_in_photo(request, pk: int):
    check_in = get_object_or_404(CheckIn.objects.visible_to(request.user), pk=pk)
    if not check_in.photo:
        raise Http404
    return FileResponse(check_in.photo.open("rb"), content_type=check_in.photo_type)
