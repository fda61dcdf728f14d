"""Duplicate suggestions at intake: open cases of the same category near the point, reported recently.

A suggestion never blocks filing; a dispatcher who agrees merges the new case into the old one (the ``merge``
action). The reader sees only cases in their own scope. The lookup reads one partial index (open cases by category
and point) over a box around the point, the suggestion window checked in the index, before measuring exact
distances.
"""
import dataclasses
import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FloatField, Func, Q
from django.utils import timezone

from core.access import generation_of
from core.prepared import PreparedQuery
from grids.geometry import unit_grid_by_id
from grids.models import Grid

from .models import Case
from .workflow import OPEN, Status

EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class SuggestedCase:
    """The columns a suggestion shows of an open case, read as values: a model instance per row (its 58 fields,
    50 of them deferred) cost more Python than the query that found it."""

    number: str
    title: str
    status: str
    lat: float
    lng: float
    address: str
    created_at: dt.datetime
    grid_id: int

    def get_status_display(self) -> str:
        return Status(self.status).label


@dataclass(frozen=True)
class Duplicate:
    case: SuggestedCase
    distance_m: float
    grid: object = None  # its unit grid: code and name


def possible_duplicates(user, *, category_id: int, lat: float, lng: float, now: dt.datetime | None = None,
                        exclude: Case | None = None) -> list[Duplicate]:
    """The nearest open cases of this category within ``CASE_DUPLICATE_RADIUS_M`` of the point and reported in the
    last ``CASE_DUPLICATE_DAYS`` days that ``user`` may see, nearest first.

    Asked on every report, so built lean: one filter, the columns shown, no join (a case's grid is a unit grid, named
    from the in-memory grid index), the distance ordered by one expression, and the query prepared once per person
    and access generation (their scope is part of it)."""
    radius = settings.CASE_DUPLICATE_RADIUS_M
    dlat = radius / METRES_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    nearby = _nearby((user, generation_of(user), exclude is not None),
                     since=(now or timezone.now()) - dt.timedelta(days=settings.CASE_DUPLICATE_DAYS),
                     category_id=category_id, **({"excluded": exclude.pk} if exclude is not None else {}),
                     lat=lat, lng=lng, scale=math.cos(math.radians(lat)) ** 2,
                     lat_low=lat - dlat, lat_high=lat + dlat, lng_low=lng - dlng, lng_high=lng + dlng)
    measured = [(distance_m(lat, lng, case.lat, case.lng), case) for case in (SuggestedCase(*row) for row in nearby)]
    found = sorted((pair for pair in measured if pair[0] <= radius), key=lambda pair: pair[0])[:SUGGESTIONS]
    grids = _unit_grids({case.grid_id for _distance, case in found})
    return [Duplicate(case, distance, grids[case.grid_id]) for distance, case in found]


def _build_nearby(key, *, since, category_id, lat, lng, scale, lat_low, lat_high, lng_low, lng_high,
                  excluded=None):
    """The open cases of a category in a box around a point, nearest first, that the user may see."""
    user, _generation, excluding = key
    return (Case.objects.visible_to(user)
            .filter(~Q(pk=excluded) if excluding else Q(), category_id=category_id, status__in=OPEN,
                    created_at__gte=since, lat__range=(lat_low, lat_high), lng__range=(lng_low, lng_high))
            .order_by(FlatDistance(lat, lng, scale), "pk").values_list(*SHOWN)[:SUGGESTIONS * 2])


_nearby = PreparedQuery(_build_nearby)  # keyed by the user (their pk) and their access generation
SHOWN = tuple(field.name for field in dataclasses.fields(SuggestedCase))


class FlatDistance(Func):
    """Nearest first in the database: the squared flat-earth distance of the row's point from (lat, lng), in degrees of
    latitude (exact enough at 100 m to order by), so that a busy spot with hundreds of open reports reads a few rows,
    not all of them. One node: the same sum written with F() arithmetic is a dozen to resolve and compile."""

    def __init__(self, lat: float, lng: float, scale: float):
        super().__init__(F("lat"), F("lng"), output_field=FloatField())
        self.point = (lat, lng, scale)  # scale: cos²(lat), the squared length of a degree of longitude

    def as_sql(self, compiler, connection, **extra_context):
        (lat_sql, lat_params), (lng_sql, lng_params) = (compiler.compile(e) for e in self.get_source_expressions())
        lat, lng, scale = self.point
        return (f"(({lat_sql} - %s) * ({lat_sql} - %s) + ({lng_sql} - %s) * ({lng_sql} - %s) * %s)",
                (*lat_params, lat, *lat_params, lat, *lng_params, lng, *lng_params, lng, scale))


def _unit_grids(ids: set[int]) -> dict:
    """Unit grids by id (their code and name), from the grid index; one query for any it does not hold yet."""
    found = {pk: unit_grid_by_id(pk) for pk in ids}
    missing = [pk for pk, grid in found.items() if grid is None]
    if missing:
        found.update(Grid.objects.only("code", "name").in_bulk(missing))
    return found


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
