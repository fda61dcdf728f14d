from django.urls import path

from . import views

app_name = "public-grids"
urlpatterns = [
    path("", views.public_grid_index, name="index"),
    path("streets.geojson", views.public_street_outlines, name="streets"),
    path("<str:code>/staff/", views.public_grid_staff, name="staff"),
]
