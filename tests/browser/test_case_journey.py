"""A case walks the seven steps in a real browser, by the people who own each step."""
import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from cases.models import Case
from grids.demo import seed_demo_users
from grids.models import Grid
from tests.cases.conftest import new_case

from .conftest import PHONE, serious_axe_violations

pytestmark = [pytest.mark.browser]
PASSWORD = "Haidian@2026"
STATION = "urban_enforcement-110108009"


# A working Wednesday morning in Beijing. The dashboard counts "today" from the server's clock
# (``timezone.localdate()``): on the real clock, a journey that crossed midnight found its case
# closed "yesterday" and 0 closed today.
CLOCK_START = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def fixed_clock(monkeypatch):
    """The server's clock (the live server runs in this process) starts at ``CLOCK_START`` and runs
    on in real time, so every step and the dashboard's "today" fall on the same day, whenever the
    tests run. Request it before the fixtures that log in, so that sessions start on this clock."""
    started = time.monotonic()

    def now():
        return (CLOCK_START + dt.timedelta(seconds=time.monotonic() - started)).astimezone(dt.timezone.utc)

    monkeypatch.setattr(timezone, "now", now)
    return CLOCK_START


@pytest.fixture
def demo(seeded):
    seed_demo_users()


def photo_file(tmp_path):
    path = tmp_path / "rubbish.jpg"
    Image.new("RGB", (64, 48), (90, 120, 60)).save(path, format="JPEG")
    return str(path)


def fill_report(page, category, title, description, address, location):
    """The staff report form, with the point typed in rather than taken from the phone's location."""
    page.select_option("#id_category", category)
    page.fill("#id_title", title)
    page.fill("#id_description", description)
    page.fill("#id_address", address)
    page.fill("#id_lat", location[0])
    page.fill("#id_lng", location[1])


def figure(page, name):
    return page.locator(f'[data-figure="{name}"]').inner_text().strip()


def test_seven_steps_by_four_people_and_the_public(fixed_clock, open_as, live_server, demo, screenshot, tmp_path):
    # The command centre before anything happens.
    board = open_as("commander", PASSWORD)
    board.clock.install()  # the page's own timers, moved on below rather than waited for
    board.goto(f"{live_server.url}/cases/dashboard/")
    board.wait_for_function("() => document.getElementById('refreshed').textContent.includes(':')")
    assert figure(board, "open") == "0"

    # 1. A grid worker files from a phone, located by the browser's geolocation.
    phone = open_as("worker", PASSWORD, device=PHONE, geolocation={"latitude": 39.99234, "longitude": 116.35187},
                    permissions=["geolocation"])
    assert phone.url.endswith("/cases/new/")
    phone.select_option("#id_category", "E0101")
    phone.fill("#id_title", "楼顶私搭彩钢房")
    phone.fill("#id_description", "3号楼楼顶新搭建彩钢房约20平方米")
    phone.fill("#id_address", "学院路街道某小区3号楼")
    phone.set_input_files("#id_photo", photo_file(tmp_path))
    phone.click("#use-location")
    phone.wait_for_function("() => document.getElementById('id_lat').value !== ''")
    phone.wait_for_function("() => document.getElementById('located').textContent.includes('110108')")
    screenshot(phone, "01-phone-report")
    phone.click("button[type=submit].btn-big")
    number = phone.locator("#case-number").inner_text()
    assert re.fullmatch(r"HD\d{14}", number) and number.startswith(f"HD{fixed_clock:%Y%m%d}")
    screenshot(phone, "02-phone-confirmation")
    case = Case.objects.get(number=number)
    assert (case.status, case.tier, case.street.code) == ("collected", "small", "110108009")
    assert case.attachments.count() == 1

    # 2. The street dispatcher files and dispatches it to the 城管分队 in the street.
    desk = open_as("dispatcher", PASSWORD)
    assert desk.url.endswith("/cases/")
    desk.click(f"text={number}")
    screenshot(desk, "03-detail-dispatcher")
    desk.click("#action-file button[type=submit]")
    desk.select_option("#id_dispatch-to", f"d:{STATION}")
    desk.click("#action-dispatch button[type=submit]")
    assert "学院路城管分队" in desk.content()
    assert Case.objects.get(number=number).status == "dispatched"

    # 3. The station accepts and feeds back the result.
    station = open_as("station", PASSWORD)
    station.goto(f"{live_server.url}/cases/{number}/")
    station.click("#action-accept button[type=submit]")
    station.fill("#id_feedback-result", "已责令当事人自行拆除,现场复查完毕")
    station.click("#action-feedback button[type=submit]")
    screenshot(station, "04-detail-handler")
    assert Case.objects.get(number=number).status == "fed_back"

    # 4. The dispatcher verifies and closes.
    desk.goto(f"{live_server.url}/cases/{number}/")
    desk.click("#action-verify button[type=submit]")
    assert Case.objects.get(number=number).status == "closed"

    # 5. The resident rates it on the public page, without logging in.
    public = open_as("nobody", "wrong-password", device=PHONE)
    public.goto(f"{live_server.url}/public/track/{Case.objects.get(number=number).public_token}/")
    public.check("#rating input[value='5']")
    public.click("#rating button[type=submit]")
    assert "5/5" in public.locator("#rated").inner_text()
    screenshot(public, "05-public-rated")
    case = Case.objects.get(number=number)
    assert (case.status, case.satisfaction) == ("evaluated", 5)
    assert [e.action for e in case.events.order_by("seq")] == [
        "create", "attach", "file", "dispatch", "accept", "feedback", "verify", "evaluate"]

    # The dashboard refreshes itself (every 30 seconds) and shows what happened today.
    board.clock.fast_forward(30_000)
    board.wait_for_function("() => document.querySelector('[data-figure=\"closed_today\"]').textContent.trim() === '1'")
    assert figure(board, "opened_today") == "1" and figure(board, "open") == "0"
    assert board.locator("#trend-chart canvas").count() == 1 and board.locator("#dashboard-map path").count() > 600
    screenshot(board, "06-dashboard")

    # Another street's dispatcher cannot open the case.
    other = open_as("dispatcher2", PASSWORD)
    response = other.goto(f"{live_server.url}/cases/{number}/")
    assert response.status == 404 and "楼顶私搭彩钢房" not in other.content()
    assert number not in other.locator("main").inner_text()  # (the language form keeps the address)


