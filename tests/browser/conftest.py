"""Headless Chromium (Debian's package) driven by Playwright against the live test server."""
import os
import shutil
import time
from pathlib import Path

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Pictures of the pages for a person to look at, taken only when asked: they check nothing, and cost seconds a run.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "") not in ("", "0")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def chromium_path() -> str:
    """Debian's Chromium headless shell (quickstart installs it): the same engine as the chromium package, without the
    desktop browser's layers; the browser tests take 44 % less CPU in it (docs/scaling.md)."""
    path = (os.environ.get("CHROMIUM_PATH") or shutil.which("chromium-headless-shell") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
    if not path:
        pytest.fail("Debian's Chromium is needed for the browser tests (apt-get install chromium-headless-shell)")
    return path


# Per module: while Playwright's sync API is started, its event loop runs in this thread, and Django's async_to_sync
# (the health report, Channels-style code) refuses to run in a later test of the same worker. The database
# connections the module's tests opened meanwhile belong to the context Playwright's greenlets ran them in: they are
# closed before it ends, or no later close_all() finds them and the test database cannot be dropped at the end.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str):
        if SCREENSHOTS:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def open_as(browser, live_server):
    """A logged-in page for a user (through the real login form), in a phone or desktop context."""
    contexts, refused = [], []

    def login(username: str, password: str, device=None, **context_options):
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **(device or DESKTOP),
                                      **context_options)
        contexts.append(context)
        context.on("console", lambda message: refused.extend(csp_violations(message)))
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("#login-form button[type=submit]")
        page.wait_for_load_state()
        return page

    yield login
    for context in contexts:
        context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


def csp_violations(message) -> list[str]:
    """A browser console message reporting something the Content-Security-Policy refused (an inline script or
    handler, a foreign origin): Chromium logs each as an error."""
    return [message.text] if message.type == "error" and "Content Security Policy" in message.text else []


# The crawl (test_crawl.py) and the keyboard walk: the two sizes every page is checked at, axe-core, and the crawl's
# coverage line in the terminal summary.
PHONE_SIZE = {"width": 390, "height": 844}
DESKTOP_WIDE = {"width": 1280, "height": 800}
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe" / "axe.min.js"
CRAWL_COVERAGE = Path(__file__).resolve().parents[2] / "test-artifacts" / "crawl-coverage.txt"
_LOADED_AT = time.time()


def axe_script() -> Path:
    """axe-core from the npm registry (core/assets.py), installed with the other front-end packages."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `DEBUG=1 python manage.py fetch_assets`")
    return AXE


def axe_url(base: str) -> str:
    """axe-core as the live server serves it: a ``<script src>`` of the page's own origin, which the
    Content-Security-Policy allows (an inline copy would be refused, as it should be)."""
    from django.conf import settings

    return f"{base}{settings.STATIC_URL}{axe_script().relative_to(AXE.parents[2]).as_posix()}"


def serious_axe_violations(page) -> list[str]:
    """The page's serious and critical axe-core findings: "id: targets"."""
    page.add_script_tag(url=axe_url(page.evaluate("location.origin")))
    return page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                         ".filter(v => ['serious', 'critical'].includes(v.impact))"
                         ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))")


def pytest_terminal_summary(terminalreporter, config):
    """The crawl's one-line coverage summary, when this run wrote it."""
    try:
        if CRAWL_COVERAGE.stat().st_mtime < _LOADED_AT:
            return
        line = CRAWL_COVERAGE.read_text().splitlines()[0]
    except (OSError, IndexError):
        return
    terminalreporter.write_line(f"{line} (details: {CRAWL_COVERAGE.relative_to(CRAWL_COVERAGE.parents[1])})")
