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


def test_the_50_health_centres_and_178_stations_join_the_circle_inside_their_streets(api_as, cast):
    from shapely.geometry import Point, shape

    from grids.models import Grid

    Kind = ServiceCircleSite.Kind
    coverage = service_circle_coverage()
    assert (coverage.health_centres, coverage.health_stations) == (50, 178)
    assert (coverage.city_sites, coverage.district_sites, coverage.covered) == (110, 62, 281)  # unchanged
    boundaries = {code: shape(boundary) for code, boundary in
                  Grid.objects.filter(level=Grid.Level.STREET).values_list("code", "boundary")}
    health = ServiceCircleSite.objects.filter(kind__in=ServiceCircleSite.HEALTH_KINDS).select_related("street")
    for site in health:
        assert site.level == "" and boundaries[site.street.code].contains(Point(site.lng, site.lat)), site.code
        assert site.name.endswith("社区卫生服务中心" if site.kind == Kind.HEALTH_CENTRE else "卫生服务站"), site.name
    assert len({site.name for site in health}) == 228
    streets_with_a_centre = set(health.filter(kind=Kind.HEALTH_CENTRE).values_list("street__code", flat=True))
    assert streets_with_a_centre == set(Grid.objects.filter(level=Grid.Level.STREET, communities__isnull=False)
                                        .values_list("code", flat=True))
    api = api_as(cast.call_taker)
    assert api.get("/api/v1/community/service-circle/sites/", {"kind": "health_centre"}).json()["count"] == 50
    stations = api.get("/api/v1/community/service-circle/sites/", {"kind": "health_station"}).json()
    assert stations["count"] == 178 and stations["results"][0]["lat"] is not None
    figures = api.get("/api/v1/community/service-circle/sites/coverage/").json()
    assert (figures["health_centres"], figures["health_stations"]) == (50, 178)


def test_seeding_again_changes_no_health_site():
    from community.seeding import _seed_health_sites

    before = list(ServiceCircleSite.objects.filter(kind__in=ServiceCircleSite.HEALTH_KINDS)
                  .order_by("code").values_list("code", "name", "lat", "lng"))
    assert _seed_health_sites() == (0, 0)
    assert list(ServiceCircleSite.objects.filter(kind__in=ServiceCircleSite.HEALTH_KINDS)
                .order_by("code").values_list("code", "name", "lat", "lng")) == before


def test_the_page_counts_and_lists_the_health_sites_in_chinese(client, cast):
    client.force_login(cast.worker_a)
    page = client.get("/community/service-circle/")
    html = page.content.decode()
    assert (page.context["coverage"].health_centres, page.context["coverage"].health_stations) == (50, 178)
    assert "社区卫生服务中心" in html and "社区卫生服务站" in html
    centres = client.get("/community/service-circle/", {"kind": "health_centre"})
    assert centres.context["page"].paginator.count == 50 and centres.context["kind"] == "health_centre"
    assert "社区卫生服务中心" in centres.content.decode()