def test_a_resident_reports_from_a_phone_and_follows_by_code_or_by_number_and_phone(open_as, live_server, demo,
                                                                                      screenshot):
    public = open_as("nobody", "x", device=PHONE)
    public.goto(f"{live_server.url}/public/report/")
    labels = public.locator("#id_category option").all_inner_texts()
    assert "暴露垃圾" in labels and "新增孕妇信息" not in labels
    assert not any(re.search(r"[CEG]\d{4}", label) for label in labels)
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_violations(public) == []
    public.select_option("#id_category", "E0102")
    public.fill("#id_description", "小区东门垃圾三天没人清")
    public.fill("#id_address", "学院路街道某小区东门")
    public.fill("#id_lat", "39.99234")
    public.fill("#id_lng", "116.35187")
    public.fill("#id_phone", "138 0000 1111")
    public.click("button[type=submit].btn-big")
    code = public.locator("#token").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_violations(public) == []
    case_url = public.url
    number = Case.objects.get(description="小区东门垃圾三天没人清").number
    screenshot(public, "09-public-case")

    public.goto(f"{live_server.url}/public/track/")
    public.fill("#id_token", code.lower())
    public.click("#track-by-code button[type=submit]")
    assert public.url == case_url
    public.goto(f"{live_server.url}/public/track/")
    public.fill("#id_number", number.lower())
    public.fill("#id_phone", "13800001111")
    public.click("#track-by-phone button[type=submit]")
    assert public.url == case_url
    public.goto(f"{live_server.url}/public/track/")
    public.fill("#id_number", number)
    public.fill("#id_phone", "13900009999")
    public.click("#track-by-phone button[type=submit]")
    assert "没有与该编号和电话号码对应的案件" in public.locator("#track-by-phone").inner_text()
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_axe_violations(public) == []
    screenshot(public, "10-public-track")


