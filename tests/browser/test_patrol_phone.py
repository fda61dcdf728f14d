"""A grid worker's patrol on a 390 px phone with the phone's position granted: the demo login starts a patrol in
its grid's demo plan, checks in at a point where it stands (on the point) and once from far away (recorded and
flagged), in Chinese, with nothing wider than the screen and no serious axe-core finding."""
import pytest

from grids.demo import seed_demo_users
from grids.models import Grid
from patrols.models import CheckIn, Patrol
from patrols.seeding import seed_demo_plans

from .conftest import PHONE, serious_axe_violations

pytestmark = [pytest.mark.browser]
PASSWORD = "Haidian@2026"


def width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_patrol_on_a_phone_checks_in_with_the_phones_position(open_as, live_server, seeded, screenshot):
    seed_demo_users()
    seed_demo_plans()
    grid = Grid.objects.get(code="110108009001001")
    gate = grid.patrol_points.get(name="小区东门")
    phone = open_as("worker", PASSWORD, device=PHONE, permissions=["geolocation"],
                    geolocation={"latitude": gate.lat, "longitude": gate.lng, "accuracy": 10})
    phone.goto(f"{live_server.url}/patrols/")
    assert "开始巡查" in phone.inner_text("main") and width(phone) <= 390
    phone.click("#my-patrol button[type=submit]")
    phone.wait_for_selector("#check-in-form")
    phone.wait_for_function("() => document.getElementById('position-status').textContent.includes('已获取位置')")
    main = phone.inner_text("main")
    for label in ("签到", "巡查点位", "上报发现的问题", "结束巡查", "发现的问题"):
        assert label in main, label
    phone.select_option("#id_point", label="小区东门")
    phone.click("#check-in-form button[type=submit]")
    phone.wait_for_selector("text=已签到。")

    far = Grid.objects.get(code="110108012001001")
    phone.context.set_geolocation({"latitude": far.centroid_lat, "longitude": far.centroid_lng, "accuracy": 30})
    phone.reload()
    phone.wait_for_function(f"() => Math.abs(document.querySelector('.here-lat').value - {far.centroid_lat}) < 0.0001")
    phone.select_option("#id_point", label="小区东门")
    phone.click("#check-in-form button[type=submit]")
    phone.wait_for_selector("#check-ins .badge-red")
    assert "网格外" in phone.inner_text("#check-ins")
    assert width(phone) <= 390
    screenshot(phone, "patrol-phone")
    assert serious_axe_violations(phone) == []

    patrol = Patrol.objects.get(patroller__username="worker")
    assert [(c.point_id, c.flagged) for c in CheckIn.objects.filter(patrol=patrol).order_by("at")] == [
        (gate.pk, False), (gate.pk, True)]
