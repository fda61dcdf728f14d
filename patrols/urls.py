from django.urls import path

from . import views

app_name = "patrols"
urlpatterns = [
    path("", views.patrol_index, name="index"),
    path("start/", views.patrol_start, name="start"),
    path("<int:pk>/", views.patrol_page, name="patrol"),
    path("<int:pk>/check-in/", views.patrol_check_in, name="check-in"),
    path("<int:pk>/end/", views.patrol_end, name="end"),
    path("check-ins/<int:pk>/photo/", views.check_in_photo, name="photo"),
]
