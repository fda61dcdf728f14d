"""Incubation: the district centre and the bases (双榆树 1,100 m², 金源 700 m²), tenancies within
the space there is, services given, and occupancy computed from the tenancies."""
from datetime import timedelta

import pytest
from django.utils import timezone

from orgs.models import IncubationService, IncubationSite, Tenancy
from tests.orgs.conftest import make_organisation

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/incubation/"


def test_the_sites_of_the_source_are_there(api_as, cast):
    sites = {row["code"]: row for row in api_as(cast.dispatcher_a).get(f"{BASE}sites/").json()}
    assert sites["shuangyushu"]["area_m2"] == 1100 and sites["jinyuan"]["area_m2"] == 700
    assert sites["centre"]["kind"] == "centre"


def _let(client, organisation, area, room="101", site="jinyuan", days=365):
    today = timezone.localdate()
    return client.post(f"{BASE}tenancies/", {"site": site, "organisation": organisation.pk, "room": room,
                                             "area_m2": area, "starts_on": str(today),
                                             "ends_on": str(today + timedelta(days=days))})


def test_tenancies_fit_the_space_and_occupancy_follows(api_as, cast, provider):
    client = api_as(cast.commander)
    other = make_organisation("青苗助学中心")
    assert _let(client, provider, 400).status_code == 201
    clash = _let(client, other, 50)
    assert clash.status_code == 400 and "room" in clash.json()
    too_big = _let(client, other, 301, room="102")
    assert too_big.status_code == 400 and "area_m2" in too_big.json()
    assert _let(client, other, 300, room="102").status_code == 201
    occupancy = {row["site"]["code"]: row for row in client.get(f"{BASE}sites/occupancy/").json()}
    assert occupancy["jinyuan"]["occupied_m2"] == 700 and occupancy["jinyuan"]["share"] == 100.0
    assert occupancy["jinyuan"]["tenants"] == 2
    tenancy = Tenancy.objects.get(organisation=other)
    end = f"{BASE}tenancies/{tenancy.pk}/end/"
    assert client.post(end, {"ended_on": str(timezone.localdate() - timedelta(days=1))}).status_code == 400  # too early
    assert client.post(end, {}).status_code == 200
    assert client.post(end, {}).status_code == 409  # ended already
    tomorrow_occupancy = client.get(f"{BASE}sites/occupancy/").json()
    assert any(row["site"]["code"] == "jinyuan" for row in tomorrow_occupancy)


def test_services_are_recorded_and_counted(api_as, cast, provider):
    client = api_as(cast.commander)
    response = client.post(f"{BASE}services/", {"site": "shuangyushu", "organisation": provider.pk,
                                                "kind": "registration", "provided_on": str(timezone.localdate()),
                                                "hours": "3.5"})
    assert response.status_code == 201, response.content
    bad = client.post(f"{BASE}services/", {"site": "shuangyushu", "organisation": provider.pk, "kind": "magic",
                                           "provided_on": str(timezone.localdate()), "hours": "0"})
    assert bad.status_code == 400 and {"kind", "hours"} <= set(bad.json())
    occupancy = {row["site"]["code"]: row for row in client.get(f"{BASE}sites/occupancy/").json()}
    assert occupancy["shuangyushu"]["services_this_year"] == 1
    assert IncubationService.objects.count() == 1


def test_only_the_district_lets_space(api_as, cast, provider):
    response = _let(api_as(cast.dispatcher_a), provider, 10)
    assert response.status_code == 403
    exited = make_organisation("已注销组织", status="deregistered")
    response = _let(api_as(cast.commander), exited, 10)
    assert response.status_code == 400 and "organisation" in response.json()
    assert not Tenancy.objects.exists()


def test_the_incubation_page(client, cast, provider):
    client.force_login(cast.commander)
    page = client.get("/orgs/incubation/")
    assert page.status_code == 200 and "双榆树" in page.content.decode()
    site = IncubationSite.objects.get(code="jinyuan")
    bad = client.post("/orgs/incubation/", {
        "form": "tenancy", "tenancy-site": site.pk, "tenancy-organisation": provider.registration_number.lower(),
        "tenancy-room": "A1", "tenancy-area_m2": 800, "tenancy-starts_on": str(timezone.localdate()),
        "tenancy-ends_on": str(timezone.localdate() + timedelta(days=30))})
    assert bad.status_code == 400 and 'value="A1"' in bad.content.decode()
    assert not Tenancy.objects.exists()
