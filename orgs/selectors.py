"""Read queries of the orgs app that add something to ``Model.objects.visible_to(user)``: figures,
totals and occupancy. The public disclosure queries show only what is published by law, to
anyone."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.calendar import working_days_between

from .models import (
    Award,
    CatalogueItem,
    FundApplication,
    FundBudget,
    IncubationSite,
    PurchaseProject,
    SocialOrganisation,
    Tenancy,
)


def working_days_taken(organisation: SocialOrganisation) -> int:
    """Working days from application to decision (or to today while still pending)."""
    return working_days_between(organisation.applied_on, organisation.decided_on or timezone.localdate())


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
    """Per site the user sees: the floor area let now and its tenants (every tenant counts, whoever
    may see them), and the services given this year."""
    year = timezone.localdate().year
    rows = []
    for site in IncubationSite.objects.visible_to(user).select_related("street"):
        current = current_tenancies().filter(site=site)
        services = site.services.filter(provided_on__year=year).aggregate(n=Count("id"), h=Sum("hours"))
        rows.append(Occupancy(
            site=site, occupied_m2=current.aggregate(a=Sum("area_m2"))["a"] or 0,
            tenants=current.values("organisation").distinct().count(),
            services_this_year=services["n"], service_hours_this_year=services["h"] or Decimal("0"),
        ))
    return rows


def with_project_counts(items: QuerySet[CatalogueItem]) -> QuerySet[CatalogueItem]:
    return items.annotate(project_count=Count("projects")).order_by("field", "code")


def purchase_totals(projects: QuerySet[PurchaseProject], *, by: str) -> list[dict]:
    """Projects and budget summed by ``year`` or by ``field`` (terminated projects excluded)."""
    key = {"year": "year", "field": "item__field"}[by]
    return list(
        projects.exclude(status=PurchaseProject.Status.TERMINATED).order_by().values(key)
        .annotate(projects=Count("id"), budget=Sum("budget")).order_by(key)
    )


def award_totals(awards: QuerySet[Award]) -> list[dict]:
    return list(awards.order_by().values("year").annotate(awards=Count("id"), amount=Sum("amount")).order_by("-year"))


# --- public disclosure (信息公开) -----------------------------------------------------------------


def public_organisations() -> QuerySet[SocialOrganisation]:
    return SocialOrganisation.objects.filter(status__in=SocialOrganisation.STANDING).select_related("street")


def public_projects() -> QuerySet[PurchaseProject]:
    return PurchaseProject.objects.exclude(status=PurchaseProject.Status.TERMINATED).select_related(
        "item", "provider", "street")


def public_awards() -> QuerySet[Award]:
    return Award.objects.select_related("organisation")


# --- budgets and the innovation fund ----------------------------------------------------------------


def budgets_with_awarded(budgets: QuerySet[FundBudget]) -> QuerySet[FundBudget]:
    """Each budget with what its year has awarded (``awarded``) and what remains (``remaining``)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    awards = (Award.objects.filter(year=OuterRef("year")).order_by().values("year")
              .annotate(total=Sum("amount")).values("total"))
    funded = (FundApplication.objects.filter(call__year=OuterRef("year"), status__in=FundApplication.FUNDED)
              .order_by().values("call__year").annotate(total=Sum("awarded_amount")).values("total"))
    zero = Value(Decimal("0"), output_field=money)
    return budgets.annotate(awarded=Case(
        When(programme=FundBudget.Programme.AWARDS, then=Coalesce(Subquery(awards, output_field=money), zero)),
        default=Coalesce(Subquery(funded, output_field=money), zero), output_field=money,
    )).annotate(remaining=F("amount") - F("awarded"))


def fund_supported(applications: QuerySet[FundApplication]) -> dict:
    """How many projects the fund has supported and with how much (of the applications given)."""
    return applications.filter(status__in=FundApplication.FUNDED).aggregate(
        projects=Count("id"), amount=Sum("awarded_amount"))
