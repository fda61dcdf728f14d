"""Neighbour care (邻里守望): helpers paired with residents in need, contact logs, and coverage
per community and per building computed from the pairings."""
from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import CareContact, CarePairing, CareTarget
from tests.conftest import GRID_A, GRID_B

pytestmark = pytest.mark.django_db

BASE = "/api/v1/community/"


def _target(client, name, building="1号楼", kind="empty_nest", grid=GRID_A):
    response = client.post(f"{BASE}care-targets/", {"grid": grid, "kind": kind, "name": name, "building": building,
                                                    "entrance": "2单元", "floor": 3})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_pairing_contacts_and_coverage(api_as, cast):
    client = api_as(cast.worker_a)
    old = _target(client, "独居老人甲")
    disabled = _target(client, "残疾人乙", kind="disabled")
    _target(client, "新居民丙", building="2号楼", kind="new_resident")
    pairing = client.post(f"{BASE}care-targets/{old}/pairings/",
                          {"helper_name": "邻居赵", "helper_phone": "13700000001"})
    assert pairing.status_code == 201, pairing.content
    assert client.post(f"{BASE}care-targets/{disabled}/pairings/",
                       {"helper_name": "楼门长", "helper_phone": "13700000002",
                        "relation": "building_head"}).status_code == 201
    contact = client.post(f"{BASE}care-pairings/{pairing.json()['id']}/contacts/",
                          {"note": "每天敲门问候", "mode": "visit", "concern_raised": True})
    assert contact.status_code == 201 and CareContact.objects.get().concern_raised

    rows = client.get(f"{BASE}care-targets/coverage/", {"by": "building"}).json()
    by_building = {row["building"]: row for row in rows}
    first = by_building["1号楼"]
    assert (first["covered"], first["targets"], first["share"]) == (2, 2, 100.0)
    assert (by_building["2号楼"]["covered"], by_building["2号楼"]["share"]) == (0, 0.0)
    community = client.get(f"{BASE}care-targets/coverage/").json()
    assert len(community) == 1 and community[0]["share"] == 66.7

    ended = client.post(f"{BASE}care-pairings/{pairing.json()['id']}/end/", {})
    assert ended.status_code == 200 and ended.json()["ended_on"]
    community = client.get(f"{BASE}care-targets/coverage/").json()
    assert community[0]["covered"] == 1
    assert client.post(f"{BASE}care-pairings/{pairing.json()['id']}/contacts/", {"note": "x"}).status_code == 409


def test_bad_input_gets_400_and_changes_nothing(api_as, cast):
    client = api_as(cast.worker_a)
    target = _target(client, "独居老人甲")
    assert client.post(f"{BASE}care-targets/", {"grid": GRID_B, "kind": "disabled", "name": "x",
                                                "building": "1"}).status_code == 400
    assert client.post(f"{BASE}care-targets/", {"grid": GRID_A, "kind": "alien", "name": "x",
                                                "building": "1"}).status_code == 400
    not_a_phone = client.post(f"{BASE}care-targets/{target}/pairings/", {"helper_name": "邻居赵", "helper_phone": "1"})
    assert not_a_phone.status_code == 400 and "helper_phone" in not_a_phone.json()
    first = client.post(f"{BASE}care-targets/{target}/pairings/",
                        {"helper_name": "邻居赵", "helper_phone": "13700000003"})
    again = client.post(f"{BASE}care-targets/{target}/pairings/",
                        {"helper_name": "邻居赵", "helper_phone": "13700000003"})
    assert first.status_code == 201 and again.status_code == 400 and "helper_name" in again.json()
    future = str(timezone.localdate() + timedelta(days=2))
    response = client.post(f"{BASE}care-pairings/{first.json()['id']}/contacts/", {"note": "x", "contacted_on": future})
    assert response.status_code == 400 and "contacted_on" in response.json()
    assert CarePairing.objects.count() == 1 and CareContact.objects.count() == 0
    assert CareTarget.objects.count() == 1


def test_care_data_stays_inside_the_grid(api_as, client, cast):
    target = _target(api_as(cast.worker_a), "独居老人甲")
    for user in (cast.worker_b, cast.dispatcher_b):
        outsider = api_as(user)
        assert outsider.get(f"{BASE}care-targets/{target}/").status_code == 404
        assert outsider.get(f"{BASE}care-targets/coverage/").json() == []
        client.force_login(user)
        assert client.get(f"/community/care/{target}/").status_code == 404
    assert api_as(cast.dispatcher_a).get(f"{BASE}care-targets/{target}/").status_code == 200
    assert api_as(cast.station_a).get(f"{BASE}care-targets/").status_code == 403


def test_the_care_pages_pair_and_log(client, cast):
    client.force_login(cast.worker_a)
    bad = client.post("/community/care/", {"form": "target", "target-grid": GRID_A, "target-kind": "disabled",
                                           "target-name": "刘奶奶", "target-building": ""})
    assert bad.status_code == 400 and 'value="刘奶奶"' in bad.content.decode()
    ok = client.post("/community/care/", {"form": "target", "target-grid": GRID_A, "target-kind": "disabled",
                                          "target-name": "刘奶奶", "target-building": "5号楼"})
    assert ok.status_code == 302
    target = CareTarget.objects.get(name="刘奶奶")
    not_a_phone = client.post(f"/community/care/{target.pk}/", {
        "form": "pair", "pair-helper_name": "邻居周", "pair-helper_phone": "137", "pair-relation": "neighbour",
        "pair-started_on": str(timezone.localdate())})
    assert not_a_phone.status_code == 400 and "11 位手机号" in not_a_phone.content.decode()
    assert not CarePairing.objects.filter(target=target).exists()
    assert client.post(f"/community/care/{target.pk}/", {
        "form": "pair", "pair-helper_name": "邻居周", "pair-helper_phone": "13700000004", "pair-relation": "neighbour",
        "pair-started_on": str(timezone.localdate())}).status_code == 302
    pairing = CarePairing.objects.get(target=target)
    assert client.post(f"/community/care/{target.pk}/", {
        "form": "contact", "contact-pairing": pairing.pk, "contact-contacted_on": str(timezone.localdate()),
        "contact-mode": "phone", "contact-note": "电话问候"}).status_code == 302
    page = client.get("/community/care/")
    assert page.status_code == 200 and page.context["by_building"][0].share == 100.0
    assert target.pk not in {row.pk for row in client.get("/community/care/", {"uncovered": 1}).context["page"]}
    assert target.pk in {row.pk for row in client.get("/community/care/", {"uncovered": 0}).context["page"]}
