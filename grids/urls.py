from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "grids"
urlpatterns = [
    path("geojson/", views.grids_geojson, name="geojson"),
    # A grid's page shows its cases, so it lives with them (cases:grid); old links still work.
    path("<str:code>/", RedirectView.as_view(pattern_name="cases:grid", permanent=True), name="grid"),
]
