"""Communities and service stations: office space against the standard (share computed from the
stations' areas), staff, and scoped figures."""
import pytest
from django.conf import settings

from grids.models import Community, ServiceStation
from tests.conftest import GRID_A, STREET_A, STREET_B

pytestmark = pytest.mark.django_db

URL = "/api/v1/community/communities/"


def test_the_space_standard_share_is_computed_from_station_areas(api_as, cast):
    stations = ServiceStation.objects.all()
    meeting = stations.filter(office_area_m2__gte=settings.COMMUNITY_SPACE_STANDARD_M2).count()
    figures = api_as(cast.commander).get(f"{URL}figures/").json()
    assert figures["communities"] == 570 and figures["stations"] == stations.count() == 495
    assert figures["stations_meeting_standard"] == meeting
    assert figures["meeting_standard_share"] == round(meeting * 100 / 495, 1)
    assert figures["meeting_standard_share"] >= 90  # the source: 95%+
    assert figures["service_circle_share"] == 49.3
    ServiceStation.objects.filter(pk__in=stations.filter(
        office_area_m2__gte=settings.COMMUNITY_SPACE_STANDARD_M2).values("pk")[:10]).update(office_area_m2=100)
    after = api_as(cast.commander).get(f"{URL}figures/").json()
    assert after["stations_meeting_standard"] == meeting - 10


def test_figures_are_scoped_to_the_users_street(api_as, cast):
    street_a = Community.objects.filter(street__code=STREET_A).count()
    assert api_as(cast.dispatcher_a).get(f"{URL}figures/").json()["communities"] == street_a
    codes = [row["code"] for row in api_as(cast.dispatcher_a).get(URL, {"page_size": 100}).json()["results"]]
    assert codes and all(code.startswith(STREET_A) for code in codes)
    assert api_as(cast.dispatcher_a).get(f"{URL}{STREET_B}001/").status_code == 404
    worker = api_as(cast.worker_a).get(URL).json()
    assert [row["code"] for row in worker["results"]] == [GRID_A[:12]]


def test_the_figures_page(client, cast):
    assert client.get("/community/communities/").status_code == 302
    client.force_login(cast.dispatcher_a)
    page = client.get("/community/communities/")
    assert page.status_code == 200 and "%" in page.content.decode()
    below = client.get("/community/communities/", {"below_standard": 1})
    assert all(not c.service_station.meets_space_standard for c in below.context["page"])
