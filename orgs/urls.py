from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.placeholder, name="organisations"),
    path("public/", views.placeholder, name="public"),
]
