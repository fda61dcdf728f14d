"""Read queries of the community app that add something to what a user sees: counts, figures and
coverage. Which rows a user sees is the models' business (``Model.objects.visible_to(user)``,
deny by default); every function here that takes a user starts from it.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.db import count_of
from grids.models import Community, ServiceStation, StaffProfile

from .models import (
    ActivitySignup,
    CarePairing,
    CareTarget,
    PracticalMatter,
    ServiceCircleSite,
    ServiceOutlet,
    ServiceProvider,
    Volunteer,
    VolunteerActivity,
)


def share(part: int, whole: int) -> float:
    """A percentage with one decimal (49.3), 0 for an empty whole."""
    return round(part * 100 / whole, 1) if whole else 0.0


# --- communities and service stations ---------------------------------------------------------


@dataclass(frozen=True)
class CommunityFigures:
    communities: int
    stations: int
    stations_meeting_standard: int
    space_standard_m2: int
    community_staff: int
    covered_by_service_circle: int

    @property
    def meeting_standard_share(self) -> float:
        return share(self.stations_meeting_standard, self.stations)

    @property
    def service_circle_share(self) -> float:
        return share(self.covered_by_service_circle, self.communities)


def community_figures(user) -> CommunityFigures:
    communities = Community.objects.visible_to(user)
    stations = ServiceStation.objects.filter(community__in=communities)
    return CommunityFigures(
        communities=communities.count(),
        stations=stations.count(),
        stations_meeting_standard=stations.filter(office_area_m2__gte=settings.COMMUNITY_SPACE_STANDARD_M2).count(),
        space_standard_m2=settings.COMMUNITY_SPACE_STANDARD_M2,
        community_staff=StaffProfile.objects.filter(home_grid__community__in=communities).count(),
        covered_by_service_circle=communities.filter(service_circle_sites__isnull=False).distinct().count(),
    )


def with_station_and_staff(communities: QuerySet[Community]) -> QuerySet[Community]:
    """Communities with their station, staff count and service-circle sites, for the figures table. Each count is
    a subquery per community: counted over joins, every grid's staff multiplied the sites and each count was made
    DISTINCT (PostgreSQL: 58 ms for the district's 570 communities, against 30 ms)."""
    return (
        communities.select_related("street", "service_station")
        .annotate(staff_count=count_of(StaffProfile.objects.all(), "home_grid__community"),
                  circle_sites=count_of(ServiceCircleSite.communities.through.objects.all(), "community"))
        .order_by("code")
    )


# --- 15-minute service circle -------------------------------------------------------------------


@dataclass(frozen=True)
class CircleCoverage:
    communities: int
    covered: int
    city_sites: int
    district_sites: int
    providers_under_contract: int
    outlets: int
    health_centres: int
    health_stations: int

    @property
    def share(self) -> float:
        return share(self.covered, self.communities)


def service_circle_coverage(*, street_code: str = "") -> CircleCoverage:
    """How many communities (of the district or one street) a demonstration site covers. The
    designations are public record: the same figures for everyone."""
    communities = Community.objects.all()
    sites = ServiceCircleSite.objects.all()
    if street_code:
        communities = communities.filter(street__code=street_code)
        sites = sites.filter(street__code=street_code)
    today = timezone.localdate()
    by_level = dict(sites.filter(kind=ServiceCircleSite.Kind.DEMONSTRATION).values_list("level")
                    .annotate(n=Count("id")).order_by())
    by_kind = dict(sites.values_list("kind").annotate(n=Count("id")).order_by())
    return CircleCoverage(
        communities=communities.count(),
        covered=communities.filter(service_circle_sites__isnull=False).distinct().count(),
        city_sites=by_level.get(ServiceCircleSite.Level.CITY, 0),
        district_sites=by_level.get(ServiceCircleSite.Level.DISTRICT, 0),
        providers_under_contract=ServiceProvider.objects.filter(contracted_on__lte=today)
        .filter(Q(contract_ends_on__isnull=True) | Q(contract_ends_on__gte=today))
        .count(),
        outlets=ServiceOutlet.objects.filter(community__in=communities).count(),
        health_centres=by_kind.get(ServiceCircleSite.Kind.HEALTH_CENTRE, 0),
        health_stations=by_kind.get(ServiceCircleSite.Kind.HEALTH_STATION, 0),
    )


# --- volunteers -------------------------------------------------------------------------------


def with_signup_count(activities: QuerySet[VolunteerActivity]) -> QuerySet[VolunteerActivity]:
    """Activities with the places taken (``signed_up``: sign-ups not withdrawn), newest first."""
    return activities.annotate(
        signed_up=Count("signups", filter=~Q(signups__attendance=ActivitySignup.Attendance.WITHDRAWN))
    ).order_by("-starts_at", "-id")


def volunteer_hours(volunteer: Volunteer) -> Decimal:
    total = volunteer.signups.filter(attendance=ActivitySignup.Attendance.ATTENDED).aggregate(t=Sum("hours"))["t"]
    return total or Decimal("0")


def volunteer_service_record(volunteer: Volunteer) -> QuerySet[ActivitySignup]:
    """The per-person service-hours record: every activity attended, newest first."""
    return (
        volunteer.signups.filter(attendance=ActivitySignup.Attendance.ATTENDED)
        .select_related("activity", "activity__team")
        .order_by("-activity__starts_at")
    )


# --- neighbour care -------------------------------------------------------------------------------


def with_cover(targets: QuerySet[CareTarget]) -> QuerySet[CareTarget]:
    """Residents with whether they have an active helper (``covered``)."""
    return targets.annotate(covered=Exists(CarePairing.objects.filter(target=OuterRef("pk"), ended_on__isnull=True)))


@dataclass(frozen=True)
class CoverageRow:
    community: str
    building: str
    targets: int
    covered: int

    @property
    def share(self) -> float:
        return share(self.covered, self.targets)


def care_coverage(user, *, by_building: bool = False) -> list[CoverageRow]:
    """Residents needing care who have an active helper, per community (or per building)."""
    keys = ["grid__community__name", "building"] if by_building else ["grid__community__name"]
    rows = (
        with_cover(CareTarget.objects.visible_to(user))
        .filter(active=True)
        .order_by()
        .values(*keys)
        .annotate(targets=Count("id"), covered_count=Count("id", filter=Q(covered=True)))
        .order_by(*keys)
    )
    return [
        CoverageRow(
            community=row["grid__community__name"] or "",
            building=row.get("building", ""),
            targets=row["targets"],
            covered=row["covered_count"],
        )
        for row in rows
    ]


# --- practical matters ----------------------------------------------------------------------------


def public_matters() -> QuerySet[PracticalMatter]:
    """What residents see: matters taken up, with their progress and satisfaction."""
    return (
        PracticalMatter.objects.filter(status__in=PracticalMatter.PUBLIC_STATUSES)
        .select_related("community", "community__street")
        .annotate(rating_count=Count("ratings", distinct=True), rating_avg=Avg("ratings__score"))
        .order_by("-is_key", "-year", "-id")
    )


def public_matter_get(pk) -> PracticalMatter:
    return get_object_or_404(public_matters(), pk=pk)


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    average: float | None
    satisfied: int

    @property
    def satisfied_share(self) -> float:
        return share(self.satisfied, self.ratings)


def matter_satisfaction(matter: PracticalMatter) -> Satisfaction:
    figures = matter.ratings.aggregate(n=Count("id"), avg=Avg("score"), ok=Count("id", filter=Q(score__gte=4)))
    average = round(figures["avg"], 2) if figures["avg"] is not None else None
    return Satisfaction(ratings=figures["n"], average=average, satisfied=figures["ok"])


def communities_without_matter(user, year: int) -> QuerySet[Community]:
    """Communities in the user's view with no practical matter taken up in the year (flagged)."""
    taken_up = PracticalMatter.objects.filter(
        community=OuterRef("pk"), year=year, status__in=PracticalMatter.PUBLIC_STATUSES
    )
    return Community.objects.visible_to(user).filter(~Exists(taken_up)).select_related("street").order_by("code")
