"""Reads of the registers, always through ``visible_to``."""
from django.db.models import Count, Q

from grids.models import Grid

from .models import House, Place, Resident

PRESENT = Resident.Status.PRESENT


def houses():
    """Houses with their grid and the number of residents living there (scope it with ``visible_to``)."""
    return (House.objects.select_related("grid")
            .annotate(living=Count("residents", filter=Q(residents__status=PRESENT)))
            .order_by(*House._meta.ordering, "id"))  # a GROUP BY query leaves the model's ordering out


def residents():
    return Resident.objects.select_related("house__grid")


def places():
    return Place.objects.select_related("grid")


def register_figures(user, grid: Grid) -> dict | None:
    """Houses, residents living there (registered / floating) and places under ``grid``, as ``user`` may count
    them; None for a reader of no register."""
    if not user.has_perm("registers.view_house"):
        return None
    under = {"grid__code__startswith": grid.code}
    residents = Resident.objects.visible_to(user).filter(house__grid__code__startswith=grid.code, status=PRESENT)
    return {
        "houses": House.objects.visible_to(user).filter(**under).count(),
        **residents.aggregate(registered=Count("id", filter=Q(kind=Resident.Kind.REGISTERED)),
                              floating=Count("id", filter=Q(kind=Resident.Kind.FLOATING))),
        "places": Place.objects.visible_to(user).filter(**under).count(),
    }
