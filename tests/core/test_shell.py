"""The site's shell: a menu that offers only what opens, error pages inside the shell with a way back,
languages named in their own language, the icon, landmarks, and the pages the shell owns."""
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory
from django.utils import translation

from core.views import server_error

pytestmark = pytest.mark.django_db

CAST = ["worker_a", "community_a", "dispatcher_a", "station_a", "bureau", "commander", "evaluator", "auditor"]
COMMAND_CENTRE = {"dispatcher_a", "commander", "evaluator", "auditor"}  # a street sub-centre or the district
DEPARTMENTS = {"station_a", "bureau"}


class Shell(HTMLParser):
    """What a page's shell holds: the main menu's links, landmarks, the language choices."""

    def __init__(self, html: str):
        super().__init__()
        self.menu: list[tuple[str, str]] = []  # (href, text)
        self.tags: list[tuple[str, dict]] = []
        self.options: list[str] = []
        self._nav_depth = 0
        self._link: list | None = None
        self._option = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "nav" and (self._nav_depth or attrs.get("id") == "main-menu"):
            self._nav_depth += 1
        elif tag == "a" and self._nav_depth:
            self._link = [attrs["href"], ""]
        elif tag == "option":
            self._option = True
            self.options.append("")

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav_depth:
            self._nav_depth -= 1
        elif tag == "a" and self._link is not None:
            self.menu.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif tag == "option":
            self._option = False

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._option:
            self.options[-1] += data.strip()

    def has(self, tag: str, **attrs) -> bool:
        return any(t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items()) for t, a in self.tags)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the menu -------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh-hans", "en"])
@pytest.mark.parametrize("who", CAST)
def test_every_link_the_menu_shows_opens(cast, who, prefix):
    client = logged_in(getattr(cast, who))
    page = client.get(f"{prefix}/notifications/")
    assert page.status_code == 200
    menu = Shell(page.content.decode()).menu
    assert menu, "the menu is empty"
    broken = {}
    for href, _text in menu:
        answer = client.get(href)
        if answer.status_code != 200:
            broken[href] = answer.status_code
    assert broken == {}


@pytest.mark.parametrize("who", CAST)
def test_the_menu_offers_the_command_centre_and_organisations_only_to_those_who_may_open_them(cast, who):
    hrefs = {href for href, _text in Shell(logged_in(getattr(cast, who)).get("/notifications/").content.decode()).menu}
    assert ("/cases/dashboard/" in hrefs) == (who in COMMAND_CENTRE)
    assert ("/orgs/" in hrefs) == (who not in DEPARTMENTS)
    assert ("/evaluation/" in hrefs) == (who != "worker_a")
    assert ("/cases/new/" in hrefs) == (who not in {"evaluator", "auditor"})
    assert {"/cases/", "/community/", "/notifications/"} <= hrefs


def test_a_visitor_sees_the_public_menu(client):
    hrefs = {href for href, _text in Shell(client.get("/").content.decode()).menu}
    assert {"/public/report/", "/public/track/", "/accounts/login/"} <= hrefs
    assert not {"/cases/", "/cases/dashboard/", "/notifications/"} & hrefs
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_the_menu_marks_the_current_page(cast):
    page = logged_in(cast.dispatcher_a).get("/notifications/").content.decode()
    assert 'href="/notifications/" aria-current="page"' in page


def test_page_link_and_can_open_ask_the_page_itself(cast, rf):
    from django.template import Context, Template

    template = Template('{% load shell %}{% page_link "orgs:incubation" "孵化培育" %}'
                        '{% can_open "orgs:complaints" as may %}{{ may }}')
    for user, link, complaints in [(cast.community_a, False, True), (cast.dispatcher_a, True, True),
                                   (cast.bureau, False, False)]:
        request = rf.get("/orgs/")
        request.user = user
        html = template.render(Context({"request": request, "user": user}))
        assert ('href="/orgs/incubation/"' in html) == link
        assert html.endswith(str(complaints))


# --- error pages ------------------------------------------------------------------------------------


def assert_inside_the_shell(html: str, home: str = "/"):
    shell = Shell(html)
    assert shell.has("nav", id="main-menu") and shell.has("main", id="content") and shell.has("header")
    assert shell.has("a", class_="btn btn-primary", href=home), "no way home"


def test_a_page_the_role_may_not_open_answers_403_inside_the_shell_in_chinese(cast):
    page = logged_in(cast.worker_a).get("/cases/dashboard/", HTTP_REFERER="http://testserver/cases/new/")
    assert page.status_code == 403
    html = page.content.decode()
    assert_inside_the_shell(html)
    assert '<html lang="zh-hans">' in html
    assert "您无权打开此页面" in html and "Forbidden" not in html
    assert 'href="http://testserver/cases/new/"' in html  # back to where they came from
    assert 'href="/cases/new/"' in html  # the menu is the worker's own


