"""The trail (流转记录) reads as sentences: one per kind of event, in Chinese and in English, with
integrity data folded away and never inside a sentence."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from cases import trail, workflow
from cases.attachments import case_attach
from cases.models import CaseEvent
from cases.services import case_evaluate_by_token
from cases.sweeps import sweep_deadlines
from cases.workflow import ABSORB, ATTACH, CALLBACK, CREATE, FOLLOW_UP, Action
from tests.conftest import SECTION_A
from tests.reading import codes_and_english

from .conftest import MICRO_CATEGORY, STATION_A, act, new_case
from .test_attachments import png_bytes

pytestmark = pytest.mark.django_db

HASH = "ab" * 32
PHOTO_HASH = "cd" * 32
UNTIL = "2026-12-04T17:00:00+08:00"
OTHER = "HD20261201000042"
SYSTEM_KINDS = [value for name, value in vars(workflow).items() if name.startswith("SYSTEM_")]
ALL_KINDS = [*Action.values, CREATE, ATTACH, ABSORB, CALLBACK, FOLLOW_UP, *SYSTEM_KINDS]

# A typical payload of every kind the journal writes (see services, attachments, sweeps).
PAYLOADS = {
    CREATE: {"grid": "110108009001001", "category": "E0101"},
    ATTACH: {"stage": "before", "sha256": PHOTO_HASH, "size": 23922},
    ABSORB: {"merged": OTHER},
    CALLBACK: {"callback": 1, "reached": True, "solved": False, "satisfaction": 2, "note": "仍有残留"},
    FOLLOW_UP: {"caller_name": "刘女士", "phone": "13801012345", "note": "仍未处理"},
    Action.FILE: {},
    Action.REJECT: {"reason": "不属于受理范围"},
    Action.MERGE: {"into": OTHER},
    Action.DISPATCH: {"to": STATION_A},
    Action.ACCEPT: {},
    Action.RETURN: {"reason": "不属本单位职责", "from": STATION_A},
    Action.FEEDBACK: {"result": "已清理完毕"},
    Action.HANDLE_ON_SPOT: {"result": "现场已清理"},
    Action.VERIFY: {},
    Action.REWORK: {"reason": "仍有残留"},
    Action.ESCALATE: {"reason": "需区级协调"},
    Action.REQUEST_EXTENSION: {"until": UNTIL, "reason": "等待材料"},
    Action.APPROVE_EXTENSION: {"until": UNTIL},
    Action.DENY_EXTENSION: {"until": UNTIL, "reason": ""},
    Action.EVALUATE: {"satisfaction": 4, "comment": "", "defaulted": False},
    Action.REOPEN: {"reason": "回访未解决", "closed_at": UNTIL},
    Action.COMMENT: {"comment": "已电话联系当事人"},
    Action.SUMMON: {"kind": "emergency", "lead": STATION_A, "co_handlers": [SECTION_A],
                    "report_due_at": "2026-12-04T09:30:00+08:00"},
    Action.REPORT_IN: {"unit": STATION_A, "late": True, "report_due_at": "2026-12-04T09:30:00+08:00"},
    Action.PARTY_FEEDBACK: {"unit": STATION_A, "result": "本单位已处置"},
    Action.PARTY_RETURN: {"unit": STATION_A, "reason": "不属本单位职责", "ended": True},
    workflow.SYSTEM_WARN: {"due_at": UNTIL},
    workflow.SYSTEM_OVERDUE: {"due_at": UNTIL},
    workflow.SYSTEM_ESCALATE: {"reason": "Overdue since 2026-12-04 17:00: escalated automatically."},
    workflow.SYSTEM_EVALUATE: {"satisfaction": 5, "comment": "", "defaulted": True},
}


def event_of(case, kind, actor):
    system = kind in SYSTEM_KINDS
    return CaseEvent(case=case, seq=3, actor=None if system else actor, actor_label="system" if system else "李网格",
                     action=kind, from_status="handling", to_status="handling", from_tier="small", to_tier="small",
                     payload=PAYLOADS[kind], created_at=timezone.now(), prev_hash=HASH, hash=HASH)


def sentence(case, kind, actor, language):
    with translation.override(language):
        return strip_tags(trail.case_trail(case, [event_of(case, kind, actor)])[0].sentence)


def test_every_kind_of_event_has_a_sentence():
    assert set(PAYLOADS) == set(ALL_KINDS)
    assert set(trail.SENTENCES) == set(ALL_KINDS)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_kind_reads_in_chinese_and_in_english(cast, kind):
    case = new_case(cast.worker_a)
    chinese, english = sentence(case, kind, cast.worker_a, "zh-hans"), sentence(case, kind, cast.worker_a, "en")
    assert kind not in chinese
    for text in (chinese, english):
        assert "_" not in text and "{" not in text and "%(" not in text
        assert HASH not in text and PHOTO_HASH not in text and "23922" not in text  # integrity stays out
    assert chinese != english
    names = ("李网格", case.category.name, case.grid.name, "学院路城管分队", "学院路环境保护科")
    leftover = re.sub(r"HD\d+", "", chinese)
    for name in names:
        leftover = leftover.replace(name, "")
    assert not re.search(r"[A-Za-z]", leftover), chinese
    assert re.search(r"[A-Za-z]{3,}", english), english


def test_sentences_say_what_happened_in_words(cast):
    case = new_case(cast.worker_a)
    with translation.override("zh-hans"), _fixed_now(dt.datetime(2026, 11, 30, 10, 0)):
        read = {kind: strip_tags(trail.case_trail(case, [event_of(case, kind, cast.worker_a)])[0].sentence)
                for kind in ALL_KINDS}
    assert read[Action.FILE] == "李网格 立案"
    assert read[Action.DISPATCH].startswith("李网格 派遣至 学院路城管分队，限 ")
    assert read[Action.REQUEST_EXTENSION] == "李网格 申请延期至 12月4日 17:00"
    assert read[Action.SUMMON] == ("李网格 吹响应急哨，召集 学院路城管分队（牵头）、学院路环境保护科，"
                                   "限 12月4日 09:30 前报到")
    assert read[Action.REPORT_IN] == "李网格 代表 学院路城管分队 报到，已超时（时限 12月4日 09:30）"
    assert read[Action.PARTY_RETURN] == "李网格 代表牵头单位 学院路城管分队 退回任务，本次召集结束"
    assert read[Action.MERGE] == f"李网格 合并至 {OTHER}"
    assert read[workflow.SYSTEM_WARN] == "系统：临近期限（黄灯），期限 12月4日 17:00"
    assert read[Action.EVALUATE] == "李网格 评价：满意（4 分）"
    assert read[CALLBACK] == "李网格 回访报告人：未解决，不满意（2 分）"
    assert read[Action.REOPEN] == "李网格 根据回访重新打开案件，退回返工"
    assert read[workflow.SYSTEM_EVALUATE] == "系统：评价期满无人评价，默认评价为 非常满意（5 分）"


def test_a_residents_rating_reads_as_theirs(cast):
    case = new_case(cast.worker_a)
    event = event_of(case, Action.EVALUATE, None)
    event.actor, event.actor_label = None, "resident"
    with translation.override("zh-hans"):
        assert strip_tags(trail.case_trail(case, [event])[0].sentence) == "居民评价：满意（4 分）"


class _fixed_now:
    """Freeze ``timezone.now`` (Beijing wall time given) for what reads "today" or "this year"."""

    def __init__(self, beijing: dt.datetime):
        self.moment = timezone.make_aware(beijing)

    def __enter__(self):
        self.original = timezone.now
        timezone.now = lambda: self.moment
        return self.moment

    def __exit__(self, *exc):
        timezone.now = self.original


def walked_case(cast, settings, tmp_path):
    """A case through photo, filing, dispatch, an extension, the sweep, feedback, closure and a resident's rating."""
    settings.MEDIA_ROOT = tmp_path
    case = new_case(cast.worker_a)
    case_attach(actor=cast.worker_a, number=case.number, content=png_bytes())
    act(cast.dispatcher_a, case, "file", comment="请尽快处理")
    act(cast.dispatcher_a, case, "dispatch", department=STATION_A)
    act(cast.station_a, case, "accept")
    case.refresh_from_db()
    until = (timezone.localtime(case.due_at) + dt.timedelta(days=3)).replace(hour=17, minute=0, second=0)
    act(cast.station_a, case, "request_extension", until=until.isoformat(), reason="等待材料")
    act(cast.dispatcher_a, case, "approve_extension")
    case.refresh_from_db()
    sweep_deadlines(now=case.warn_at + dt.timedelta(minutes=1))
    case.refresh_from_db()
    sweep_deadlines(now=case.due_at + dt.timedelta(minutes=1))
    act(cast.station_a, case, "feedback", result="已拆除")
    act(cast.dispatcher_a, case, "verify")
    case.refresh_from_db()
    case_evaluate_by_token(token=case.public_token, satisfaction=4)
    return case, until


