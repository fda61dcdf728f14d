"""The shell in a real browser at phone width: the menu by keyboard, the skip link, focus rings, error
pages inside the shell, and tables that become cards."""
import pytest

from grids.demo import DEMO_PASSWORD, seed_demo_users

from .conftest import PHONE

pytestmark = [pytest.mark.browser]

WIDTH = PHONE["viewport"]["width"]


@pytest.fixture
def demo(seeded):
    seed_demo_users()


@pytest.fixture
def visitor(browser):
    """A resident's phone (no login)."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **{**PHONE, **options})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def focused(page, attribute: str = "className") -> str:
    return page.evaluate(f"document.activeElement.{attribute}")


def test_the_phone_menu_opens_and_closes_by_keyboard(visitor, live_server, seeded, screenshot):
    page = visitor()
    page.goto(live_server.url + "/")
    menu = page.locator("#main-menu")
    assert not menu.is_visible()
    page.keyboard.press("Tab")
    assert focused(page) == "skip-link"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # shown when focused
    for _step in range(4):
        page.keyboard.press("Tab")
        if focused(page) == "menu-button":
            break
    assert focused(page) == "menu-button"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # a visible focus ring
    page.keyboard.press("Enter")
    assert menu.is_visible()
    assert page.locator(".menu-button").get_attribute("aria-expanded") == "true"
    screenshot(page, "shell-phone-menu-open")
    page.keyboard.press("Escape")
    assert not menu.is_visible()
    assert focused(page) == "menu-button"
    assert page_width(page) <= WIDTH


def test_without_a_script_the_phone_menu_stays_open(visitor, live_server, seeded):
    page = visitor(java_script_enabled=False)
    page.goto(live_server.url + "/")
    assert page.locator("#main-menu").is_visible()
    assert page_width(page) <= WIDTH


def test_the_skip_link_takes_the_keyboard_to_the_content(visitor, live_server, seeded):
    page = visitor()
    page.goto(live_server.url + "/public/track/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page, "id") == "content"


def test_a_page_the_role_may_not_open_is_a_403_inside_the_shell_on_a_phone(open_as, live_server, demo, screenshot):
    page = open_as("worker", DEMO_PASSWORD, device=PHONE)
    answer = page.goto(live_server.url + "/cases/dashboard/")
    assert answer.status == 403
    assert page.locator("h1").inner_text() == "您无权打开此页面"
    assert page.locator(".menu-button").is_visible()
    screenshot(page, "shell-403-phone")
    page.click(".menu-button")
    screenshot(page, "shell-phone-menu-worker")
    page.click(".error-page a.btn-primary")
    assert page.url.endswith("/cases/new/")  # home is where the worker's day starts
    assert page_width(page) <= WIDTH


def test_a_missing_page_is_a_404_inside_the_shell(visitor, live_server, seeded, screenshot):
    page = visitor()
    answer = page.goto(live_server.url + "/no/such/page/")
    assert answer.status == 404
    assert page.locator("main h1").inner_text() == "页面不存在"
    screenshot(page, "shell-404-phone")
    assert page_width(page) <= WIDTH


TABLE = """
<table class="data" aria-label="样例">
  <thead><tr><th scope="col">编号</th><th scope="col">摘要</th><th scope="col"></th></tr></thead>
  <tbody><tr class="light-red"><td data-label="编号">HD20260101000001</td>
    <td data-label="摘要"><span class="token">sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    </span></td>
    <td data-label=""><a class="btn" href="#">查看</a></td></tr></tbody>
</table>"""


def test_tables_become_cards_and_long_tokens_wrap_on_a_phone(visitor, live_server, seeded, screenshot):
    page = visitor()
    page.goto(live_server.url + "/")
    page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)", TABLE)
    cell = "table.data td[data-label='编号']"
    assert page.evaluate(f"getComputedStyle(document.querySelector(\"{cell}\")).display") == "block"
    label = page.evaluate(f"getComputedStyle(document.querySelector(\"{cell}\"), '::before').content")
    assert label == '"编号："'
    unlabelled = "getComputedStyle(document.querySelector(\"td[data-label='']\"), '::before').content"
    assert page.evaluate(unlabelled) == "none"
    assert page.locator("table.data thead").bounding_box()["width"] <= 1
    screenshot(page, "shell-table-cards-phone")
    assert page_width(page) <= WIDTH


def test_the_desktop_shell_shows_the_whole_menu(open_as, live_server, demo, screenshot):
    page = open_as("dispatcher", DEMO_PASSWORD)
    page.goto(live_server.url + "/notifications/")
    assert page.locator("#main-menu").is_visible() and not page.locator(".menu-button").is_visible()
    assert page.locator("#main-menu a[aria-current=page]").inner_text().startswith("通知")
    assert page.locator("#language-select option").all_inner_texts() == ["简体中文", "English"]
    log_out = page.locator("#main-menu button[type=submit]")
    assert log_out.inner_text() == "退出"
    assert log_out.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"  # white on the red bar
    screenshot(page, "shell-desktop-notifications")


def test_the_api_docs_and_the_language_menu_work_under_the_content_security_policy(open_as, live_server, demo):
    page = open_as("dispatcher", DEMO_PASSWORD)  # open_as fails the test on anything the policy refuses
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .information-container", timeout=20_000)
    page.goto(f"{live_server.url}/cases/")
    page.select_option("#language-select", "en")  # switches at once: the handler is in shell.js, not the HTML
    page.wait_for_url(f"{live_server.url}/en/cases/")
    assert page.locator("html").get_attribute("lang") == "en"
