from django.urls import path
from rest_framework.routers import SimpleRouter

from . import funds, views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("incubation/sites", views.IncubationSiteViewSet, basename="incubation-site")
router.register("incubation/tenancies", views.TenancyViewSet, basename="tenancy")
router.register("incubation/services", views.IncubationServiceViewSet, basename="incubation-service")
router.register("catalogue", views.CatalogueViewSet, basename="catalogue")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("awards", views.AwardViewSet, basename="award")
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("fund/budgets", funds.BudgetViewSet, basename="fund-budget")
router.register("fund/calls", funds.CallViewSet, basename="fund-call")
router.register("fund/applications", funds.ApplicationViewSet, basename="fund-application")

app_name = "orgs-api"
urlpatterns = [
    path("public/organisations/", views.PublicOrganisationList.as_view(), name="public-organisations"),
    path("public/projects/", views.PublicProjectList.as_view(), name="public-projects"),
    path("public/complaints/", views.PublicComplaintView.as_view(), name="public-complaints"),
    *router.urls,
]