def test_the_case_page_shows_the_trail_as_sentences(client, cast, settings, tmp_path):
    case, until = walked_case(cast, settings, tmp_path)
    client.force_login(cast.dispatcher_a)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    timeline = page[page.index('id="trail"'):]
    timeline = timeline[:timeline.index("</ol>")]
    text = strip_tags(timeline)
    for expected in ("worker_a 上报：私搭乱建", "worker_a 上传照片（处置前）", "dispatcher_a 立案", "备注：请尽快处理",
                     "dispatcher_a 派遣至 学院路城管分队，限 ", "station_a 接收任务",
                     f"station_a 申请延期至 {until.month}月{until.day}日 17:00", "原因：等待材料",
                     "系统：临近期限（黄灯）", "系统：已超期（红灯）", "station_a 反馈处理结果",
                     "dispatcher_a 核查结案",
                     "居民评价：满意（4 分）", "案卷建立 → 任务派遣", "已结案 → 已评价"):
        assert expected in text, expected
    for raw in ("sha256", "size:", "to:", "stage:", "defaulted", STATION_A, "request_extension", "→ fed_back"):
        assert raw not in text, raw
    # Integrity data is folded under each event, in wrapping token spans.
    photo = case.attachments.get()
    assert f'<span class="token">{photo.sha256}</span>' in timeline
    assert timeline.count('<details class="integrity">') == case.events.count()
    assert codes_and_english(page, names=("worker_a", "dispatcher_a", "station_a")) == []


