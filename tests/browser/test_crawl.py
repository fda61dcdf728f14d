"""A crawl of every page each role can reach from its menu, in zh-hans and in English, at phone and desktop size.

For each of the roles (the cast of tests/conftest.py, in 学院路) and the anonymous visitor in zh-hans (no prefix),
and for the roles of ``IN_ENGLISH`` in English too (under ``/en/``), one browser context starts at the home page and
follows, breadth first, the links of the menu and then the links of every page it reaches, visiting each URL pattern
(resolved URL name) at most once: one case detail, one household, one organisation… It stays on the site and in the
language, and skips the logout and language forms, the admin, the API and static files. Downloads (exports) are
fetched once each, without a browser page, and must not be 5xx; their header row is read like a page's text.

Each URL pattern is loaded in the browser once per language and run (the first role to reach it, on whichever xdist
worker: ``RunWide``), and so is every role's main pages (its landing page and what its menu links to); a role that
reaches a pattern already loaded reads that page from its HTML instead (``read_html``): its status, where it leads (no
dead link, no login page), its links to follow, and the words of its content (no raw identifiers; what differs from
one person to the next is content, not layout or script). That halves the browser's page loads, which are most of the
crawl's time.

On every page loaded in the browser:

- **no 5xx** (the page and every request it makes), and no **dead link** (a link that answers 403/404 or sends a
  logged-in person to the login page);
- **no raw identifiers** in what a person reads: the visible text nodes (and the option texts of visible selects, the
  labels of submit buttons, and ``placeholder``/``aria-label``/``alt``/``title`` attributes), outside ``<input>``,
  ``<textarea>``, ``<code>``, ``<pre>``, ``.token``, scripts and styles, minus URLs and e-mail addresses. On zh-hans
  pages: no snake_case token (``handle_on_spot``, ``urban_enforcement-110108009``) and no ASCII word of three or more
  letters (``[A-Za-z]{3,}`` standing alone) except the proper names and units of ``ALLOWED_WORDS``. On English pages:
  no snake_case token;
- **no page wider than the viewport**: ``document.documentElement.scrollWidth <= 390`` with the page loaded in a
  390×844 viewport, and ``<= 1280`` after resizing it to 1280×800;
- **axe-core** (the npm package, injected with ``page.add_script_tag``): no ``serious`` or ``critical`` violation.
  Axe runs on the zh-hans crawl at desktop size (the structure it checks is the same in both languages and
  sizes), on every URL pattern the first time the run meets it (the roles share the templates);
- no uncaught JavaScript error.

Error pages: for every role and language a 404 address, and for the roles in ``FORBIDDEN`` a page their role may not
open (403), must answer with that status and render inside the site's shell (a header with the menu), in the page's
language, with a way back (a link in the main content), and pass the checks above.

With ``SCREENSHOTS=1`` the main pages (the landing page and the pages its menu links to) are photographed in zh-hans
at both sizes (each address once: the district roles share most of theirs) into test-artifacts/screenshots/. Every
cell's result goes to test-artifacts/crawl/, merged into test-artifacts/crawl-coverage.txt (pages × roles × sizes ×
languages); tests/browser/conftest.py prints its first line.
"""
import contextlib
import csv
import datetime as dt
import fcntl
import io
import json
import re
import time
from collections import Counter, defaultdict, deque
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from PIL import Image

from core.roles import Role
from evaluation.periods import QUARTER, containing
from grids.demo import seed_demo_people
from grids.models import Department, Grid, StreetUnit
from grids.services import staff_create
from tests.conftest import (
    GRID_A,
    GRID_B,
    PASSWORD,
    RUN_ID,
    STREET_A,
    STREET_B,
    built_once_per_run,
    restore_the_seed,
    run_file,
)
from tests.reading import words

from .conftest import ARTIFACTS, DESKTOP_WIDE, PHONE_SIZE, SCREENSHOTS, axe_url, csp_violations

# No database marker on the crawl itself: the data is the module's, committed once (``site``), and the crawl reads it
# only through the live server. A test's own transaction would hold SQLite's in-memory database (the
# demo's engine, shared between connections) locked against the live server's writes (a login's session).
pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
CELLS = ROOT / "test-artifacts" / "crawl"
COVERAGE = ROOT / "test-artifacts" / "crawl-coverage.txt"

