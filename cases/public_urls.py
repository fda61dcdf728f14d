from django.urls import path

from . import public_views

app_name = "public"
urlpatterns = [
    path("report/", public_views.public_report, name="report"),
    path("track/", public_views.public_track, name="track"),
    path("track/<str:token>/", public_views.public_case, name="case"),
]