def test_a_bad_submission_shows_field_errors_and_keeps_the_input(open_as, live_server, demo, screenshot):
    phone = open_as("worker", PASSWORD, device=PHONE)
    # Shanghai: passes the browser's checks, not the server's.
    fill_report(phone, "E0102", "标题已经写好了", "描述已经写好了", "上海某地", ("31.23", "121.47"))
    phone.click("button[type=submit].btn-big")
    error = phone.locator(".field.has-error")
    expect(error).to_have_count(1)  # retried until the answer's page shows it (count() alone read 0 once in CI)
    assert "海淀" in error.inner_text()
    assert phone.input_value("#id_description") == "描述已经写好了"
    assert phone.input_value("#id_title") == "标题已经写好了"
    assert float(phone.input_value("#id_lat")) == 31.23
    screenshot(phone, "07-phone-errors")
    assert not Case.objects.exists()


def test_core_actions_work_without_javascript(open_as, live_server, demo, screenshot):
    phone = open_as("worker", PASSWORD, device=PHONE, java_script_enabled=False)
    phone.select_option("#id_category", "E0102")
    phone.fill("#id_title", "无脚本上报")
    phone.fill("#id_description", "门口垃圾")
    phone.fill("#id_address", "东门")
    phone.click("button[type=submit].btn-big")
    number = phone.locator("#case-number").inner_text()
    case = Case.objects.get(number=number)
    assert case.grid.code == "110108009001001"  # no location given: the worker's grid centre

    community = open_as("community", PASSWORD, java_script_enabled=False)
    community.goto(f"{live_server.url}/cases/{number}/")
    community.click("#action-file button[type=submit]")
    community.select_option("#id_dispatch-to", "u:worker")
    community.click("#action-dispatch button[type=submit]")
    assert Case.objects.get(number=number).status == "dispatched"

    dashboard = open_as("commander", PASSWORD, java_script_enabled=False)
    dashboard.goto(f"{live_server.url}/cases/dashboard/")
    assert figure(dashboard, "open") == "1"
    screenshot(dashboard, "08-dashboard-no-js")

    public = open_as("nobody", "x", java_script_enabled=False)
    public.goto(f"{live_server.url}/public/grids/110108009001001/staff/")
    assert "李网格" in public.locator("#staff").inner_text()


def test_language_switch_to_english(open_as, live_server, demo):
    page = open_as("dispatcher", PASSWORD)
    assert "案件" in page.locator("h1").inner_text()
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Cases" in page.locator("h1").inner_text()


def test_repeated_wrong_passwords_lock_the_account(open_as, live_server, demo):
    for _attempt in range(5):
        page = open_as("dispatcher", "wrong")
    page = open_as("dispatcher", PASSWORD)
    assert "/accounts/login/" in page.url or "锁定" in page.content()
    assert "锁定" in page.content()


def test_a_landscaping_case_is_routed_to_the_street_section_and_walked_to_evaluation(open_as, live_server, demo,
                                                                                      screenshot):
    """园林绿化局 keeps no station in streets: the dispatch form routes the fallen tree to 学院路's environment
    section, says which unit has no one to accept it, and the section's own login takes it to evaluation."""
    phone = open_as("worker", PASSWORD, device=PHONE)
    fill_report(phone, "C0401", "行道树倒伏", "学院路东侧一棵国槐倒伏压住非机动车道", "学院路东侧",
                ("39.99234", "116.35187"))
    phone.click("button[type=submit].btn-big")
    number = phone.locator("#case-number").inner_text()

    desk = open_as("dispatcher", PASSWORD)
    desk.goto(f"{live_server.url}/cases/{number}/")
    desk.click("#action-file button[type=submit]")
    desk.locator("#id_dispatch-to").wait_for(state="attached")  # the filed case's page (the collected one has none)
    desk.wait_for_load_state()  # … whole, before its options are read
    offered = desk.locator("#id_dispatch-to option").all_inner_texts()
    assert offered[:2] == ["—", "学院路环境保护科（路由推荐）"]
    assert "学院路派出所（无承办人）" in offered  # the demo staffs only the 城管分队 among 学院路's stations
    desk.select_option("#id_dispatch-to", "d:police-110108009")
    desk.click("#action-dispatch button[type=submit]")
    assert "学院路派出所没有可接收案件的在岗承办人" in desk.locator("#action-dispatch").inner_text()
    assert Case.objects.get(number=number).status == "filed"
    desk.select_option("#id_dispatch-to", "d:environment-110108009")
    desk.click("#action-dispatch button[type=submit]")
    assert "学院路环境保护科" in desk.locator("main").inner_text()
    screenshot(desk, "11-dispatched-to-section")

    section = open_as("section", PASSWORD)
    assert number in section.locator("main").inner_text()  # in the section's own inbox
    section.goto(f"{live_server.url}/cases/{number}/")
    section.click("#action-accept button[type=submit]")
    section.fill("#id_feedback-result", "已扶正加固并清理树枝")
    section.click("#action-feedback button[type=submit]")
    desk.goto(f"{live_server.url}/cases/{number}/")
    desk.click("#action-verify button[type=submit]")
    phone.goto(f"{live_server.url}/cases/{number}/")
    phone.check("#action-evaluate input[value='5']")
    phone.click("#action-evaluate button[type=submit]")
    case = Case.objects.get(number=number)
    assert (case.status, case.satisfaction, case.station.code) == ("evaluated", 5, "environment-110108009")
    trail = phone.locator("main").inner_text()
    assert "派遣至 学院路环境保护科" in trail and "已评价" in trail
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "12-section-case-evaluated")


