"""Read queries of the orgs app, each scoped to the user. Organisations live in an area (their
street, or the district); staff see their area's and the district-level ones. The public
disclosure queries show only what is published by law."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from grids.scoping import area_rows_q
from grids.selectors import scope_of

from .models import (
    Award,
    CatalogueItem,
    Complaint,
    IncubationService,
    IncubationSite,
    PurchaseProject,
    SocialOrganisation,
    Tenancy,
)
from .workdays import working_days_between


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def organisations_visible_to(user) -> QuerySet[SocialOrganisation]:
    if not _authenticated(user):
        return SocialOrganisation.objects.none()
    return SocialOrganisation.objects.filter(area_rows_q(user, "area_code")).select_related("street", "community")


def organisation_get_for_user(user, pk) -> SocialOrganisation:
    return get_object_or_404(organisations_visible_to(user), pk=pk)


def overdue_applications_for(user) -> QuerySet[SocialOrganisation]:
    return organisations_visible_to(user).filter(status=SocialOrganisation.Status.APPLIED, is_overdue=True)


def working_days_taken(organisation: SocialOrganisation) -> int:
    """Working days from application to decision (or to today while still pending)."""
    return working_days_between(organisation.applied_on, organisation.decided_on or timezone.localdate())


def incubation_sites_visible_to(user) -> QuerySet[IncubationSite]:
    if not _authenticated(user):
        return IncubationSite.objects.none()
    return IncubationSite.objects.select_related("street").order_by("kind", "code")


@dataclass(frozen=True)
class Occupancy:
    site: IncubationSite
    occupied_m2: int
    tenants: int
    services_this_year: int
    service_hours_this_year: Decimal

    @property
    def share(self) -> float:
        return round(self.occupied_m2 * 100 / self.site.area_m2, 1) if self.site.area_m2 else 0.0


def current_tenancies(on=None) -> QuerySet[Tenancy]:
    on = on or timezone.localdate()
    return Tenancy.objects.filter(starts_on__lte=on).filter(
        Q(ended_early_on__isnull=True, ends_on__gte=on) | Q(ended_early_on__gte=on)
    )


def incubation_occupancy(user) -> list[Occupancy]:
    year = timezone.localdate().year
    rows = []
    for site in incubation_sites_visible_to(user):
        current = current_tenancies().filter(site=site)
        services = site.services.filter(provided_on__year=year).aggregate(n=Count("id"), h=Sum("hours"))
        rows.append(Occupancy(
            site=site, occupied_m2=current.aggregate(a=Sum("area_m2"))["a"] or 0,
            tenants=current.values("organisation").distinct().count(),
            services_this_year=services["n"], service_hours_this_year=services["h"] or Decimal("0"),
        ))
    return rows


def tenancies_visible_to(user) -> QuerySet[Tenancy]:
    if not _authenticated(user):
        return Tenancy.objects.none()
    return Tenancy.objects.filter(organisation__in=organisations_visible_to(user)).select_related(
        "site", "organisation").order_by("site__code", "-starts_on")


def incubation_services_visible_to(user) -> QuerySet[IncubationService]:
    if not _authenticated(user):
        return IncubationService.objects.none()
    return IncubationService.objects.filter(organisation__in=organisations_visible_to(user)).select_related(
        "site", "organisation")


def catalogue_items() -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.annotate(project_count=Count("projects")).order_by("field", "code")


def projects_visible_to(user) -> QuerySet[PurchaseProject]:
    if not _authenticated(user):
        return PurchaseProject.objects.none()
    return PurchaseProject.objects.filter(area_rows_q(user, "area_code")).select_related("item", "provider", "street")


def project_get_for_user(user, pk) -> PurchaseProject:
    return get_object_or_404(projects_visible_to(user), pk=pk)


def purchase_totals(projects: QuerySet[PurchaseProject], *, by: str) -> list[dict]:
    """Projects and budget summed by ``year`` or by ``field`` (terminated projects excluded)."""
    key = {"year": "year", "field": "item__field"}[by]
    return list(
        projects.exclude(status=PurchaseProject.Status.TERMINATED).order_by().values(key)
        .annotate(projects=Count("id"), budget=Sum("budget")).order_by(key)
    )


def awards_visible_to(user) -> QuerySet[Award]:
    if not _authenticated(user):
        return Award.objects.none()
    return Award.objects.filter(organisation__in=organisations_visible_to(user)).select_related("organisation")


def award_totals(awards: QuerySet[Award]) -> list[dict]:
    return list(awards.order_by().values("year").annotate(awards=Count("id"), amount=Sum("amount")).order_by("-year"))


def complaints_visible_to(user) -> QuerySet[Complaint]:
    if not _authenticated(user):
        return Complaint.objects.none()
    return Complaint.objects.filter(organisation__in=organisations_visible_to(user)).select_related("organisation")


def complaint_get_for_user(user, pk) -> Complaint:
    return get_object_or_404(complaints_visible_to(user), pk=pk)


def acts_district_wide(user) -> bool:
    return scope_of(user).everywhere


# --- public disclosure (信息公开) -----------------------------------------------------------------


def public_organisations() -> QuerySet[SocialOrganisation]:
    return SocialOrganisation.objects.filter(status__in=SocialOrganisation.STANDING).select_related("street")


def public_projects() -> QuerySet[PurchaseProject]:
    return PurchaseProject.objects.exclude(status=PurchaseProject.Status.TERMINATED).select_related(
        "item", "provider", "street")


def public_awards() -> QuerySet[Award]:
    return Award.objects.select_related("organisation")
