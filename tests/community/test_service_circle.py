"""The 15-minute service circle: coverage is computed from the sites' communities, not typed in."""
import pytest

from community.models import ServiceCircleSite, ServiceOutlet, ServiceProvider
from community.selectors import service_circle_coverage

pytestmark = pytest.mark.django_db


def test_it_reproduces_the_sources_figures_from_data():
    coverage = service_circle_coverage()
    assert (coverage.city_sites, coverage.district_sites) == (110, 62)
    assert (coverage.covered, coverage.communities) == (281, 570)
    assert coverage.share == 49.3
    assert coverage.providers_under_contract >= 600
    assert ServiceOutlet.objects.count() > ServiceProvider.objects.count()


def test_the_api_and_page_show_the_coverage(api_as, client, cast):
    coverage = api_as(cast.worker_a).get("/api/v1/community/service-circle/sites/coverage/").json()
    assert coverage["share"] == 49.3 and coverage["covered"] == 281
    street = api_as(cast.worker_a).get("/api/v1/community/service-circle/sites/coverage/",
                                       {"street": "110108009"}).json()
    assert 0 < street["communities"] < 570
    assert api_as(cast.worker_a).get("/api/v1/community/service-circle/sites/coverage/",
                                     {"street": "x"}).status_code == 400
    sites = api_as(cast.worker_a).get("/api/v1/community/service-circle/sites/", {"level": "city"}).json()
    assert sites["count"] == 110
    client.force_login(cast.worker_a)
    page = client.get("/community/service-circle/")
    assert page.status_code == 200 and "49.3%" in page.content.decode()


def test_coverage_follows_the_data(cast):
    site = ServiceCircleSite.objects.filter(communities__isnull=False).first()
    removed = site.communities.count()
    site.communities.clear()
    assert service_circle_coverage().covered == 281 - removed


def test_anonymous_callers_are_refused(api, client):
    assert api.get("/api/v1/community/service-circle/sites/").status_code in (401, 403)
    assert client.get("/community/service-circle/").status_code == 302


def test_the_page_narrows_the_sites_to_a_street(client, cast):
    client.force_login(cast.worker_a)
    street = client.get("/community/service-circle/", {"street": "110108009"})
    assert street.status_code == 200 and street.context["street"] == "110108009"
    assert {site.street.code for site in street.context["page"]} == {"110108009"}
    assert street.context["coverage"].communities < 570 and street.context["district"].communities == 570
    for unknown in ("110108009001001", "x"):  # a unit grid, not a street; not a code: the whole district
        whole = client.get("/community/service-circle/", {"street": unknown})
        assert whole.status_code == 200 and whole.context["street"] == "" and whole.context["district"] is None
        assert whole.context["page"].paginator.count == ServiceCircleSite.objects.count()