STATION_A = f"urban_enforcement-{STREET_A}"
# The cast of tests/conftest.py, with names a person would have: (username, role, grid, department, full name).
CAST = [
    ("worker_a", Role.GRID_WORKER, GRID_A, "", "孙立网"),
    ("worker_b", Role.GRID_WORKER, GRID_B, "", "钱小格"),
    ("community_a", Role.COMMUNITY_STAFF, GRID_A, "", "冯春燕"),
    ("dispatcher_a", Role.STREET_DISPATCHER, STREET_A, "", "蒋志远"),
    ("dispatcher_b", Role.STREET_DISPATCHER, STREET_B, "", "沈建国"),
    ("station_a", Role.DEPARTMENT_HANDLER, "", STATION_A, "韩振东"),
    ("bureau", Role.DEPARTMENT_HANDLER, "", "urban_enforcement", "杨卫华"),
    ("commander", Role.DISTRICT_COMMANDER, "", "", "朱明辉"),
    ("evaluator", Role.EVALUATOR, "", "", "秦文静"),
    ("auditor", Role.AUDITOR, "", "", "尤海涛"),
    ("call_taker", Role.CALL_TAKER, "", "", "许晓岚"),
]
# Who crawls as each role; None is the anonymous visitor (a resident).
ROLES = {
    "anonymous": None,
    Role.GRID_WORKER.value: "worker_a",
    Role.COMMUNITY_STAFF.value: "community_a",
    Role.STREET_DISPATCHER.value: "dispatcher_a",
    Role.DEPARTMENT_HANDLER.value: "station_a",
    Role.DISTRICT_COMMANDER.value: "commander",
    Role.EVALUATOR.value: "evaluator",
    Role.AUDITOR.value: "auditor",
    Role.CALL_TAKER.value: "call_taker",
}
LANGUAGES = {"zh-hans": "", "en": "/en"}
# English is crawled as the visitor, the phone role and the two desk roles whose pages the others' repeat (the
# commander reaches every URL pattern the evaluator and the auditor do, a station's are a dispatcher's subset): the
# English pages are the same templates, and the stricter check of raw identifiers runs in zh-hans for every role.
IN_ENGLISH = ("anonymous", Role.GRID_WORKER.value, Role.STREET_DISPATCHER.value, Role.DISTRICT_COMMANDER.value)
CELLS_CRAWLED = [(role, "zh-hans") for role in ROLES] + [(role, "en") for role in IN_ENGLISH]
# A page each role's role may not open at all (tests/core/test_permission_matrix.py): it must answer 403 in the shell.
FORBIDDEN = {
    Role.GRID_WORKER.value: "/cases/dashboard/",
    Role.COMMUNITY_STAFF.value: "/cases/dashboard/",
    Role.DEPARTMENT_HANDLER.value: "/community/households/",
    Role.EVALUATOR.value: "/community/households/",
    Role.AUDITOR.value: "/community/households/",
    Role.CALL_TAKER.value: "/community/households/",
}
NOT_FOUND = "/crawl-no-such-page/"

# Proper names and units an zh-hans page may show in Latin letters.
ALLOWED_WORDS = {
    "English",  # the language menu names each language in its own language
    "CSV", "XLSX", "Excel", "PDF",  # file formats on export buttons
    "JPEG", "JPG", "PNG", "WebP", "GIF",  # photo formats
    "Leaflet",  # the map library's attribution
    "SHA",  # a photo's SHA-256 checksum on the case page
}
SNAKE = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?:-[A-Za-z0-9]+)*")
WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{3,}(?![A-Za-z0-9_])")
URL_OR_MAIL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

SKIP_NAMES = {"logout", "set_language"}
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/open311/", "/i18n/", "/admin/", "/en/admin/")
DOWNLOAD_NAMES = {"cases:export-download", "evaluation:run-export", "evaluation:bonus-export"}
DOWNLOAD_SUFFIXES = (".csv", ".xlsx", ".xls", ".pdf", ".zip")

# --------------------------------------------------------------------------------------------- in the page

VISIBLE_TEXT = """() => {
  const SKIP = 'input, textarea, code, pre, kbd, samp, .token, script, style, noscript, template';
  const shown = el => el.checkVisibility({checkVisibilityCSS: true});
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement, text = node.nodeValue.trim();
    if (!el || !text || el.closest(SKIP)) continue;
    const select = el.closest('select');
    if (select ? !shown(select) : !shown(el)) continue;
    out.push(text);
  }
  for (const el of document.querySelectorAll('input[type=submit], input[type=button], input[type=reset]')) {
    if (shown(el) && el.value.trim()) out.push(el.value.trim());
  }
  for (const attr of ['placeholder', 'aria-label', 'alt', 'title']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      const text = el.getAttribute(attr).trim();
      if (!text || el.closest('code, pre, .token, script, style, template')) continue;
      if (el.tagName === 'INPUT' && attr !== 'placeholder' && attr !== 'aria-label') continue;
      if (!shown(el) && !(el.tagName === 'SELECT' || el.tagName === 'INPUT')) continue;
      out.push(text);
    }
  }
  return out;
}"""

