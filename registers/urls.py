from django.urls import path

from . import views

app_name = "registers"
urlpatterns = [
    path("", views.index, name="index"),
    path("grids/<str:code>/", views.grid_register, name="grid"),
    path("houses/new/", views.house_new, name="house-new"),
    path("houses/<int:pk>/", views.house_detail, name="house"),
    path("houses/<int:pk>/edit/", views.house_edit, name="house-edit"),
    path("residents/new/", views.resident_new, name="resident-new"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("places/new/", views.place_new, name="place-new"),
    path("places/<int:pk>/edit/", views.place_edit, name="place-edit"),
    path("import/", views.import_page, name="import"),
]
