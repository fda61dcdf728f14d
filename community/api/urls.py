from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("communities", views.CommunityViewSet, basename="community")
router.register("service-circle/sites", views.ServiceCircleSiteViewSet, basename="circle-site")
router.register("service-circle/providers", views.ServiceProviderViewSet, basename="circle-provider")
router.register("visit-categories", views.VisitCategoryViewSet, basename="visit-category")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("attendance", views.AttendanceViewSet, basename="attendance")
router.register("volunteer-orgs", views.VolunteerOrgViewSet, basename="volunteer-org")
router.register("volunteer-teams", views.VolunteerTeamViewSet, basename="volunteer-team")
router.register("volunteers", views.VolunteerViewSet, basename="volunteer")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("care-targets", views.CareTargetViewSet, basename="care-target")
router.register("care-pairings", views.CarePairingViewSet, basename="care-pairing")
router.register("owners-committees", views.OwnersCommitteeViewSet, basename="owners-committee")
router.register("property-companies", views.PropertyCompanyViewSet, basename="property-company")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("follow-ups", views.FollowUpViewSet, basename="follow-up")
router.register("matters", views.MatterViewSet, basename="matter")

app_name = "community-api"
urlpatterns = [
    path("public/matters/", views.PublicMatterListView.as_view(), name="public-matters"),
    path("public/matters/<int:pk>/", views.PublicMatterDetailView.as_view(), name="public-matter"),
    path("public/matters/<int:pk>/comments/", views.PublicMatterCommentView.as_view(), name="public-matter-comments"),
    path("public/matters/<int:pk>/ratings/", views.PublicMatterRatingView.as_view(), name="public-matter-ratings"),
    path("public/proposals/<str:code>/", views.PublicProposalTrackView.as_view(), name="public-proposal"),
    *router.urls,
]