# The page's width, and when it is too wide the outermost-visible elements that stick out (not inside a box that
# scrolls or clips them).
WIDTH = """(limit) => {
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return {width, culprits: []};
  const culprits = [];
  const describe = el => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + Array.from(el.classList).join('.');
    const text = (el.innerText || el.getAttribute('src') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return `${name} (${Math.round(el.getBoundingClientRect().right)} px)` + (text ? ` “${text}”` : '');
  };
  // the deepest boxes that stick out, not looking inside a box that clips or scrolls (which is itself the culprit
  // when it sticks out)
  const walk = el => {
    for (const child of el.children) {
      if (culprits.length >= 3) return;
      const box = child.getBoundingClientRect();
      const style = getComputedStyle(child);
      const clips = style.overflowX !== 'visible' || style.position === 'fixed';
      const out = box.right > limit + 1 && box.width > 0;
      const before = culprits.length;
      if (!clips) walk(child);
      if (out && culprits.length === before) culprits.push(describe(child));
    }
  };
  walk(document.body);
  return {width, culprits};
}"""

LINKS = """() => Array.from(document.querySelectorAll('a[href]')).map(a => ({
  href: a.href, menu: !!a.closest('header, nav, [role=navigation]'), download: a.hasAttribute('download'),
}))"""

SHELL = """() => {
  const header = document.querySelector('header, [role=banner]');
  const main = document.querySelector('main, [role=main]');
  return {
    lang: document.documentElement.lang,
    header: !!header,
    menu: header ? header.querySelectorAll('nav a[href], [role=navigation] a[href]').length : 0,
    home: header ? Array.from(header.querySelectorAll('a[href]'))
      .some(a => ['/', '/en/'].includes(new URL(a.href).pathname)) : false,
    back: main ? main.querySelectorAll('a[href]').length : 0,
  };
}"""

AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, count: v.nodes.length, help: v.help,
    target: v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(' | '),
  }));
}"""


def raw_identifiers(texts, language: str) -> list[str]:
    found = Counter()
    for text in texts:
        text = URL_OR_MAIL.sub(" ", text)
        for token in SNAKE.findall(text):
            found[token] += 1
        if language == "zh-hans":
            for word in WORD.findall(SNAKE.sub(" ", text)):
                if word not in ALLOWED_WORDS:
                    found[word] += 1
    return [f"{token}×{count}" if count > 1 else token for token, count in sorted(found.items())]


def context_of(texts, tokens, limit=3) -> list[str]:
    """A few of the texts the offending tokens came from, to find them on the page."""
    bare = {token.split("×")[0] for token in tokens}
    shown = []
    for text in texts:
        if any(token in text for token in bare) and text not in shown:
            shown.append(text[:80])
        if len(shown) == limit:
            break
    return shown


# --------------------------------------------------------------------------------------------- the data


def jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def seed_district() -> None:
    """The platform's reference data and the demo's people, community work, social organisations and assessment
    rounds. Not the demo's 13,922 staff nor its 119 cases in seven streets (the crawl brings its own cases in 学院路):
    loading those would double the seeding time of every xdist worker. It starts from the session's seeded district:
    the crawl runs after the transactional tests, which leave the tables empty."""
    restore_the_seed()
    seed_demo_people()
    for app in ("patrols", "community", "orgs", "evaluation"):
        import_module(f"{app}.seeding").seed(demo=True)


def seed_cast() -> dict:
    """The cast of tests/conftest.py (the demo may have created some of the same logins: they are reused), all with
    one password."""
    User = get_user_model()
    users = {}
    for username, role, grid, department, full_name in CAST:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = staff_create(username=username, role=role, password=PASSWORD, full_name=full_name, grid_code=grid,
                                department_code=department, phone="010-82510000", duties=str(Role(role).label),
                                force_group="community" if role == Role.GRID_WORKER else "",
                                check_password=False)
        else:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        users[username] = user
    return users


def seed_cases(users) -> None:
    """Cases of the cast in grid A, each with a photo, besides the demo's: one waiting to be filed, one rejected, one
    with an extension asked, one fed back, one closed and rated."""
    from cases.attachments import case_attach
    from cases.services import NewCase, case_act, case_create

    grid = Grid.objects.get(code=GRID_A)
    now = timezone.now()

    def report(key, title, category="E0101", when=None):
        case, _ = case_create(actor=users["worker_a"], creation_key=f"crawl-{key}", now=when, data=NewCase(
            title=title, description=f"{title}，现场已拍照。", category=category, lat=grid.centroid_lat,
            lng=grid.centroid_lng, address="学院路街道第01社区3号楼", source="grid_patrol"))
        case_attach(actor=users["worker_a"], number=case.number, content=jpeg((90, 120, 60)), now=when)
        return case.number

    def act(username, number, action, when=None, **data):
        case_act(actor=users[username], number=number, action=action, data=data, now=when)

    def handled(number, when=None):
        step = (lambda minutes: when + dt.timedelta(minutes=minutes)) if when else (lambda minutes: None)
        act("dispatcher_a", number, "file", when=step(10))
        act("dispatcher_a", number, "dispatch", when=step(20), department=STATION_A)
        act("station_a", number, "accept", when=step(30))
        return step

    extension = report("extension", "违建拆除需协调产权单位")
    handled(extension)
    act("station_a", extension, "request_extension", until=(now + dt.timedelta(days=10)).isoformat(),
        reason="需协调产权单位共同拆除")
    fed_back = report("fed-back", "人行道违规停放共享单车")
    handled(fed_back)
    act("station_a", fed_back, "feedback", result="已清理并约谈运营企业")
    rated = report("rated", "底商外摆占道")
    handled(rated)
    act("station_a", rated, "feedback", result="已责令收回外摆")
    act("dispatcher_a", rated, "verify")
    act("worker_a", rated, "evaluate", satisfaction=4, comment="处理及时")
    to_reject = report("to-reject", "非本辖区问题")
    act("dispatcher_a", to_reject, "reject", reason="不属于本街道管辖")
    report("waiting", "楼顶私搭彩钢房")  # the newest: first in the inboxes, waiting to be filed
    patrolled(users, grid, now)


def patrolled(users, grid, now) -> None:
    """An ended patrol of worker_a in grid A (the demo's plan): a check-in at its gate and one from afar (flagged)."""
    from patrols.services import patrol_check_in, patrol_end, patrol_start

    patrol = patrol_start(user=users["worker_a"], grid=grid, now=now - dt.timedelta(hours=3))
    gate = grid.patrol_points.order_by("name").first()
    patrol_check_in(user=users["worker_a"], patrol=patrol, lat=gate.lat, lng=gate.lng, point=gate,
                    now=now - dt.timedelta(hours=2, minutes=50))
    patrol_check_in(user=users["worker_a"], patrol=patrol, lat=gate.lat + 0.05, lng=gate.lng, point=gate,
                    note="定位漂移", now=now - dt.timedelta(hours=2, minutes=40))
    patrol_end(user=users["worker_a"], patrol=patrol, summary="巡查正常", now=now - dt.timedelta(hours=2))


def seed_results(users) -> None:
    """Last quarter's results published, and the community workers' bonus from them (unless the demo has them)."""
    from evaluation.models import BonusRun, ResultRun
    from evaluation.services import bonus_compute, period_ensure, run_compute, run_publish, run_review

    now = timezone.now()
    period = period_ensure(code=containing(QUARTER, timezone.localdate(now)).previous().code)
    if not ResultRun.objects.filter(period=period, status=ResultRun.Status.PUBLISHED).exists():
        run = run_compute(period_code=period.code, now=now)
        run_review(actor=users["evaluator"], run_id=run.pk, note="数据核对无误。")
        run_publish(actor=users["evaluator"], run_id=run.pk)
    if not BonusRun.objects.filter(period=period).exists():
        bonus_compute(actor=users["evaluator"], period_code=period.code)


def seed_site() -> None:
    seed_district()
    users = seed_cast()
    seed_cases(users)
    seed_results(users)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The demo district plus the cast's own work in 学院路, committed for the module on each xdist worker, served by
    a live server of this module's own: these tests read only, so they share the data instead of reseeding it per
    test. The first worker of the run to get here seeds it (ten seconds) and leaves a snapshot that the other worker,
    and this one when it meets the crawl again, loads in a second. At the end the tables go back to the session's
    seeded district."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        server = None
        try:
            built_once_per_run("crawl-site", seed_site)
            server = LiveServer("localhost")
            server._live_server_modified_settings.enable()
            # The cells' logins, kept with the data they are sessions of: a worker that meets the crawl again after
            # another module's tests (work stealing hands out the tail of a queue) loads the site and logs in afresh.
            server.sessions = {}
            yield server
        finally:
            if server is not None:
                server.stop()
                server._live_server_modified_settings.disable()
            # Back to the session's seeded district for the tests that run after this module on this worker.
            restore_the_seed()
            connections.close_all()


# --------------------------------------------------------------------------------------------- the crawl


class Cell:
    """One role in one language: what it visited and what failed."""

    def __init__(self, role: str, language: str, base: str):
        self.role, self.language, self.base = role, language, base
        self.prefix = LANGUAGES[language]
        self.axe_url = axe_url(base)
        self.pages: list[dict] = []  # {name, url, status, main}
        self.downloads: list[dict] = []
        self.failures: list[dict] = []
        self.skipped: Counter = Counter()
        self.axe_runs = 0
        self.screenshots = 0
        self.timing: Counter = Counter()

    @contextlib.contextmanager
    def timed(self, what: str):
        """Where the crawl's time goes, per kind of check (written to the coverage file)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timing[what] += time.perf_counter() - started

    def fail(self, check: str, url: str, size: str, detail: str) -> None:
        self.failures.append({"check": check, "url": url.removeprefix(self.base), "size": size, "detail": detail})

    def name_of(self, path: str) -> str | None:
        with translation.override("en" if self.language == "en" else "zh-hans"):
            try:
                return resolve(path).view_name
            except Resolver404:
                return None


def keys_of(cell: Cell, href: str) -> tuple[str, str] | None:
    """(key, url) of a link worth following, or None; the key is the URL pattern's name."""
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != cell.base:
        cell.skipped["other site"] += 1 if parts.scheme in ("http", "https") else 0
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES):
        cell.skipped[path.split("/")[1] or path] += 1
        return None
    english = path == "/en" or path.startswith("/en/")
    if english != (cell.language == "en"):
        cell.skipped["other language"] += 1
        return None
    name = cell.name_of(path)
    if name in SKIP_NAMES:
        return None
    url = f"{cell.base}{path}" + (f"?{parts.query}" if parts.query else "")
    if name is None:
        return f"unknown:{path}", url
    if name in DOWNLOAD_NAMES or path.endswith(DOWNLOAD_SUFFIXES):
        return f"{name}{Path(path).suffix}", url
    return name, url


