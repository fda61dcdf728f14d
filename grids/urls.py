from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("geojson/", views.grids_geojson, name="geojson"),
    path("<str:code>/", views.grid_page, name="grid"),
]
