"""A case with photos and its integrity data unfolded fits a 390 px phone and passes axe-core (the crawl checks
every page folded); and the one-tap 九必报 confirmed without JavaScript."""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from cases.attachments import case_attach
from cases.models import Case
from cases.services import NewCase, case_act, case_create
from grids.demo import seed_demo_users
from grids.models import Grid

from .conftest import PHONE, serious_axe_violations

pytestmark = [pytest.mark.browser]
PASSWORD = "Haidian@2026"
STATION = "urban_enforcement-110108009"


@pytest.fixture
def case_with_photos(seeded, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo_users()
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["worker", "dispatcher", "station"])}
    grid = Grid.objects.get(code="110108009001001")
    case, _ = case_create(actor=users["worker"], data=NewCase(
        title="楼顶私搭彩钢房", description="3号楼楼顶新搭建彩钢房约20平方米", category="E0101", lat=grid.centroid_lat,
        lng=grid.centroid_lng, address="学院路街道某小区3号楼", source="grid_patrol"))
    for colour in ((90, 120, 60), (200, 80, 40)):
        content = io.BytesIO()
        Image.new("RGB", (1600, 1200), colour).save(content, format="JPEG")
        case_attach(actor=users["worker"], number=case.number, content=content.getvalue())
    for action, data in (("file", {}), ("dispatch", {"department": STATION}), ("comment", {"comment": "请尽快" * 40})):
        case_act(actor=users["dispatcher"], number=case.number, action=action, data=data)
    return Case.objects.get(pk=case.pk)


def width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_case_pages_fit_a_phone_and_pass_axe(open_as, live_server, case_with_photos, screenshot):
    desk = open_as("dispatcher", PASSWORD, device=PHONE)
    desk.goto(f"{live_server.url}/cases/{case_with_photos.number}/")
    desk.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert desk.locator("#trail .token").count() >= 4
    assert width(desk) <= 390
    screenshot(desk, "case-detail-phone")
    assert serious_axe_violations(desk) == []  # the other pages, folded: tests/browser/test_crawl.py


def test_must_report_asks_for_confirmation_without_javascript(open_as, live_server, seeded):
    seed_demo_users()
    phone = open_as("worker", PASSWORD, device=PHONE, java_script_enabled=False)
    phone.locator("#must-report button[type=submit]").first.click()
    expect(phone.locator("#must-report-confirm")).to_have_count(1)  # retried until the answer's page shows it
    assert not Case.objects.exists()
    assert width(phone) <= 390
    phone.fill("#id_note", "三楼楼道")
    phone.click("#confirm-report")
    number = phone.locator("#case-number").inner_text()
    case = Case.objects.get(number=number)
    assert case.source == "must_report" and case.description == "三楼楼道"