def header_row(content: bytes, url: str) -> list[str]:
    if url.split("?")[0].endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        row = next(sheet.iter_rows(max_row=1, values_only=True), ())
        return [str(value) for value in row if value is not None]
    text = content.decode("utf-8-sig", errors="replace")
    return next(csv.reader(io.StringIO(text)), [])


def download(cell: Cell, context, key: str, url: str) -> None:
    response = context.request.get(url, max_redirects=0, fail_on_status_code=False)
    status = response.status
    cell.downloads.append({"name": key, "url": url.removeprefix(cell.base), "status": status})
    if status >= 500:
        cell.fail("5xx", url, "-", f"download answers {status}")
    elif status >= 400:
        cell.fail("dead link", url, "-", f"download answers {status}")
    elif status == 200 and "html" not in response.headers.get("content-type", ""):
        tokens = raw_identifiers(header_row(response.body(), url), cell.language)
        if tokens:
            cell.fail("raw identifiers", url, "-", "export header: " + ", ".join(tokens))


def check_width(cell: Cell, page, url: str, limit: int, size: str) -> None:
    measured = page.evaluate(WIDTH, limit)
    if measured["width"] > limit:
        cell.fail("too wide", url, size, f"{measured['width']} px > {limit} px: " + "; ".join(measured["culprits"]))


def check_page(cell: Cell, page, url: str, *, axe: bool, shoot: str | None) -> None:
    """The checks of one loaded page: phone width first (it was loaded at phone size), then desktop."""
    with cell.timed("width"):
        check_width(cell, page, url, PHONE_SIZE["width"], "390")
    if shoot:
        shot(cell, page, f"crawl-{shoot}-phone")
    with cell.timed("width"):
        page.set_viewport_size(DESKTOP_WIDE)  # growing: nothing waits for a resize handler to catch up
        check_width(cell, page, url, DESKTOP_WIDE["width"], "1280")
    with cell.timed("text"):
        texts = page.evaluate(VISIBLE_TEXT)
    tokens = raw_identifiers(texts, cell.language)
    if tokens:
        cell.fail("raw identifiers", url, "1280", ", ".join(tokens) + "  ← " + " / ".join(context_of(texts, tokens)))
    if axe:
        with cell.timed("axe"):
            started = time.perf_counter()
            # axe-core from the live server's static files rather than inline: the browser caches the compiled
            # script, which saves ~0.3 s a page over add_script_tag(path=...)
            page.add_script_tag(url=cell.axe_url)
            violations = page.evaluate(AXE)
            cell.pages[-1]["axe_ms"] = round(1000 * (time.perf_counter() - started))
        cell.axe_runs += 1
        for violation in violations:
            cell.fail("axe", url, "1280", "{impact} {id} ×{count}: {help} [{target}]".format(**violation))
    if shoot:
        shot(cell, page, f"crawl-{shoot}-desktop")