def test_merges_read_on_both_cases(client, cast):
    kept, merged = new_case(cast.worker_a), new_case(cast.worker_a)
    act(cast.dispatcher_a, merged, "merge", into=kept.number)
    client.force_login(cast.dispatcher_a)
    with translation.override("zh-hans"):
        assert f"合并至 {kept.number}" in strip_tags(client.get(reverse("cases:detail", args=[merged.number])).content
                                                     .decode())
        assert f"将 {merged.number} 合并至本案" in strip_tags(
            client.get(reverse("cases:detail", args=[kept.number])).content.decode())


def test_micro_dispatch_names_the_worker_and_the_trail_costs_no_query_per_event(client, cast,
                                                                             django_assert_max_num_queries):
    case = new_case(cast.worker_a, category=MICRO_CATEGORY)
    act(cast.community_a, case, "file")
    act(cast.community_a, case, "dispatch", assignee="worker_a")
    with translation.override("zh-hans"):
        lines = trail.case_trail(case)
        assert "派遣至 worker_a，限 " in strip_tags(lines[-1].sentence)
        for index in range(10):
            act(cast.community_a, case, "comment", comment=f"第{index}次回访")
        with django_assert_max_num_queries(4):  # the events, and the names behind the codes (3 kinds at most)
            assert len(trail.case_trail(case)) == 13
