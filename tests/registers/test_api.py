"""Writing the registers through the API: houses, residents and places go where their author keeps the register;
bad input is a 400 with the field's message and stores nothing; the district reads but does not write."""
import pytest
from django.urls import reverse

from registers.identity import check_character
from registers.models import House, Place, Resident
from tests.conftest import GRID_A, GRID_B

from .conftest import house_in, valid_id

pytestmark = pytest.mark.django_db


def test_a_grid_worker_registers_a_house_and_a_floating_resident(api_as, cast):
    api = api_as(cast.worker_a)
    house = api.post(reverse("registers-api:house-list"), {"grid": GRID_A, "compound": "学院小区", "building": "3号楼",
                                                           "entrance": "2单元", "floor": 5, "room": "502",
                                                           "occupancy": "rented"})
    assert house.status_code == 201, house.json()
    assert house.json()["address"] == "学院小区3号楼2单元502"
    number = valid_id(31, area="370102")
    resident = api.post(reverse("registers-api:resident-list"), {
        "house": house.json()["id"], "kind": "floating", "name": "孙浩然", "id_number": number.lower(),
        "phone": "13700001234"})
    assert resident.status_code == 201, resident.json()
    body = resident.json()
    assert body["id_number"] == number  # the check character X (if any) upper-cased, and shown whole to its keeper
    assert (body["gender"], body["birth_date"]) == ("male" if int(number[16]) % 2 else "female", "1985-06-15")
    assert api.get(reverse("registers-api:house-detail", args=[house.json()["id"]])).json()["living"] == 1


def test_a_resident_without_a_house_is_refused_with_the_field_named(api_as, cast):
    response = api_as(cast.worker_a).post(reverse("registers-api:resident-list"), {
        "kind": "registered", "name": "王建华", "id_number": valid_id()})
    assert response.status_code == 400
    assert "house" in response.json()
    assert not Resident.objects.exists()


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


def _wrong_check() -> str:
    right = valid_id()
    return right[:17] + ("1" if right[17] != "1" else "2")


@pytest.mark.parametrize("make, why", [
    (lambda: "11010819850615123", "17 digits"),
    (lambda: "1101081985061512XX", "two letters"),
    (_wrong_check, "wrong check digit"),
    (lambda: _with_check("11010819851332123"), "no such birth date"),
])
def test_an_invalid_identity_number_is_refused_and_nothing_is_stored(api_as, cast, make, why):
    house = house_in(cast.worker_a, GRID_A)
    number = make()
    response = api_as(cast.worker_a).post(reverse("registers-api:resident-list"), {
        "house": house.pk, "kind": "registered", "name": "王建华", "id_number": number})
    assert response.status_code == 400, why
    assert "id_number" in response.json(), why
    assert not Resident.objects.exists()


def test_a_house_of_another_grid_cannot_be_written_into(api_as, cast):
    house_b = house_in(cast.worker_b, GRID_B)
    api = api_as(cast.worker_a)
    response = api.post(reverse("registers-api:resident-list"), {
        "house": house_b.pk, "kind": "registered", "name": "王建华", "id_number": valid_id()})
    assert response.status_code == 400 and "house" in response.json()
    response = api.post(reverse("registers-api:house-list"), {"grid": GRID_B, "building": "1号楼", "room": "1"})
    assert response.status_code == 400 and "grid" in response.json()
    assert api.patch(reverse("registers-api:house-detail", args=[house_b.pk]), {"note": "x"}).status_code == 404


def test_the_same_address_twice_is_a_400(api_as, cast):
    house_in(cast.worker_a, GRID_A)
    response = api_as(cast.worker_a).post(reverse("registers-api:house-list"), {
        "grid": GRID_A, "building": "1号楼", "entrance": "1单元", "room": "101"})
    assert response.status_code == 400
    assert House.objects.count() == 1


def test_a_place_needs_its_point_inside_haidian_and_a_real_phone(api_as, cast):
    api = api_as(cast.worker_a)
    base = {"grid": GRID_A, "name": "学院路小学", "kind": "school", "address": "学院路20号"}
    outside = api.post(reverse("registers-api:place-list"), {**base, "lat": 31.23, "lng": 121.47})
    assert outside.status_code == 400 and "lat" in outside.json()
    half = api.post(reverse("registers-api:place-list"), {**base, "lat": 39.99})
    assert half.status_code == 400 and "lng" in half.json()
    phone = api.post(reverse("registers-api:place-list"), {**base, "contact_phone": "12345"})
    assert phone.status_code == 400 and "contact_phone" in phone.json()
    assert not Place.objects.exists()
    created = api.post(reverse("registers-api:place-list"), {**base, "contact_phone": "010-62345678"})
    assert created.status_code == 201
    assert created.json()["contact_phone"] == "010-62345678"


def test_the_district_commander_reads_but_does_not_write(api_as, cast, registers):
    api = api_as(cast.commander)
    assert api.patch(reverse("registers-api:house-detail", args=[registers.house_a.pk]),
                     {"note": "改"}).status_code == 403
    assert api.post(reverse("registers-api:house-list"), {"grid": GRID_A, "building": "9",
                                                          "room": "9"}).status_code == 403


def test_a_keeper_updates_a_resident_who_moved_out(api_as, cast, registers):
    url = reverse("registers-api:resident-detail", args=[registers.resident_a.pk])
    response = api_as(cast.worker_a).patch(url, {"status": "moved_out"})
    assert response.status_code == 200
    assert response.json()["status"] == "moved_out"
    assert response.json()["id_number"] == registers.resident_a.id_number


def test_the_lists_filter_by_grid_kind_and_occupancy(api_as, cast, registers):
    api = api_as(cast.dispatcher_a)
    rows = api.get(reverse("registers-api:resident-list"), {"kind": "floating"}).json()["results"]
    assert rows == []
    rows = api.get(reverse("registers-api:house-list"), {"grid": GRID_A, "occupancy": "owner"}).json()["results"]
    assert [row["id"] for row in rows] == [registers.house_a.pk]
    assert api.get(reverse("registers-api:place-list"), {"kind": "shop"}).json()["count"] == 1
