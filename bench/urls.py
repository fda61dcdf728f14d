"""The platform's routes plus the bare endpoint, served by the same gunicorn."""
from django.urls import include, path

from haidian.urls import urlpatterns as platform

urlpatterns = [path("bench/bare/", include("bench.bare.urls")), *platform]
