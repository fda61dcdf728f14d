from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("grids", views.GridViewSet, basename="grid")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("stations", views.StationViewSet, basename="station")
router.register("staff", views.StaffViewSet, basename="staff")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("grids/locate/", views.LocateView.as_view(), name="grid-locate"),
    path("public/grids/<str:code>/staff/", views.PublicGridStaffView.as_view(), name="public-grid-staff"),
    *router.urls,
]
