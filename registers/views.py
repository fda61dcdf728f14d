"""The register pages: a grid's houses with their residents and its places, a house, the add and edit forms and
the workbook import. Staff only; every row is read through ``visible_to`` (out of scope: 404), identity numbers
and phones are disclosed as ``privacy`` says and each whole view is logged."""
from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.pages import paginate, run_service, staff_page
from core.scoping import scope_of
from grids.models import Grid
from grids.selectors import served_unit_grids

from . import forms, selectors, services
from .importing import RegisterImportError, register_import
from .models import House, PersonalDataView, Resident
from .privacy import disclose
from .roles import ADD_EVERY

PAGE = PersonalDataView.Via.PAGE
FORM = PersonalDataView.Via.FORM


def _grid(user, code: str) -> Grid:
    """A unit grid whose registers the user reads (their own, their community's or street's; the district's)."""
    grid = Grid.objects.filter(code=code, level=Grid.Level.UNIT).select_related("parent").defer("boundary").first()
    if grid is None or not scope_of(user).covers(code):
        raise Http404
    return grid


def _form_page(request, form, title: str, back: str):
    return render(request, "core/form_page.html", {"form": form, "title": title, "back": back},
                  status=400 if request.method == "POST" else 200)


@staff_page("registers.view_house")
def index(request):
    """The unit grids whose registers the user reads, with what each holds."""
    grids = (Grid.objects.visible_to(request.user).filter(level=Grid.Level.UNIT)
             .filter(code__in=selectors.houses().visible_to(request.user).values("grid__code"))
             .defer("boundary").select_related("parent")
             .annotate(house_count=Count("houses", distinct=True), place_count=Count("places", distinct=True))
             .order_by("code"))
    return render(request, "registers/index.html", {
        "page": paginate(request, grids), "own_grids": served_unit_grids(request.user)[:20]})


@staff_page("registers.view_house")
def grid_register(request, code: str):
    user = request.user
    grid = _grid(user, code)
    living = selectors.residents().visible_to(user).filter(status=Resident.Status.PRESENT)
    houses = paginate(request, selectors.houses().visible_to(user).filter(grid=grid)
                      .prefetch_related(Prefetch("residents", queryset=living, to_attr="living_residents")))
    places = list(selectors.places().visible_to(user).filter(grid=grid))
    disclose(user, [resident for house in houses for resident in house.living_residents] + places, via=PAGE)
    return render(request, "registers/grid.html", {
        "grid": grid, "page": houses, "places": places, "figures": selectors.register_figures(user, grid)})


@staff_page("registers.view_house")
def house_detail(request, pk: int):
    user = request.user
    house = get_object_or_404(selectors.houses().visible_to(user), pk=pk)
    residents = disclose(user, list(selectors.residents().visible_to(user).filter(house=house)
                                    .order_by("status", "kind", "name")), via=PAGE)
    return render(request, "registers/house.html", {"house": house, "residents": residents})


def _save_page(request, form, service, *, done: str, title: str, back: str, then, **kwargs):
    """A form page whose valid post goes to ``service``; ``then(row)`` is where the saved row is shown."""
    if request.method == "POST" and form.is_valid():
        row = run_service(form, service, user=request.user, **kwargs, **forms.service_fields(form))
        if row:
            messages.success(request, done)
            return redirect(then(row))
    return _form_page(request, form, title, back)


def _house_page(house) -> str:
    return reverse("registers:house", args=[house.pk])


def _grid_page(row) -> str:
    return reverse("registers:grid", args=[row.grid.code])


@staff_page("registers.add_house")
def house_new(request):
    form = forms.HouseForm(request.POST or None, user=request.user, initial=request.GET.dict())
    return _save_page(request, form, services.house_create, done=_("The house is on the register."),
                      title=_("Add a house to the register"), back=reverse("registers:index"), then=_house_page)


@staff_page("registers.change_house")
def house_edit(request, pk: int):
    house = get_object_or_404(House.objects.visible_to(request.user, "change").select_related("grid"), pk=pk)
    form = forms.HouseEditForm(request.POST or None, instance=house, user=request.user)
    return _save_page(request, form, services.house_update, house=house, done=_("The house is updated."),
                      title=_("Edit the house %(address)s") % {"address": house.address}, back=_house_page(house),
                      then=_house_page)


def _houses_for(user, code: str):
    houses = House.objects.visible_to(user, "change").select_related("grid")
    return houses.filter(grid__code=code) if code else houses


@staff_page("registers.add_resident")
def resident_new(request):
    """A resident; from a house's page its house is chosen, from a must-report the grid and kind are."""
    initial = request.GET.dict()
    form = forms.ResidentForm(request.POST or None, houses=_houses_for(request.user, initial.get("grid", "")),
                              initial=initial)
    return _save_page(request, form, services.resident_create, done=_("The resident is on the register."),
                      title=_("Add a resident"), back=reverse("registers:index"),
                      then=lambda resident: _house_page(resident.house))


@staff_page("registers.change_resident")
def resident_edit(request, pk: int):
    user = request.user
    resident = get_object_or_404(Resident.objects.visible_to(user, "change").select_related("house__grid"), pk=pk)
    if request.method != "POST":
        disclose(user, [resident], via=FORM)  # the form shows the identity number and phone whole
    form = forms.ResidentForm(request.POST or None, instance=resident,
                              houses=_houses_for(user, resident.house.grid.code))
    return _save_page(request, form, services.resident_update, resident=resident, done=_("The resident is updated."),
                      title=_("Edit %(name)s") % {"name": resident.name}, back=_house_page(resident.house),
                      then=lambda row: _house_page(row.house))


@staff_page("registers.add_place")
def place_new(request):
    form = forms.PlaceForm(request.POST or None, user=request.user, initial=request.GET.dict())
    return _save_page(request, form, services.place_create, done=_("The unit or place is on the register."),
                      title=_("Add a unit or place"), back=reverse("registers:index"), then=_grid_page)


@staff_page("registers.change_place")
def place_edit(request, pk: int):
    user = request.user
    place = get_object_or_404(selectors.places().visible_to(user, "change"), pk=pk)
    if request.method != "POST":
        disclose(user, [place], via=FORM)
    form = forms.PlaceEditForm(request.POST or None, instance=place, user=user)
    return _save_page(request, form, services.place_update, place=place, done=_("The unit or place is updated."),
                      title=_("Edit %(name)s") % {"name": place.name}, back=_grid_page(place), then=_grid_page)


@staff_page(*ADD_EVERY)
def import_page(request):
    """Houses, residents and places of one grid from an XLSX workbook: every row or none."""
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user,
                            initial=request.GET.dict())
    errors = []
    if request.method == "POST" and form.is_valid():
        grid = form.cleaned_data["grid"]
        try:
            report = run_service(form, register_import, user=request.user, grid=grid,
                                 content=form.cleaned_data["file"].read())
        except RegisterImportError as error:
            errors, report = error.errors, None
        if report:
            messages.success(request, _("Imported %(houses)s houses, %(residents)s residents and %(places)s units "
                                        "and places.") % vars(report))
            return redirect("registers:grid", code=grid.code)
    failed = request.method == "POST"
    return render(request, "registers/import.html", {"form": form, "errors": errors}, status=400 if failed else 200)
