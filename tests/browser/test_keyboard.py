"""The case loop walked with the keyboard alone: Tab moves focus, typing fills fields, the arrow keys choose an option
of a focused select, Enter or Space presses a button, opens a folded action or follows a link. Nothing is clicked;
elements are located only to check where the focus is (and the case's state at the end).

A grid worker reports a case, the street dispatcher files and dispatches it, the station's handler accepts it and
feeds back, the dispatcher verifies it: the case reads 已结案.
"""
import pytest

from cases.models import Case
from tests.conftest import PASSWORD, STREET_A

from .conftest import DESKTOP_WIDE

pytestmark = [pytest.mark.browser]
STATION = f"urban_enforcement-{STREET_A}"
MAX_TABS = 300


def focused(page, selector: str) -> bool:
    return page.locator(selector).first.evaluate("el => el === document.activeElement")


def tab_to(page, selector: str) -> int:
    """Tab until the element has focus (fails if Tab never reaches it); returns the number of presses."""
    for presses in range(MAX_TABS):
        if focused(page, selector):
            return presses
        page.keyboard.press("Tab")
    pytest.fail(f"{MAX_TABS} presses of Tab never reached {selector} on {page.url}")


def unfold(page, details: str) -> None:
    """A folded <details>: Tab to its summary and open it with Enter."""
    if not page.locator(details).first.evaluate("el => el.open"):
        tab_to(page, f"{details} > summary")
        page.keyboard.press("Enter")
        assert page.locator(details).first.evaluate("el => el.open"), f"Enter did not open {details}"


def choose(page, select: str, value: str) -> None:
    """In a focused select, the arrow keys move through the options (from the top) until the value is chosen."""
    assert focused(page, select)
    page.keyboard.press("Home")
    for _ in range(page.locator(f"{select} option").count()):
        if page.locator(select).input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    assert page.locator(select).input_value() == value, f"no option {value} in {select}"


def press(page, selector: str, key: str = "Enter") -> None:
    """Tab to a button or link and press it, waiting for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def log_in(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP_WIDE)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focused(page, "#id_password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"
    return context, page


def open_case(page, number: str) -> None:
    """From the inbox (where a dispatcher or handler lands), Tab to the case and follow the link."""
    press(page, f'main a[href$="/cases/{number}/"]')
    assert page.url.endswith(f"/cases/{number}/")


def test_the_case_loop_by_keyboard_alone(seeded, cast, live_server, browser, screenshot):
    base = live_server.url
    contexts = []
    try:
        # 1. The grid worker reports a case from the report form (where they land).
        context, worker = log_in(browser, base, "worker_a")
        contexts.append(context)
        assert worker.url.endswith("/cases/new/")
        tab_to(worker, "#id_category")
        choose(worker, "#id_category", "E0101")
        tab_to(worker, "#id_title")
        worker.keyboard.type("楼顶私搭彩钢房")
        tab_to(worker, "#id_description")
        worker.keyboard.type("3号楼楼顶新搭建彩钢房约20平方米")
        tab_to(worker, "#id_address")
        worker.keyboard.type("学院路街道某小区3号楼")
        press(worker, "#report-form button[type=submit]")
        case = Case.objects.get(reporter=cast.worker_a)
        assert case.status == "collected"
        screenshot(worker, "keyboard-01-reported")

        # 2. The street dispatcher files it and dispatches it to the 城管分队 of the street.
        context, desk = log_in(browser, base, "dispatcher_a")
        contexts.append(context)
        open_case(desk, case.number)
        unfold(desk, "#action-file")
        press(desk, "#action-file button[type=submit]")
        assert Case.objects.get(pk=case.pk).status == "filed"
        unfold(desk, "#action-dispatch")
        tab_to(desk, "#id_dispatch-to")
        choose(desk, "#id_dispatch-to", f"d:{STATION}")
        press(desk, "#action-dispatch button[type=submit]", key="Space")
        assert Case.objects.get(pk=case.pk).status == "dispatched"

        # 3. The station's handler accepts it and feeds back.
        context, station = log_in(browser, base, "station_a")
        contexts.append(context)
        open_case(station, case.number)
        unfold(station, "#action-accept")
        press(station, "#action-accept button[type=submit]")
        assert Case.objects.get(pk=case.pk).status == "handling"
        unfold(station, "#action-feedback")
        tab_to(station, "#id_feedback-result")
        station.keyboard.type("已责令当事人自行拆除，现场复查完毕")
        press(station, "#action-feedback button[type=submit]")
        assert Case.objects.get(pk=case.pk).status == "fed_back"

        # 4. The dispatcher, back at the case, verifies the result.
        desk.reload()
        unfold(desk, "#action-verify")
        press(desk, "#action-verify button[type=submit]")
        assert Case.objects.get(pk=case.pk).status == "closed"
        assert "已结案" in desk.locator("main").inner_text()
        screenshot(desk, "keyboard-02-closed")
        assert [e.action for e in Case.objects.get(pk=case.pk).events.order_by("seq")] == [
            "create", "file", "dispatch", "accept", "feedback", "verify"]
    finally:
        for context in contexts:
            context.close()