def shot(cell: Cell, page, name: str) -> None:
    """A full-page screenshot (with ``SCREENSHOTS=1``); JPEG, which Chromium encodes in half the time of PNG."""
    if not SCREENSHOTS:
        return
    with cell.timed("screenshots"):
        page.screenshot(path=str(ARTIFACTS / f"{name}.jpg"), full_page=True, type="jpeg", quality=80)
    cell.screenshots += 1


def visit(cell: Cell, page, url: str, errors: list, bad_requests: list):
    """Load a page at phone size. The viewport shrinks once the new document is committed, so the page left behind
    is not laid out again at the new size for nothing."""
    errors.clear()
    bad_requests.clear()
    try:
        with cell.timed("load"):
            response = page.goto(url, wait_until="commit")
            page.set_viewport_size(PHONE_SIZE)
            page.wait_for_load_state("load")
    except Exception as error:  # noqa: BLE001 - a download started, or the page did not load
        if "Download is starting" in str(error):
            return "download", None
        cell.fail("does not load", url, "-", str(error).splitlines()[0])
        return None, None
    return "page", response


def crawl(cell: Cell, context, *, probes: dict[str, int]) -> None:
    page = context.new_page()
    errors, bad_requests = [], []
    page.on("pageerror", lambda error: errors.append(str(error).splitlines()[0]))
    page.on("console", lambda message: errors.extend(csp_violations(message)))
    page.on("response", lambda r: bad_requests.append((r.status, r.url)) if r.status >= 500 or (
        r.status >= 400 and r.request.resource_type != "document" and r.url.startswith(cell.base)) else None)
    login_path = f"{cell.prefix}/accounts/login/"
    start = f"{cell.base}{cell.prefix}/"
    queue = deque([("home", start, "", True)])
    for path, status in probes.items():
        queue.append((f"probe:{status}", f"{cell.base}{cell.prefix}{path}", "", False))
    done: set[str] = set()
    browsed = BROWSED[cell.language]
    while queue:
        key, url, source, main = queue.popleft()
        if key in done:
            continue
        done.add(key)
        if key.endswith(DOWNLOAD_SUFFIXES):
            with cell.timed("downloads"):
                download(cell, context, key, url)
            continue
        over_http = key in browsed and not main and not key.startswith("probe:")
        if over_http:
            with cell.timed("http"):
                response = context.request.get(url, fail_on_status_code=False)
            final, kind = response.url, "page"
        else:
            kind, response = visit(cell, page, url, errors, bad_requests)
            final = page.url
        if kind == "download":
            download(cell, context, key, url)
            continue
        if response is None:
            continue
        status = response.status
        final_path = urlsplit(final).path
        final_key = cell.name_of(final_path) or f"unknown:{final_path}"
        expected = int(key.split(":")[1]) if key.startswith("probe:") else 200
        record = {"name": key if key.startswith(("probe:", "home")) or final_key == key else f"{key} → {final_key}",
                  "url": url.removeprefix(cell.base), "status": status, "main": main, "http": over_http}
        cell.pages.append(record)
        where = f" (linked from {source})" if source else ""
        if status >= 500:
            cell.fail("5xx", url, "-", f"answers {status}{where}")
        elif key.startswith("probe:"):
            if status != expected:
                cell.fail("error page", url, "-", f"answers {status}, expected {expected}")
        elif status >= 400:
            cell.fail("dead link", url, "-", f"answers {status}{where}")
        elif cell.role != "anonymous" and final_path == login_path:
            cell.fail("dead link", url, "-", f"sends {cell.role} to the login page{where}")
        if final_key != key and not key.startswith(("probe:", "home")):
            if final_key in done and final_path != login_path:
                continue  # a redirect to a page already checked
            done.add(final_key)
        elif key == "home":
            done.add(final_key)
        if "html" not in (response.headers.get("content-type") or ""):
            continue
        if over_http:
            links = read_html(cell, url, response.text())
        else:
            if key.startswith("probe:"):
                check_error_page(cell, page, url, status)
            links = check_in_the_browser(cell, page, key, url, final_key, final_path, main, errors, bad_requests)
            browsed.update((key, final_key))
        if key.startswith("probe:"):
            continue
        for link in sorted(links, key=lambda link: not link["menu"]):
            found = keys_of(cell, link["href"])
            if found is None or found[0] in done:
                continue
            if link["download"]:
                found = (found[0] + ("" if found[0].endswith(DOWNLOAD_SUFFIXES) else ".download"), found[1])
            queue.append((*found, final_key, key == "home" and link["menu"]))
    page.close()


