"""The case pages read in the reader's language: labels, never codes; exports headed in words; the
page conventions (one h1, labelled inputs, tables that become cards on a phone) kept."""
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from tests.conftest import GRID_A, STREET_A
from tests.reading import codes_and_english, structure_problems

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case
from .test_exports import exported
from .test_trail import walked_case

pytestmark = pytest.mark.django_db
CAST_NAMES = ("worker_a", "worker_b", "community_a", "dispatcher_a", "dispatcher_b", "station_a", "bureau",
              "commander", "evaluator", "auditor")


@pytest.fixture
def walked(cast, settings, tmp_path):
    case, _until = walked_case(cast, settings, tmp_path)
    return case


def test_case_pages_show_labels_not_codes_and_keep_the_page_conventions(client, cast, walked):
    micro = new_case(cast.worker_a, MICRO_CATEGORY)
    act(cast.community_a, micro, "file")
    act(cast.community_a, micro, "dispatch", assignee="worker_a")
    waiting = new_case(cast.worker_a)
    get = client.get
    pages = [  # every case page, as the people who use it see it
        ("inbox, all", cast.dispatcher_a, lambda: get(reverse("cases:inbox"), {"view": "all"})),
        ("inbox, mine", cast.dispatcher_a, lambda: get(reverse("cases:inbox"), {"view": "mine"})),
        ("inbox, nothing matches", cast.dispatcher_a, lambda: get(reverse("cases:inbox"), {"status": "handling"})),
        ("inbox, station", cast.station_a, lambda: get(reverse("cases:inbox"), {"view": "all"})),
        ("walked case", cast.dispatcher_a, lambda: get(reverse("cases:detail", args=[walked.number]))),
        ("case to file", cast.dispatcher_a, lambda: get(reverse("cases:detail", args=[waiting.number]))),
        ("micro case", cast.worker_a, lambda: get(reverse("cases:detail", args=[micro.number]))),
        ("phone page", cast.worker_a, lambda: get(reverse("cases:new"))),
        ("must-report confirmation", cast.worker_a, lambda: client.post(reverse("cases:must-report"), {"item": 2})),
        ("reported", cast.worker_a, lambda: get(reverse("cases:created", args=[micro.number]))),
        ("district dashboard", cast.commander, lambda: get(reverse("cases:dashboard"))),
        ("street dashboard", cast.dispatcher_a, lambda: get(reverse("cases:dashboard"))),
        ("unit grid", cast.dispatcher_a, lambda: get(reverse("cases:grid", args=[GRID_A]))),
        ("street grid", cast.dispatcher_a, lambda: get(reverse("cases:grid", args=[STREET_A]))),
    ]
    for name, user, request in pages:
        client.force_login(user)
        response = request()
        assert response.status_code == 200, name
        page = response.content.decode()
        assert codes_and_english(page, CAST_NAMES) == [], name
        assert structure_problems(page) == [], name


def test_the_final_status_reads_evaluated_and_the_pages_read_in_english_too(client, cast, walked):
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:detail", args=[walked.number])).content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert '<span class="badge">已评价</span>' in main and "考核评价" not in main
    with translation.override("en"):
        english = client.get(reverse("cases:detail", args=[walked.number])).content.decode()
        inbox = client.get(reverse("cases:inbox"), {"view": "all"}).content.decode()
    for words in ('<span class="badge">Evaluated</span>', "dispatcher_a filed the case",
                  "Resident&#x27;s rating: Satisfied (4 of 5)", "Integrity record", "What you can do now"):
        assert words in english, words
    assert "Your next step" in inbox and "Download as Excel" in inbox and "/en/cases/" in inbox


def test_empty_states_say_what_to_do_next(client, cast):
    client.force_login(cast.dispatcher_b)
    page = client.get(reverse("cases:inbox"), {"view": "mine"}).content.decode()
    assert "暂无待办。新的任务会出现在这里。" in page and "?view=all" in page
    filtered = client.get(reverse("cases:inbox"), {"view": "all", "status": "closed"}).content.decode()
    assert "没有符合筛选条件的案件。" in filtered and "清除筛选条件" in filtered


def rows_of_csv(client, capture):
    body = exported(client, capture).decode()
    return [line.split(",") for line in body.lstrip("\ufeff").splitlines()]


def test_exports_are_headed_in_the_readers_language_and_name_the_handling_station(
        client, cast, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    capture = django_capture_on_commit_callbacks
    dispatched = new_case(cast.worker_a)
    act(cast.dispatcher_a, dispatched, "file")
    act(cast.dispatcher_a, dispatched, "dispatch", department=STATION_A)
    micro = new_case(cast.community_a, MICRO_CATEGORY)
    act(cast.community_a, micro, "dispatch", assignee="worker_a")
    client.force_login(cast.commander)
    rows = rows_of_csv(client, capture)
    assert rows[0] == ["案件编号", "标题", "类别", "状态", "层级", "期限状态", "街镇", "网格", "地址", "承办",
                       "上报时间", "办理期限", "结案时间", "满意度（1–5 分）"]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[dispatched.number][3:6] == ["任务派遣", "小循环（街镇）", "正常"]
    assert by_number[dispatched.number][9] == "学院路城管分队"  # the station, not the bureau
    assert by_number[micro.number][9] == "worker_a"  # in the micro-cycle, the person it went to
    sheet = load_workbook(io.BytesIO(exported(client, capture, "xlsx"))).active
    header = next(sheet.iter_rows(values_only=True))
    assert header[0] == "案件编号" and header[9] == "承办"
    with translation.override("en"):
        english = rows_of_csv(client, capture)
    assert english[0][:4] == ["Case number", "Title", "Category", "Status"]
    assert {row[0]: row for row in english[1:]}[dispatched.number][3] == "Dispatched"
    assert not any(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", cell) for row in rows for cell in row if cell not in CAST_NAMES)
