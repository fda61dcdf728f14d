"""The hotline desk in a browser, in Chinese: on a desktop a new caller's call is filed as a case (category found by
its pinyin initials, the place by its community's name); on a phone a caller's earlier open case comes up as their
number is typed, and their call is added to it. Neither screen overflows a phone."""
import pytest

from cases.models import Case
from cases.services import NewCase, case_create
from cases.workflow import FOLLOW_UP
from grids.demo import seed_demo_users
from grids.models import Grid

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser]
PASSWORD = "Haidian@2026"
GRID = "110108009001001"


@pytest.fixture
def earlier_call(seeded):
    """刘女士 called last week about rubbish at her gate; the case is still open."""
    seed_demo_users()
    from django.contrib.auth import get_user_model

    grid = Grid.objects.get(code=GRID)
    case, _ = case_create(actor=get_user_model().objects.get(username="hotline"), data=NewCase(
        title="小区东门垃圾堆放", description="东门垃圾两天无人清运", category="E0102", lat=grid.centroid_lat,
        lng=grid.centroid_lng, address="学院路某小区东门", source="hotline", reporter_name="刘女士",
        reporter_phone="13801012345"))
    return case


def width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_new_callers_call_is_filed_on_a_desktop(open_as, live_server, earlier_call, screenshot):
    desk = open_as("hotline", PASSWORD, device=DESKTOP)
    assert desk.url.endswith("/cases/desk/")  # the call-taker's day starts at the desk
    assert desk.locator("h1").inner_text() == "热线受理台"
    assert desk.locator("#main-menu").get_by_text("热线受理台").count() == 1
    desk.fill("#id_phone", "139 1111 2222")
    desk.locator("#caller-none").wait_for()
    assert desk.locator("#caller-none").inner_text() == "该号码没有历史案件。"
    desk.fill("#id_caller_name", "王先生")
    desk.fill("#id_description", "楼下路口有人乱倒垃圾")
    desk.fill("#id_title", "路口暴露垃圾")
    desk.fill("#category-search", "bllj")
    desk.locator("#category-matches button", has_text="暴露垃圾").click()
    assert desk.locator("#id_category").input_value() == "E0102"
    community = Grid.objects.select_related("community").get(code=GRID).community.name
    desk.fill("#place-search", community)
    desk.locator("#place-matches button").first.click()
    desk.wait_for_function("() => document.getElementById('id_lat').value !== ''")
    assert desk.locator("#id_address").input_value() != ""
    # The caller's gate is where the earlier case is: the same hint as the phone form's.
    desk.locator("#duplicates li").first.wait_for()
    assert earlier_call.number in desk.locator("#duplicates").inner_text()
    screenshot(desk, "hotline-desk-desktop")
    desk.get_by_role("button", name="提交案件").click()
    number = desk.locator("#case-number").inner_text()
    case = Case.objects.get(number=number)
    assert (case.source, case.reporter_phone, case.reporter_name, case.category.code) == (
        "hotline", "13911112222", "王先生", "E0102")
    desk.get_by_role("link", name="下一个来电").wait_for()  # further down the page than the case's number
    assert desk.get_by_role("link", name="下一个来电").count() == 1


def test_a_callers_second_call_is_added_to_their_open_case_on_a_phone(open_as, live_server, earlier_call, screenshot):
    phone = open_as("hotline", PASSWORD, device=PHONE)
    phone.goto(f"{live_server.url}/cases/desk/")
    phone.fill("#id_phone", "138-0101-2345")
    row = phone.locator("#caller-cases li", has_text=earlier_call.number)
    row.wait_for()
    assert "小区东门垃圾堆放" in row.inner_text() and "信息采集" in row.inner_text()
    assert width(phone) <= 390
    screenshot(phone, "hotline-desk-phone")
    phone.fill("#id_caller_name", "刘女士")
    phone.fill("#id_description", "还是没人来清运，催一下")
    row.get_by_role("button", name="追加来电").click()
    phone.locator(".messages").wait_for()
    assert earlier_call.number in phone.locator(".messages").inner_text()
    assert width(phone) <= 390
    case = Case.objects.get(pk=earlier_call.pk)
    assert case.follow_up_count == 1 and case.events.filter(action=FOLLOW_UP).count() == 1
    assert Case.objects.count() == 1


def test_a_neighbours_call_about_the_same_problem_is_added_from_the_duplicate_hint(open_as, live_server,
                                                                                   earlier_call):
    """Another number, the same rubbish: the desk's hint names the open case nearby and takes the call onto it."""
    desk = open_as("hotline", PASSWORD, device=DESKTOP)
    desk.fill("#id_phone", "139 2222 3333")
    desk.locator("#caller-none").wait_for()
    desk.fill("#id_caller_name", "邻居赵先生")
    desk.fill("#id_description", "东门的垃圾还在，味道很大")
    desk.fill("#category-search", "bllj")
    desk.locator("#category-matches button", has_text="暴露垃圾").click()
    community = Grid.objects.select_related("community").get(code=GRID).community.name
    desk.fill("#place-search", community)
    desk.locator("#place-matches button").first.click()
    hint = desk.locator("#duplicates li", has_text=earlier_call.number)
    hint.wait_for()
    hint.get_by_role("button", name="追加来电").click()
    desk.locator(".messages").wait_for()
    case = Case.objects.get(pk=earlier_call.pk)
    assert case.follow_up_count == 1 and Case.objects.count() == 1
    assert case.events.get(action=FOLLOW_UP).payload["phone"] == "13922223333"