def test_the_403_page_speaks_english_under_the_english_prefix(cast):
    page = logged_in(cast.worker_a).get("/en/cases/dashboard/")
    assert page.status_code == 403
    assert_inside_the_shell(page.content.decode(), home="/en/")  # home stays in English
    assert "You may not open this page" in page.content.decode()
    assert '<html lang="en">' in page.content.decode()


def test_a_missing_case_answers_404_inside_the_shell(cast):
    page = logged_in(cast.dispatcher_a).get("/cases/NO-SUCH-CASE/")
    assert page.status_code == 404
    html = page.content.decode()
    assert_inside_the_shell(html)
    assert "页面不存在" in html and "Not Found" not in html


def test_an_unknown_address_answers_404_inside_the_shell_for_a_visitor(client):
    page = client.get("/no/such/page/", HTTP_REFERER="https://elsewhere.example/")
    assert page.status_code == 404
    assert_inside_the_shell(page.content.decode())
    assert "elsewhere.example" not in page.content.decode()  # no way "back" to another site


def test_the_api_keeps_answering_json(client):
    answer = client.get("/api/v1/no-such-endpoint/")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert "detail" in answer.json()


@pytest.mark.urls("tests.core.broken_urls")
def test_a_failing_page_answers_500_inside_the_shell():
    client = Client(raise_request_exception=False)
    page = client.get("/broken/")
    assert page.status_code == 500
    html = page.content.decode()
    assert_inside_the_shell(html)
    assert "出错了" in html
    api = client.get("/api/v1/broken/")
    assert api.status_code == 500 and "detail" in api.json()


def test_the_500_page_needs_no_database_and_speaks_the_readers_language(django_assert_num_queries):
    request = RequestFactory().get("/cases/")
    with django_assert_num_queries(0), translation.override("en"):
        page = server_error(request)
    assert page.status_code == 500
    assert "Something went wrong" in page.content.decode()
    assert_inside_the_shell(page.content.decode(), home="/en/")


# --- languages, icon, landmarks -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_each_language_is_named_in_its_own_language(client, path):
    shell = Shell(client.get(path).content.decode())
    assert shell.options == ["简体中文", "English"]
    assert shell.has("label", for_="language-select") and shell.has("select", id="language-select")


def test_the_site_has_an_icon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"
    assert finders.find("favicon.svg")
    assert '<link rel="icon"' in client.get("/").content.decode()


def test_the_shell_has_landmarks_a_skip_link_and_a_keyboard_menu_button(client):
    shell = Shell(client.get("/").content.decode())
    assert shell.has("a", class_="skip-link", href="#content")
    assert shell.has("main", id="content")
    assert shell.has("header", class_="topbar") and shell.has("footer", class_="footer")
    assert any(t == "nav" and a.get("aria-label") for t, a in shell.tags)
    assert shell.has("button", class_="menu-button", type="button", **{"aria-controls": "main-menu"})
    assert [t for t, _a in shell.tags].count("h1") == 1


def test_residents_are_not_offered_the_api_documentation_but_staff_find_it(client, cast):
    assert "/api/v1/docs/" not in client.get("/").content.decode()
    assert "/api/v1/docs/" not in client.get("/public/report/").content.decode()
    staff_page = logged_in(cast.dispatcher_a).get("/notifications/").content.decode()
    assert 'href="/api/v1/docs/"' in staff_page and "接口文档" in staff_page


# --- pages the shell owns ---------------------------------------------------------------------------


def test_no_notifications_says_what_will_come(cast):
    html = logged_in(cast.worker_a).get("/notifications/").content.decode()
    assert "暂无通知。" in html
    assert "全部标为已读" not in html  # nothing to mark


def test_login_and_password_pages_have_one_heading(client, cast):
    for path, who in [("/accounts/login/", None), ("/accounts/password_change/", cast.worker_a)]:
        page = (logged_in(who) if who else client).get(path)
        assert page.status_code == 200
        assert [t for t, _a in Shell(page.content.decode()).tags].count("h1") == 1, path


def test_a_stale_form_is_explained_inside_the_shell(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.worker_a)
    page = client.post("/notifications/")
    assert page.status_code == 403
    assert_inside_the_shell(page.content.decode())
    assert "表单未能提交" in page.content.decode()


def test_an_administrator_without_a_role_gets_a_working_menu(admin_client):
    page = admin_client.get("/notifications/")
    assert page.status_code == 200
    for href, _text in Shell(page.content.decode()).menu:
        assert admin_client.get(href).status_code == 200, href