def check_in_the_browser(cell: Cell, page, key, url, final_key, final_path, main, errors, bad_requests) -> list:
    """Every check of a page loaded in the browser; its links."""
    shoot = None
    if main and cell.language == "zh-hans":
        if PHOTOGRAPHED.claim(final_path):  # the district roles share many main pages: one picture each
            shoot = f"{cell.role}-{final_key.replace(':', '-')}"
    # axe on each kind of page the first time the run meets it: the structure axe checks (names, labels,
    # contrast, landmarks) comes from the template, which the roles share.
    axe = cell.language == "zh-hans" and AXED.claim(final_key)
    check_page(cell, page, url, axe=axe, shoot=shoot)
    for error in errors:
        cell.fail("javascript", url, "-", error)
    for bad_status, bad_url in bad_requests:
        if bad_url != url:
            cell.fail("5xx" if bad_status >= 500 else "broken request", url, "-",
                      f"{bad_status} {bad_url.removeprefix(cell.base)}")
    with cell.timed("links"):
        return page.evaluate(LINKS)


def check_error_page(cell: Cell, page, url: str, status: int) -> None:
    shell = page.evaluate(SHELL)
    problems = []
    if not shell["header"] or shell["menu"] < 1:
        problems.append("no header with the menu")
    if not shell["home"]:
        problems.append("no link home in the header")
    if shell["back"] < 1:
        problems.append("no way back (no link in the main content)")
    if not shell["lang"].lower().startswith(cell.language[:2]):
        problems.append(f"lang={shell['lang']!r}")
    if problems:
        cell.fail("error page", url, "-", f"{status} page: " + ", ".join(problems))


class _Links(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.links = base, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append({"href": urljoin(self.base, attrs["href"]), "menu": False,
                               "download": "download" in attrs})


def read_html(cell: Cell, url: str, html: str) -> list:
    """A page of a kind this run has already checked in the browser, read from its HTML: the words of its content
    (what differs from one person to the next) and its links."""
    with cell.timed("http"):
        tokens = raw_identifiers([words(html)], cell.language)
        if tokens:
            cell.fail("raw identifiers", url, "html", ", ".join(tokens))
        parser = _Links(url)
        parser.feed(html)
    return parser.links


def log_in(browser, base: str, username: str, storage: dict) -> dict:
    """The session of a user, logged in once through the real form (and kept for the other language)."""
    if username not in storage:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP_WIDE)
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")
        assert "/accounts/login/" not in page.url, f"{username} could not log in"
        storage[username] = context.storage_state()
        context.close()
    return storage[username]