def test_the_report_form_names_open_cases_of_the_same_kind_nearby(open_as, live_server, demo):
    grid = Grid.objects.get(code="110108009001001")
    earlier = new_case(get_user_model().objects.get(username="worker"), "E0102", grid_code=grid.code)
    phone = open_as("worker", PASSWORD, device=PHONE)
    fill_report(phone, "E0101", "门口垃圾", "一堆垃圾", "东门", (str(grid.centroid_lat), str(grid.centroid_lng)))
    hint = phone.locator("#duplicates")
    assert hint.is_hidden()  # another kind of problem at this point: nothing to suggest
    phone.select_option("#id_category", "E0102")
    hint.wait_for(state="visible")
    assert earlier.number in hint.inner_text() and "相距 0 米" in hint.inner_text()
    assert "可能是同一问题" in hint.inner_text()
    phone.click("button[type=submit].btn-big")  # a hint, never a block
    assert phone.locator("#case-number").inner_text() != earlier.number
    assert Case.objects.count() == 2


def test_a_whistle_summons_the_team_and_a_section_who_report_in_and_feed_back(open_as, live_server, demo,
                                                                              screenshot):
    """吹哨报到 on the pages: the street dispatcher blows a hard-case whistle for 学院路联合执法队 (lead) and the
    environment section; each reports in and feeds back its own part on a phone; the case then awaits verification,
    and the case page shows who was summoned, who came when, and each unit's result."""
    case = new_case(get_user_model().objects.get(username="worker"), title="夜市占道经营")
    desk = open_as("dispatcher", PASSWORD)
    desk.goto(f"{live_server.url}/cases/{case.number}/")
    desk.click("#action-file button[type=submit]")
    desk.click("#action-summon summary")
    desk.check("#action-summon input[name='summon-kind'][value='hard']")
    desk.select_option("#id_summon-lead", "joint_team-110108009")
    desk.check("#action-summon input[name='summon-co_handlers'][value='environment-110108009']")
    desk.click("#action-summon button[type=submit]")
    joint = desk.locator("[id^=summons-]").inner_text()
    assert "攻坚哨" in joint and "学院路联合执法队" in joint and "牵头单位" in joint and "已召集" in joint

    for username, result in (("enforcer", "联合执法队已依法取缔占道摊位"), ("section", "已清扫现场")):
        phone = open_as(username, PASSWORD, device=PHONE)
        phone.goto(f"{live_server.url}/cases/{case.number}/")
        phone.click("#action-report_in button[type=submit]")
        phone.fill("#id_party_feedback-result", result)
        phone.click("#action-party_feedback button[type=submit]")
        phone.wait_for_load_state()  # the answer's page, laid out, not the form's
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "13-joint-case-phone")

    desk.goto(f"{live_server.url}/cases/{case.number}/")
    text = desk.locator("main").inner_text()
    assert "吹响攻坚哨" in text and "代表 学院路联合执法队 报到" in text and "已清扫现场" in text
    assert Case.objects.get(pk=case.pk).status == "fed_back"
    desk.click("#action-verify button[type=submit]")
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert not serious_axe_violations(desk)
    screenshot(desk, "14-joint-case-closed")
