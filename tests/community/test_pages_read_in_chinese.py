"""The community pages as each role meets them on the community's demo data, in Chinese: every page
reached from the section's menu renders, reads without English words or codes, has one heading that
does not repeat itself, labels its table cells for the phone's card layout and formats money; the
demo's must-visit households open (they once answered 500); the section's menu offers only pages
the role may open."""
import re

import pytest

from community.models import Household
from community.seeding import seed
from tests.conftest import STREET_A, built_for_a_module

from .crawl import check_page, crawl, crawl_as

pytestmark = pytest.mark.django_db

# One of each set of permissions (dispatcher_a reads as community_a, bureau as station_a, evaluator as auditor).
ROLES = ("worker_a", "community_a", "station_a", "commander", "auditor")
SUBNAV = re.compile(r'<nav class="subnav"[^>]*>(.*?)</nav>', re.S)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The community's part of the demo (once for this module; the whole demo: test_demo_households.py)."""
    with built_for_a_module(django_db_blocker, lambda: seed(demo=True)):
        yield


@pytest.fixture
def demo(demo_data, cast):
    return cast


def test_every_page_each_role_reaches_reads_in_chinese(client, demo):
    visited, problems = crawl_as(client, [getattr(demo, role) for role in ROLES], "/community/",
                                 skip=("/community/public/",))
    assert visited > 60
    assert problems == []


def test_the_english_pages_render_without_codes(client, demo):
    client.force_login(demo.dispatcher_a)
    result = crawl(client, ["/en/community/"], prefixes=("/en/community/",), skip=("/en/community/public/",),
                   english=True)
    assert len(result.visited) > 15
    assert result.problems == []
    assert "Must-visit households" in client.get("/en/community/households/").content.decode()


def test_the_demo_households_open_for_the_district_and_their_grid_worker(client, demo):
    households = list(Household.objects.filter(grid__code__startswith=STREET_A).values_list("pk", flat=True))
    assert len(households) >= 8
    client.force_login(demo.commander)
    for pk in households:
        response = client.get(f"/community/households/{pk}/")
        assert response.status_code == 200, pk
    client.force_login(demo.worker_a)
    overdue = client.get("/community/").content.decode()
    for pk in re.findall(r'href="/community/households/(\d+)/"', overdue):
        response = client.get(f"/community/households/{pk}/")
        assert response.status_code == 200, pk
        assert check_page(f"/community/households/{pk}/", response.content.decode()) == []


def test_a_visit_recorded_without_a_visitor_shows_so(client, demo):
    household = Household.objects.filter(visits__visitor__isnull=True).first()
    client.force_login(demo.commander)
    html = client.get(f"/community/households/{household.pk}/").content.decode()
    assert "未记录" in html


def test_the_section_menu_offers_only_what_the_role_may_open(client, cast):
    for role in ROLES:
        client.force_login(getattr(cast, role))
        menu = SUBNAV.search(client.get("/community/").content.decode()).group(1)
        for url in re.findall(r'href="([^"]+)"', menu):
            assert client.get(url).status_code == 200, (role, url)
    client.force_login(cast.station_a)
    menu = SUBNAV.search(client.get("/community/").content.decode()).group(1)
    assert "/community/households/" not in menu and "/community/service-circle/" in menu


def test_money_is_formatted(client, demo):
    client.force_login(demo.dispatcher_a)
    html = client.get("/community/matters/").content.decode()
    assert re.search(r"\d{1,3}(,\d{3})+ 元", html)
