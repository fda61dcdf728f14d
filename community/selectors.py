"""Read queries of the community app. Each takes the user and returns only what they may see.

Deny by default: an anonymous user or one without grid scope gets nothing. Missing and forbidden
look the same (``*_get_for_user`` raises Http404).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from grids.models import Community, ServiceStation, StaffProfile
from grids.scoping import area_rows_q, grid_rows_q
from grids.selectors import grids_visible_to

from .models import (
    ActivitySignup,
    AttendanceRecord,
    CareContact,
    CarePairing,
    CareTarget,
    DeliberationMeeting,
    FollowUpAction,
    Household,
    PracticalMatter,
    ServiceCircleSite,
    ServiceOutlet,
    ServiceProvider,
    Visit,
    VisitCategory,
    Volunteer,
    VolunteerActivity,
    VolunteerOrg,
    VolunteerTeam,
)


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def share(part: int, whole: int) -> float:
    """A percentage with one decimal (49.3), 0 for an empty whole."""
    return round(part * 100 / whole, 1) if whole else 0.0


# --- communities and service stations ---------------------------------------------------------


def communities_visible_to(user) -> QuerySet[Community]:
    return Community.objects.filter(id__in=grids_visible_to(user).values("community_id"))


def community_get_for_user(user, code: str) -> Community:
    return get_object_or_404(communities_visible_to(user), code=code)


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
    communities = communities_visible_to(user)
    stations = ServiceStation.objects.filter(community__in=communities)
    return CommunityFigures(
        communities=communities.count(),
        stations=stations.count(),
        stations_meeting_standard=stations.filter(office_area_m2__gte=settings.COMMUNITY_SPACE_STANDARD_M2).count(),
        space_standard_m2=settings.COMMUNITY_SPACE_STANDARD_M2,
        community_staff=StaffProfile.objects.filter(home_grid__community__in=communities).count(),
        covered_by_service_circle=communities.filter(service_circle_sites__isnull=False).distinct().count(),
    )


def community_rows(user) -> QuerySet[Community]:
    """Communities with their station and staff counts, for the figures table."""
    return (
        communities_visible_to(user)
        .select_related("street", "service_station")
        .annotate(
            staff_count=Count("grids__staff", distinct=True),
            circle_sites=Count("service_circle_sites", distinct=True),
        )
        .order_by("code")
    )


# --- 15-minute service circle -------------------------------------------------------------------


def service_circle_sites_visible_to(user) -> QuerySet[ServiceCircleSite]:
    # The designations are public record; any staff login may read them.
    if not _authenticated(user):
        return ServiceCircleSite.objects.none()
    return ServiceCircleSite.objects.select_related("street").annotate(
        community_count=Count("communities", distinct=True)
    ).order_by("street__code", "code")


def service_providers_visible_to(user) -> QuerySet[ServiceProvider]:
    if not _authenticated(user):
        return ServiceProvider.objects.none()
    return ServiceProvider.objects.annotate(outlet_count=Count("outlets")).order_by("code")


def service_outlets_visible_to(user) -> QuerySet[ServiceOutlet]:
    if not _authenticated(user):
        return ServiceOutlet.objects.none()
    return ServiceOutlet.objects.select_related("provider", "community", "site")


@dataclass(frozen=True)
class CircleCoverage:
    communities: int
    covered: int
    city_sites: int
    district_sites: int
    providers_under_contract: int
    outlets: int

    @property
    def share(self) -> float:
        return share(self.covered, self.communities)


def service_circle_coverage(*, street_code: str = "") -> CircleCoverage:
    """How many communities (of the district or one street) a demonstration site covers."""
    communities = Community.objects.all()
    sites = ServiceCircleSite.objects.all()
    if street_code:
        communities = communities.filter(street__code=street_code)
        sites = sites.filter(street__code=street_code)
    today = timezone.localdate()
    by_level = dict(sites.values_list("level").annotate(n=Count("id")))
    return CircleCoverage(
        communities=communities.count(),
        covered=communities.filter(service_circle_sites__isnull=False).distinct().count(),
        city_sites=by_level.get(ServiceCircleSite.Level.CITY, 0),
        district_sites=by_level.get(ServiceCircleSite.Level.DISTRICT, 0),
        providers_under_contract=ServiceProvider.objects.filter(contracted_on__lte=today)
        .filter(Q(contract_ends_on__isnull=True) | Q(contract_ends_on__gte=today))
        .count(),
        outlets=ServiceOutlet.objects.filter(community__in=communities).count(),
    )


# --- must-visit households (sensitive) ------------------------------------------------------------


def visit_categories() -> QuerySet[VisitCategory]:
    return VisitCategory.objects.all()


def households_visible_to(user) -> QuerySet[Household]:
    """The grid's own staff and their supervisors only (strict grid scope, never widened)."""
    if not _authenticated(user):
        return Household.objects.none()
    return Household.objects.filter(grid_rows_q(user, "grid__code")).select_related("grid")


