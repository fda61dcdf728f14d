"""Duplicate suggestions at intake: open cases of the same category near the point, reported recently.

A suggestion never blocks filing; a dispatcher who agrees merges the new case into the old one (the ``merge``
action). The reader sees only cases in their own scope. The lookup reads one partial index (open cases by category
and time) and narrows it with a box around the point before measuring exact distances.
"""
import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import Case
from .workflow import OPEN

EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180
SUGGESTIONS = 5


@dataclass(frozen=True)
class Duplicate:
    case: Case
    distance_m: float


def possible_duplicates(user, *, category_id: int, lat: float, lng: float, now: dt.datetime | None = None,
                        exclude: Case | None = None) -> list[Duplicate]:
    """The nearest open cases of this category within ``CASE_DUPLICATE_RADIUS_M`` of the point and reported in the
    last ``CASE_DUPLICATE_DAYS`` days that ``user`` may see, nearest first."""
    radius = settings.CASE_DUPLICATE_RADIUS_M
    since = (now or timezone.now()) - dt.timedelta(days=settings.CASE_DUPLICATE_DAYS)
    dlat = radius / METRES_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    # Nearest first in the database (flat-earth distance in degrees of latitude, exact enough at 100 m to order by), so
    # that a busy spot with hundreds of open reports reads a few rows, not all of them.
    scale = math.cos(math.radians(lat))
    flat_distance = (F("lat") - lat) * (F("lat") - lat) + (F("lng") - lng) * (F("lng") - lng) * scale * scale
    nearby = (Case.objects.visible_to(user)
              .filter(category_id=category_id, status__in=OPEN, created_at__gte=since,
                      lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
              .select_related("grid").only("number", "title", "status", "lat", "lng", "address", "created_at",
                                           "grid__code", "grid__name")
              .alias(flat_distance=flat_distance).order_by("flat_distance", "pk"))
    if exclude is not None:
        nearby = nearby.exclude(pk=exclude.pk)
    found = [Duplicate(case, distance_m(lat, lng, case.lat, case.lng)) for case in nearby[:SUGGESTIONS * 2]]
    return sorted((d for d in found if d.distance_m <= radius), key=lambda d: d.distance_m)[:SUGGESTIONS]


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
