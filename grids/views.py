"""Grid pages: the grid outlines the maps draw, and the public real-name listing."""
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from core.pages import staff_page

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
    """实名制公示: who serves in a unit grid, their duties and phone. No login."""
    grid = get_object_or_404(Grid.objects.select_related("parent").defer("boundary"), code=code, level=Grid.Level.UNIT)
    return render(request, "grids/public_staff.html", {"grid": grid, "staff": public_staff_of_grid(code)})


def public_grid_index(request):
    """Find a grid's listing: the streets and their unit grids."""
    street = request.GET.get("street", "")
    streets = Grid.objects.filter(level=Grid.Level.STREET).defer("boundary")
    grids = Grid.objects.filter(level=Grid.Level.UNIT, parent__code=street).defer("boundary") if street else []
    return render(request, "grids/public_index.html", {"streets": streets, "grids": grids, "street": street})


@cache_control(public=True, max_age=3600)
def public_street_outlines(request):
    """The 29 street/town outlines, for the location pickers of the public and staff forms."""
    features = [
        {"type": "Feature", "geometry": boundary, "properties": {"code": code, "name": name}}
        for code, name, boundary in Grid.objects.filter(level=Grid.Level.STREET).values_list("code", "name", "boundary")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
