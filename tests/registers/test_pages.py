"""The register pages in Chinese, as the grid's keepers and the district meet them; the grid page's counts; the
must-report items that change a register offer its prefilled form; a must-visit household leads to its house."""
import re

import pytest
from django.urls import reverse

from community import services as community
from community.models import VisitCategory
from grids.models import Grid
from registers.models import House, Resident
from tests.community.crawl import crawl_as
from tests.conftest import GRID_A

from .conftest import valid_id

pytestmark = pytest.mark.django_db


def test_every_register_page_reads_in_chinese(client, cast, registers):
    visited, problems = crawl_as(client, [cast.worker_a, cast.dispatcher_a, cast.commander], "/registers/")
    assert visited >= 8
    assert problems == []


def test_a_keeper_adds_a_house_and_a_resident_through_the_forms(client, cast):
    client.force_login(cast.worker_a)
    response = client.post(reverse("registers:house-new"), {
        "grid": GRID_A, "compound": "学院小区", "building": "5号楼", "entrance": "1单元", "floor": "3", "room": "301",
        "use": "residential", "occupancy": "owner"})
    house = House.objects.get(room="301")
    assert response.status_code == 302 and response["Location"] == reverse("registers:house", args=[house.pk])
    form = reverse("registers:resident-new") + f"?grid={GRID_A}&house={house.pk}"
    refused = client.post(form, {"house": house.pk, "kind": "registered", "name": "王建华", "id_number": "123",
                                 "moved_in_on": "2020-01-01", "status": "present"})
    assert refused.status_code == 400 and "身份证" in refused.content.decode()
    assert not Resident.objects.exists()
    no_house = client.post(form, {"kind": "registered", "name": "王建华", "id_number": valid_id(),
                                  "moved_in_on": "2020-01-01", "status": "present"})
    assert no_house.status_code == 400 and not Resident.objects.exists()
    added = client.post(form, {"house": house.pk, "kind": "registered", "name": "王建华", "id_number": valid_id(),
                               "moved_in_on": "2020-01-01", "status": "present"})
    assert added.status_code == 302
    assert Resident.objects.get().gender == Resident.Gender.MALE  # read from the number (its 17th digit is odd)


def test_the_grid_page_counts_the_register(client, cast, registers):
    client.force_login(cast.worker_a)
    page = client.get(reverse("cases:grid", args=[GRID_A])).content.decode()
    block = page[page.index('id="grid-register"'):]
    assert re.findall(r'<div class="value">(\d+)</div>', block)[:4] == ["1", "1", "0", "1"]
    assert reverse("registers:grid", args=[GRID_A]) in block
    client.force_login(cast.evaluator)  # reads grids but no register
    assert 'id="grid-register"' not in client.get(reverse("cases:grid", args=[GRID_A])).content.decode()


@pytest.mark.parametrize("item, form, prefilled", [
    (4, "registers:resident-new", "kind=floating"),
    (6, "registers:house-new", "occupancy=rented"),
])
def test_a_must_report_of_outsiders_or_a_rented_home_offers_the_register_form(client, cast, item, form, prefilled):
    client.force_login(cast.worker_a)
    page = client.post(reverse("cases:must-report"), {"item": item}).content.decode()
    link = re.search(r'id="register-entry"><a class="btn" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith(reverse(form)) and f"grid={GRID_A}" in link and prefilled in link
    opened = client.get(link)
    assert opened.status_code == 200
    assert 'value="floating" selected' in opened.content.decode() or 'value="rented" selected' in \
        opened.content.decode()


def test_other_must_report_items_offer_no_register_form(client, cast):
    client.force_login(cast.worker_a)
    assert 'id="register-entry"' not in client.post(reverse("cases:must-report"), {"item": 1}).content.decode()


def test_a_must_visit_household_leads_to_its_house_on_the_register(client, api_as, cast, registers):
    grid = Grid.objects.get(code=GRID_A)
    household = community.household_register(user=cast.worker_a, grid=grid, head_name="王建华", address="1号楼1单元101",
                                             categories=VisitCategory.objects.filter(code="empty_nest"))
    api = api_as(cast.worker_a)
    url = reverse("community-api:household-detail", args=[household.pk])
    other_grid = api.patch(url, {"house": registers.house_b.pk})
    assert other_grid.status_code == 400 and "house" in other_grid.json()
    assert api.patch(url, {"house": registers.house_a.pk}).json()["house"] == registers.house_a.pk
    client.force_login(cast.worker_a)
    page = client.get(reverse("community:household", args=[household.pk])).content.decode()
    assert reverse("registers:house", args=[registers.house_a.pk]) in page
