"""The site's URLs plus one page that fails, to see the 500 page (tests only: @pytest.mark.urls)."""
from django.urls import path

from haidian.urls import handler403, handler404, handler500
from haidian.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a page that fails, for the 500 page")


urlpatterns = [path("broken/", broken), path("api/v1/broken/", broken), *site_urlpatterns]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
