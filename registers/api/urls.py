from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("houses", views.HouseViewSet, basename="house")
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("places", views.PlaceViewSet, basename="place")

app_name = "registers-api"
urlpatterns = [
    path("import/", views.RegisterImportView.as_view(), name="import"),
    *router.urls,
]