class RunWide:
    """A set of keys shared by the run's xdist workers (a file of lines, under a lock): the crawl's cells, split between
    the workers by work stealing, check each kind of page once in the run, not once per worker."""

    def __init__(self, name: str):
        self.path = run_file(f"crawl-{name}.txt")

    @contextlib.contextmanager
    def _keys(self):
        with open(self.path, "a+", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            yield file, set(file.read().splitlines())

    def __contains__(self, key: str) -> bool:
        with self._keys() as (_file, keys):
            return key in keys

    def claim(self, key: str) -> bool:
        """Whether this call added the key (False: another cell has it already)."""
        with self._keys() as (file, keys):
            if key in keys:
                return False
            file.write(key + "\n")
            return True

    def update(self, new: tuple[str, ...]) -> None:
        with self._keys() as (file, keys):
            file.writelines(key + "\n" for key in dict.fromkeys(new) if key not in keys)


AXED = RunWide("axed")  # URL patterns axe has checked in this run
BROWSED = {language: RunWide(f"browsed-{language}") for language in LANGUAGES}  # URL patterns loaded in the browser
PHOTOGRAPHED = RunWide("photographed")  # paths of main pages photographed in this run


def save_cell(cell: Cell, seconds: float) -> None:
    """This cell's result for the coverage file, then the coverage file of every cell of this run so far."""
    CELLS.mkdir(parents=True, exist_ok=True)
    data = {"run": RUN_ID, "role": cell.role, "language": cell.language, "seconds": round(seconds, 1),
            "pages": cell.pages, "downloads": cell.downloads, "failures": cell.failures,
            "skipped": dict(cell.skipped), "timing": {k: round(v, 1) for k, v in cell.timing.most_common()},
            "axe_runs": cell.axe_runs, "screenshots": cell.screenshots}
    (CELLS / f"{cell.role}-{cell.language}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    with open(CELLS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cells = []
        for path in sorted(CELLS.glob("*.json")):
            loaded = json.loads(path.read_text())
            if loaded.get("run") == RUN_ID:
                cells.append(loaded)
        COVERAGE.write_text(coverage_report(cells))


def coverage_report(cells: list[dict]) -> str:
    roles = sorted({c["role"] for c in cells}, key=lambda r: list(ROLES).index(r))
    languages = sorted({c["language"] for c in cells}, key=lambda lang: list(LANGUAGES).index(lang))
    pages = sum(len(c["pages"]) for c in cells)
    patterns = {p["name"].split(" → ")[-1] for c in cells for p in c["pages"]}
    downloads = sum(len(c["downloads"]) for c in cells)
    failures = sum(len(c["failures"]) for c in cells)
    axe = sum(c["axe_runs"] for c in cells)
    shots = sum(c["screenshots"] for c in cells)
    read = sum(1 for c in cells for p in c["pages"] if p.get("http"))
    lines = [
        f"crawl: {pages} pages ({len(patterns)} URL patterns) over {len(roles)} roles × {len(languages)} languages: "
        f"{pages - read} in the browser at 2 sizes (390, 1280 px), {read} read from their HTML; {downloads} "
        f"downloads; {axe} axe runs; {shots} screenshots; {failures} failures",
        "",
        "pages visited per role and language (each URL pattern once):",
    ]
    by_cell = {(c["role"], c["language"]): c for c in cells}
    lines.append("  " + "role".ljust(22) + "".join(lang.rjust(10) for lang in languages) + "   failures")
    for role in roles:
        row = [by_cell.get((role, lang)) for lang in languages]
        lines.append("  " + role.ljust(22) + "".join(str(len(c["pages"]) if c else "-").rjust(10) for c in row)
                     + "   " + " / ".join(str(len(c["failures"])) if c else "-" for c in row))
    failures_by_check = Counter(f["check"] for c in cells for f in c["failures"])
    lines += ["", "failures by check: " + (", ".join(f"{k} {v}" for k, v in failures_by_check.most_common())
                                              or "none")]
    for cell in sorted(cells, key=lambda c: (roles.index(c["role"]), c["language"])):
        lines += ["", f"== {cell['role']} · {cell['language']} · {cell['seconds']} s · "
                      f"{len(cell['pages'])} pages, {len(cell['downloads'])} downloads, skipped links: "
                      f"{cell['skipped'] or 'none'}; time: {cell.get('timing')}"]
        lines += [f"  {p['status']} {p['url']}  [{p['name']}]" + ("  (menu)" if p["main"] else "")
                  + ("  (HTML)" if p.get("http") else "")
                  + (f"  axe {p['axe_ms']} ms" if p.get("axe_ms") else "")
                  for p in cell["pages"]]
        lines += [f"  {d['status']} {d['url']}  [{d['name']}] (download)" for d in cell["downloads"]]
        grouped = defaultdict(list)
        for failure in cell["failures"]:
            grouped[failure["check"]].append(failure)
        for check, items in grouped.items():
            lines.append(f"  -- {check}:")
            lines += [f"     {f['url']} @{f['size']}: {f['detail']}" for f in items]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db  # also what makes pytest-django set up the test database when the crawl runs alone
def test_the_cast_works_in_grids_and_departments_of_the_seeded_district():
    for _username, _role, grid, department, _name in CAST:
        assert not grid or Grid.objects.filter(code=grid).exists(), grid
        assert not department or (Department.objects.filter(code=department).exists()
                                  or StreetUnit.objects.filter(code=department).exists()), department


@pytest.mark.parametrize(("role", "language"), CELLS_CRAWLED)
def test_every_page_of_the_menu(site, browser, role, language):
    started = time.perf_counter()
    base = site.url
    username = ROLES[role]
    state = log_in(browser, base, username, site.sessions) if username else None
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US", timezone_id="Asia/Shanghai",
                                  viewport=PHONE_SIZE, storage_state=state)
    context.set_default_timeout(20_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cell = Cell(role, language, base)
    probes = {NOT_FOUND: 404}
    if role in FORBIDDEN:
        probes[FORBIDDEN[role]] = 403
    try:
        crawl(cell, context, probes=probes)
    finally:
        context.close()
        save_cell(cell, time.perf_counter() - started)
    assert len(cell.pages) > len(probes), f"{role} reached no page"
    if cell.failures:
        grouped = defaultdict(list)
        for failure in cell.failures:
            grouped[failure["check"]].append(f"  {failure['url']} @{failure['size']}: {failure['detail']}")
        report = "\n".join(f"{check} ({len(items)}):\n" + "\n".join(items) for check, items in grouped.items())
        pytest.fail(f"{len(cell.failures)} failures for {role} in {language} ({len(cell.pages)} pages):\n{report}",
                    pytrace=False)
