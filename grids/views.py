"""Grid pages: the grid outlines the maps draw, and the public real-name listing."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.cache import cache_control

from core.pages import staff_page
from core.roles import Role

from .models import Grid
from .selectors import public_staff_of_grid


@staff_page("grids.view_grid")
@cache_control(private=True, max_age=300)
def grids_geojson(request):
    """Unit-grid outlines under a code (the maps draw these; no tile server needed)."""
    under = request.GET.get("under", "")
    grids = Grid.objects.visible_to(request.user).filter(level=Grid.Level.UNIT)
    if under:
        grids = grids.filter(code__startswith=under)
    features = [
        {"type": "Feature", "geometry": boundary, "properties": {"code": code, "name": name}}
        for code, name, boundary in grids.values_list("code", "name", "boundary")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def public_grid_staff(request, code: str):
    """实名制公示: who serves in a unit grid, their role, force group, duties and phone. No login.

    Each person's role shows once: duties that only repeat the role's name are not shown again, and
    the force-group and duties columns are left out when nobody in the grid has one."""
    grid = get_object_or_404(Grid.objects.select_related("parent").defer("boundary"), code=code, level=Grid.Level.UNIT)
    staff = list(public_staff_of_grid(code))
    role_names = _role_names()
    for person in staff:
        person.listed_duties = "" if person.duties.strip() in role_names else person.duties
    return render(request, "grids/public_staff.html", {
        "grid": grid, "staff": staff, "with_force_group": any(person.force_group for person in staff),
        "with_duties": any(person.listed_duties for person in staff),
    })


def _role_names() -> set[str]:
    """Every role's name in every language of the site (duties written as a role's name say nothing more)."""
    names = {str(label) for label in Role.labels}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.update(str(label) for label in Role.labels)
    return names


def public_grid_index(request):
    """Find a grid's listing: the streets and their unit grids."""
    street = request.GET.get("street", "")
    streets = list(Grid.objects.filter(level=Grid.Level.STREET).defer("boundary").order_by("code"))
    grids = (list(Grid.objects.filter(level=Grid.Level.UNIT, parent__code=street).defer("boundary").order_by("code"))
             if street else [])
    chosen = next((s for s in streets if s.code == street), None)
    return render(request, "grids/public_index.html", {"streets": streets, "grids": grids, "street": street,
                                                       "chosen": chosen})


@cache_control(public=True, max_age=3600)
def public_street_outlines(request):
    """The 29 street/town outlines, for the location pickers of the public and staff forms."""
    features = [
        {"type": "Feature", "geometry": boundary, "properties": {"code": code, "name": name}}
        for code, name, boundary in Grid.objects.filter(level=Grid.Level.STREET).values_list("code", "name", "boundary")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
