"""The checks the page crawls rely on catch what they should (tests/community/crawl.py, readable.py), and a
must-visit household's visit log names the visitor, or says the visitor was not recorded."""
import pytest

from community import services
from community.models import Household, VisitCategory
from grids.models import Grid
from tests.conftest import GRID_A
from tests.reading import unreadable

from .crawl import check_page

PAGE = """<html lang="zh-hans"><body><header>worker_a</header><main>
<h1>社会组织</h1>
<table class="data"><thead><tr><th scope="col">预算</th><th>状态</th></tr></thead>
<tbody><tr><td data-label="预算">705558</td><td>handle_on_spot</td></tr></tbody></table>
<p>Filed <code>sha256</code> <span class="code">110108009</span> <input value="english"></p>
<select aria-label="Language"><option lang="en">English</option></select>
</main></body></html>"""


def test_the_checks_find_codes_english_words_bare_money_and_unlabelled_cells():
    problems = check_page("/x/", PAGE)
    assert any("handle_on_spot" in p and "Filed" in p and "Language" in p for p in problems), problems
    assert not any("worker_a" in p or "sha256" in p or "English" in p or "english" in p for p in problems)
    assert any("1 table cells without data-label" in p for p in problems)
    assert any("1 column headings without scope" in p for p in problems)
    assert any("unformatted money ['705558']" in p for p in problems)


def test_a_heading_that_repeats_itself_is_caught():
    page = '<main><h1>为民办实事 <small>为民办实事</small></h1></main>'
    assert any("repeats" in p for p in check_page("/x/", page))
    assert unreadable("<p>九必访户 · 2026-12-01 · 13900000000 · 705,558 元</p>") == []


@pytest.mark.django_db
def test_the_visit_log_names_the_visitor_or_says_it_was_not_recorded(client, cast):
    household = services.household_register(
        user=cast.worker_a, grid=Grid.objects.get(code=GRID_A), head_name="王秀英", address="1号楼", members=2,
        categories=[VisitCategory.objects.get(code="hardship")])
    services.visit_record(user=cast.worker_a, household=household, visited_on=household.registered_on,
                          mode="home", summary="入户了解情况。", needs_follow_up=False)
    household.visits.create(visited_on=household.registered_on, mode="phone", summary="电话问候。")
    client.force_login(cast.worker_a)
    html = client.get(f"/community/households/{household.pk}/").content.decode()
    assert "worker_a" in html and "未记录" in html  # the cast's full name is its username
    assert Household.objects.get(pk=household.pk).visits.count() == 2


@pytest.mark.django_db
def test_empty_lists_say_what_to_do_next(client, cast):
    client.force_login(cast.worker_a)
    html = client.get("/community/households/").content.decode()
    assert "名册中还没有必访户。" in html and 'href="/community/households/new/">登记第一户</a>' in html
    client.force_login(cast.dispatcher_a)
    assert "可用上方表单召集第一次会议。" in client.get("/community/meetings/").content.decode()
    assert "可用上方表单发布第一项活动。" in client.get("/community/activities/").content.decode()
    client.force_login(cast.commander)
    assert "可用上方表单颁发第一项奖励。" in client.get("/orgs/awards/").content.decode()
    assert "可用上方表单签约第一个项目。" in client.get("/orgs/purchases/").content.decode()
    client.force_login(cast.auditor)
    assert "暂无举报。信息公开页面收到的举报" in client.get("/orgs/complaints/").content.decode()