def household_get_for_user(user, pk) -> Household:
    return get_object_or_404(households_visible_to(user).prefetch_related("categories"), pk=pk)


def overdue_households_for(user) -> QuerySet[Household]:
    """Households the sweep has flagged overdue, oldest due first."""
    return households_visible_to(user).filter(active=True, is_overdue=True).order_by("next_visit_due")


def visits_visible_to(user) -> QuerySet[Visit]:
    if not _authenticated(user):
        return Visit.objects.none()
    return Visit.objects.filter(grid_rows_q(user, "household__grid__code")).select_related("household", "visitor")


# --- must-attend records ----------------------------------------------------------------------


def attendance_visible_to(user) -> QuerySet[AttendanceRecord]:
    if not _authenticated(user):
        return AttendanceRecord.objects.none()
    return AttendanceRecord.objects.filter(grid_rows_q(user, "grid__code")).select_related("grid", "attendee")


# --- volunteers -------------------------------------------------------------------------------


def volunteer_orgs_visible_to(user) -> QuerySet[VolunteerOrg]:
    # The network is the district's public organisation chart.
    if not _authenticated(user):
        return VolunteerOrg.objects.none()
    return VolunteerOrg.objects.select_related("parent", "street", "community").annotate(
        team_count=Count("teams", distinct=True)
    ).order_by("area_code", "code")


def volunteer_teams_visible_to(user) -> QuerySet[VolunteerTeam]:
    if not _authenticated(user):
        return VolunteerTeam.objects.none()
    return VolunteerTeam.objects.filter(area_rows_q(user, "org__area_code")).select_related("org")


def volunteers_visible_to(user) -> QuerySet[Volunteer]:
    if not _authenticated(user):
        return Volunteer.objects.none()
    return Volunteer.objects.filter(area_rows_q(user, "community__code")).select_related("community")


def volunteer_get_for_user(user, pk) -> Volunteer:
    return get_object_or_404(volunteers_visible_to(user), pk=pk)


def activities_visible_to(user) -> QuerySet[VolunteerActivity]:
    if not _authenticated(user):
        return VolunteerActivity.objects.none()
    return (
        VolunteerActivity.objects.filter(area_rows_q(user, "team__org__area_code"))
        .select_related("team", "community")
        .annotate(
            signed_up=Count("signups", filter=~Q(signups__attendance=ActivitySignup.Attendance.WITHDRAWN))
        )
        .order_by("-starts_at", "-id")
    )


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


def care_targets_visible_to(user) -> QuerySet[CareTarget]:
    if not _authenticated(user):
        return CareTarget.objects.none()
    active_pairing = CarePairing.objects.filter(target=OuterRef("pk"), ended_on__isnull=True)
    return (
        CareTarget.objects.filter(grid_rows_q(user, "grid__code"))
        .select_related("grid", "grid__community")
        .annotate(covered=Exists(active_pairing))
    )


def care_pairings_visible_to(user) -> QuerySet[CarePairing]:
    if not _authenticated(user):
        return CarePairing.objects.none()
    return CarePairing.objects.filter(grid_rows_q(user, "target__grid__code")).select_related("target", "volunteer")


def care_contacts_visible_to(user) -> QuerySet[CareContact]:
    if not _authenticated(user):
        return CareContact.objects.none()
    return CareContact.objects.filter(grid_rows_q(user, "pairing__target__grid__code")).select_related("pairing")


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
        care_targets_visible_to(user)
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


# --- deliberation -----------------------------------------------------------------------------


def meetings_visible_to(user) -> QuerySet[DeliberationMeeting]:
    if not _authenticated(user):
        return DeliberationMeeting.objects.none()
    return DeliberationMeeting.objects.filter(area_rows_q(user, "community__code")).select_related("community")


def follow_up_actions_visible_to(user) -> QuerySet[FollowUpAction]:
    if not _authenticated(user):
        return FollowUpAction.objects.none()
    return FollowUpAction.objects.filter(area_rows_q(user, "meeting__community__code")).select_related("meeting")


# --- practical matters ----------------------------------------------------------------------------


def matters_visible_to(user) -> QuerySet[PracticalMatter]:
    if not _authenticated(user):
        return PracticalMatter.objects.none()
    return PracticalMatter.objects.filter(area_rows_q(user, "community__code")).select_related(
        "community", "community__street"
    )


def matter_get_for_user(user, pk) -> PracticalMatter:
    return get_object_or_404(matters_visible_to(user), pk=pk)


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
    return communities_visible_to(user).filter(~Exists(taken_up)).select_related("street").order_by("code")
