"""The demo district's cases: seven streets, every status and tier, some lights yellow and red.

Each case is a story: who reports it, and the steps its people take (file, dispatch, accept, feed
back, verify, rate, return, rework, extensions, escalation, merge, rejection). Every story runs
through the services (``case_create``, ``case_act``, a resident's rating by follow-up code), so its
trail is real and ``manage.py verify_events`` accepts it. The steps are placed backwards from now
on the working calendar, so a step that should show yellow has used between 80 and 100 % of its
limit in working time whatever the day of the week, and a step that should be late is past its due
time. The deadline
sweep then does what the beat would: yellow and red lights, an automatic escalation, a default
rating. A few cases lie in the previous half-year, so the assessment has a complete period to rank.

Idempotent: each story has a creation key, and a story whose case exists is left alone.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.calendar import add_working_time, is_workday, working_periods, working_time_between
from grids.demo import DEMO_DEPARTMENTS, DEMO_STREETS, DemoStreet, street_usernames
from grids.models import Department, Grid

from . import routing, selectors
from .deadlines import step_limit_hours
from .models import Case, ReplyTemplate
from .services import NewCase, case_act, case_create, case_evaluate_by_token, stored_creation_key
from .sweeps import sweep_deadlines
from .workflow import STEP_OF_STATUS, TRANSITIONS, Source, Status, Urgency, escalation_target_status

# Actions that do not restart the step clock: they happen while it runs.
NO_CLOCK = {"accept", "comment", "request_extension", "approve_extension", "deny_extension"}
# Where the current step stands when the demo is loaded, as a share of its limit (the lowest and
# highest; each story takes a share between them, so the moments vary).
LIGHT_SHARE = {"green": (Decimal("0.1"), Decimal("0.6")), "yellow": (Decimal("0.83"), Decimal("0.97")),
               "red": (Decimal("1.2"), Decimal("1.9"))}

# The steps of each loop, by who takes them: the tier's dispatcher, and its handler.
MICRO = [("community", "file", {}), ("community", "dispatch", {"assignee": "@worker"}), ("worker", "accept", {}),
         ("worker", "feedback", {"result": "@result"}), ("community", "verify", {})]
SMALL = [("dispatcher", "file", {}), ("dispatcher", "dispatch", {"department": "@station"}),
         ("station", "accept", {}), ("station", "feedback", {"result": "@result"}), ("dispatcher", "verify", {})]
LARGE = [("commander", "file", {}), ("commander", "dispatch", {"department": "@department"}),
         ("department", "accept", {}), ("department", "feedback", {"result": "@result"}), ("commander", "verify", {})]
LOOPS = {"micro": MICRO, "small": SMALL, "large": LARGE}
STAGES = {Status.COLLECTED: 0, Status.FILED: 1, Status.DISPATCHED: 2, Status.HANDLING: 3, Status.FED_BACK: 4,
          Status.CLOSED: 5}


def rate(stars: int, comment: str = "") -> tuple:
    return ("rater", "evaluate", {"satisfaction": stars, "comment": comment})


@dataclass(frozen=True)
class Story:
    key: str
    category: str
    title: str
    upto: str = Status.COLLECTED  # how far along the tier's loop it goes first
    then: tuple = ()  # further steps after that
    light: str = "green"  # green / yellow / red / recent (closed lately) / old / overdue_escalates
    reporter: str = "worker"  # worker / must_report / resident / hotline (the street dispatcher takes the call)
    grid: int = 1  # the street's first or second demo grid
    urgent: bool = False
    late: bool = False  # the handler fed back after the limit (an overdue step in the figures)
    result: str = "已处置完毕，现场已恢复。"
    last_half: bool = False  # closed before the current half-year began

    def steps(self, tier: str) -> list[tuple]:
        """Along the loop of its category's tier up to ``upto``, then ``then``."""
        return [*LOOPS[tier][:STAGES[self.upto]], *self.then]


RESIDENT = {"reporter_name": "刘女士", "reporter_phone": "13801012345"}

# Every demo street: each status once, in the three tiers, with a yellow and a red light.
EVERY_STREET = [
    Story("collected", "E0102", "小区东门暴露垃圾", light="yellow"),
    Story("micro-handling", "C0502", "楼道声控灯损坏", Status.HANDLING, result="已更换声控灯。"),
    Story("micro-closed", "E0201", "楼道张贴非法小广告", Status.CLOSED, light="recent",
          result="已清除小广告并张贴提示。"),
    Story("filed", "E0502", "早市占道经营", Status.FILED, light="yellow", reporter="hotline", grid=2),
    Story("dispatched", "E0101", "楼顶私搭乱建彩钢房", Status.DISPATCHED),
    # 园林绿化局 keeps no station in streets: the routing table sends the tree to the street's environment section.
    Story("section-handling", "C0401", "行道树倒伏压住非机动车道", Status.HANDLING, light="yellow", grid=2),
    Story("fed-back", "C0202", "路口护栏倾倒", Status.FED_BACK, light="red", grid=2,
          result="已扶正护栏并加固底座。"),
    Story("evaluated", "E0302", "渣土车道路遗撒", Status.CLOSED, (rate(5, "处理及时，路面很干净。"),),
          light="old", result="已清扫路面并对运输单位立案处罚。"),
    Story("rejected", "E0601", "广场舞音响扰民", Status.COLLECTED,
          (("dispatcher", "reject", {"reason": "经核实为已登记的社区文艺活动，已协调降低音量，不予立案。"}),),
          reporter="resident", grid=2),
    Story("large-dispatched", "E0303", "无证掘路施工", Status.DISPATCHED, light="red", grid=2),
]

# The pilot streets besides: what their dispatchers, stations and community staff work through.
PILOT_STREETS = [
    Story("micro-filed", "E0503", "共享单车堆积堵塞人行道", Status.FILED),
    Story("micro-fed-back", "E0104", "人行道油污未清理", Status.FED_BACK, light="yellow",
          result="已用清洗剂冲洗路面。"),
    Story("on-the-spot", "C0601", "小区健身器材螺丝松动", Status.COLLECTED,
          (("worker", "handle_on_spot", {"result": "现场拧紧螺丝，器材恢复使用。"}),)),
    Story("small-collected", "E0301", "夜间施工噪声扰民", light="yellow", reporter="resident", grid=2),
    Story("small-handling", "C0203", "限速标志被树枝遮挡", Status.HANDLING, light="yellow", grid=2),
    Story("resident-closed", "E0504", "消防通道违章停车", Status.CLOSED, light="recent",
          reporter="resident", grid=2, result="已联系车主挪车，并在通道口设置禁停标志。"),
    Story("returned", "G0601", "地下室群租存在治安隐患", Status.DISPATCHED,
          (("station", "return", {"reason": "属房屋租赁管理事项，请派房管所处置。"}),), grid=2),
    Story("large-collected", "E0403", "小区燃气管道疑似泄漏", light="yellow", urgent=True),
]

# 学院路, where the demo logins work: a step of every kind waiting on each of them.
XUEYUANLU_ONLY = [
    Story("merged", "C0502", "楼道灯不亮（重复上报）", Status.COLLECTED,
          (("community", "merge", {"into": "@case:micro-handling"}),)),  # reported after the one it joins
    Story("micro-rejected", "E0106", "楼道堆放杂物", Status.COLLECTED,
          (("community", "reject", {"reason": "经核实杂物已由居民自行清理。"}),)),
    Story("micro-evaluated", "C0301", "垃圾桶盖破损", Status.CLOSED, (rate(4, "更换及时。"),),
          light="old", result="已更换新垃圾桶。"),
    Story("micro-default-rating", "E0106", "地下室杂物堆积", Status.CLOSED, light="old",
          result="已组织清理地下室杂物。"),
    Story("micro-escalated", "E0201", "电线杆小广告反复出现", Status.FILED,
          (("community", "escalate", {"reason": "涉及多个社区，需街道统一整治。"}),
           ("dispatcher", "dispatch", {"department": "@station"})), light="green"),
    Story("micro-overdue", "E0503", "地铁站口非机动车乱停放", Status.FILED, light="overdue_escalates"),
    Story("must-report", "G0201", "居民建议增设休闲座椅", reporter="must_report"),
    Story("small-filed", "C0302", "商铺牌匾脱落", Status.FILED),
    Story("accepting", "E0502", "水果摊占用人行道", Status.DISPATCHED, light="yellow", grid=2),
    Story("handling", "E0101", "底商违规搭建雨棚", Status.HANDLING,
          (("dispatcher", "comment", {"comment": "请注意拍摄整改前后照片。"}),)),
    Story("extension-asked", "E0301", "工地围挡破损扬尘", Status.HANDLING,
          (("station", "request_extension", {"until": "@until", "reason": "需施工单位更换围挡，材料两天后到场。"}),),
          light="yellow"),
    Story("extension-approved", "E0101", "违规加建阳台", Status.HANDLING,
          (("station", "request_extension", {"until": "@until", "reason": "需先下达限期拆除通知。"}),
           ("dispatcher", "approve_extension", {}))),
    Story("extension-denied", "E0502", "夜市摊点占道", Status.HANDLING,
          (("station", "request_extension", {"until": "@until", "reason": "人手不足。"}),
           ("dispatcher", "deny_extension", {"reason": "本周内必须处置完毕。"}))),
    Story("rework", "E0302", "施工路段遗撒泥土", Status.FED_BACK,
          (("dispatcher", "rework", {"reason": "现场核查仍有泥土残留，请彻底清理。"}),), grid=2,
          result="已冲洗路面。"),
    Story("small-verify", "E0502", "校门口流动摊贩", Status.FED_BACK, grid=2,
          result="已劝离摊贩，并安排高峰时段巡查。"),
    Story("late-closed", "E0101", "楼顶违建水箱", Status.CLOSED, (rate(3, "处理偏慢。"),), light="old",
          late=True, result="已拆除违建水箱。"),
    Story("small-escalated", "E0101", "临街违建商铺", Status.FILED,
          (("dispatcher", "escalate", {"reason": "涉及多个产权单位，需区级统筹。"}),
           ("commander", "dispatch", {"department": "@department"}), ("department", "accept", {}))),
    Story("large-fed-back", "E0303", "夜间违规开挖路面", Status.FED_BACK, grid=2,
          result="已责令停工并回填路面。"),
    Story("large-closed", "E0303", "道路开挖未恢复", Status.CLOSED, (rate(5),), light="old", grid=2,
          result="已督促施工单位恢复路面。"),
]

# The previous half-year: closed and rated, so the assessment has a complete period to rank (the
# streets differ in what went wrong: a late step, a return, a rework).
LAST_HALF = [
    Story("q-micro", "E0102", "垃圾楼周边暴露垃圾", Status.CLOSED, (rate(5),), last_half=True,
          result="已清运。"),
    Story("q-small", "E0502", "占道经营早点摊", Status.CLOSED, last_half=True,
          result="已规范经营位置。"),
]
LAST_HALF_TROUBLES = [
    Story("q-small-late", "C0202", "隔离护栏缺失", Status.CLOSED, (rate(4),), last_half=True, late=True,
          grid=2, result="已补装护栏。"),
    Story("q-returned", "E0101", "院内违建彩钢房", Status.DISPATCHED,
          (("station", "return", {"reason": "地址有误，请核实后重新派遣。"}),
           ("dispatcher", "dispatch", {"department": "@station"}), ("station", "accept", {}),
           ("station", "feedback", {"result": "@result"}), ("dispatcher", "verify", {}),
           rate(3, "反复派遣，耗时较长。")),
          last_half=True, result="已拆除。"),
    Story("q-rework", "E0302", "运输车辆遗撒", Status.FED_BACK,
          (("dispatcher", "rework", {"reason": "路面仍有遗撒。"}), ("station", "feedback", {"result": "@result"}),
           ("dispatcher", "verify", {}), rate(4)), last_half=True, grid=2, result="已二次清扫。"),
]


def stories_of(street_index: int) -> list[Story]:
    stories = list(EVERY_STREET)
    if street_index < 2:
        stories += PILOT_STREETS
    if street_index == 0:
        stories += XUEYUANLU_ONLY
    troubles = LAST_HALF_TROUBLES[street_index % 3:] + LAST_HALF_TROUBLES[:street_index % 3]
    return [*stories, *LAST_HALF, *troubles[:1 + street_index % 2]]


# ---------------------------------------------------------------- the working calendar, backwards


def working_time_before(end: dt.datetime, hours: Decimal | float) -> dt.datetime:
    """The moment ``hours`` of office time before ``end`` (``add_working_time`` run backwards)."""
    remaining = dt.timedelta(hours=float(hours))
    if remaining <= dt.timedelta(0):
        return end
    tz = timezone.get_default_timezone()
    cursor = timezone.localtime(end, tz)
    day = cursor.date()
    periods = working_periods()
    for _ in range(3660):
        if is_workday(day):
            for period_start, period_end in reversed(periods):
                begin = dt.datetime.combine(day, period_start, tzinfo=tz)
                finish = min(dt.datetime.combine(day, period_end, tzinfo=tz), cursor)
                if finish <= begin:
                    continue
                if remaining <= finish - begin:
                    return finish - remaining
                remaining -= finish - begin
        day -= dt.timedelta(days=1)
        cursor = dt.datetime.combine(day, dt.time.max, tzinfo=tz)
    raise ValueError("working time too long")


def _statuses(story: Story, steps: list[tuple], created_filed: bool) -> list[str]:
    """The case's status after creation and after each step."""
    status = Status.FILED if created_filed else Status.COLLECTED
    statuses = [status]
    for _who, action, _data in steps:
        if action == "escalate":
            status = escalation_target_status(status)
        elif TRANSITIONS[action].target is not None:
            status = TRANSITIONS[action].target
        statuses.append(status)
    return statuses


def _schedule(story: Story, category, steps: list[tuple], created_filed: bool, now: dt.datetime,
              half_start: dt.datetime, serial: int) -> list[dt.datetime]:
    """When the case was created and each step taken: the step whose clock runs now is placed so
    the light is what the story says; the steps before it go back from there, each after a share
    of its own limit; the ones that do not restart the clock fall between it and now."""
    statuses = _statuses(story, steps, created_filed)
    spread = Decimal(serial * 7 % 11) / 10  # 0 … 1, the same for a story on every run

    def share(low: str | Decimal, high: str | Decimal) -> Decimal:
        return Decimal(low) + (Decimal(high) - Decimal(low)) * spread

    def limit(status: str) -> Decimal:
        step = STEP_OF_STATUS.get(status)
        return step_limit_hours(category, step, story.urgent) if step else Decimal(4)

    def before(moment: dt.datetime, hours: Decimal) -> dt.datetime:
        if story.urgent:
            return moment - dt.timedelta(hours=float(hours))
        return working_time_before(moment, hours)

    end = now
    if story.last_half:
        end = working_time_before(half_start, 40 + 3 * serial)
    clock = max([0] + [i + 1 for i, (_w, action, _d) in enumerate(steps) if action not in NO_CLOCK])
    final = statuses[-1]
    if story.light in LIGHT_SHARE:
        at = before(end, share(*LIGHT_SHARE[story.light]) * limit(final))
    elif story.light == "overdue_escalates":
        at = working_time_before(end, limit(final) + 24)  # due two working days ago: past the grace
    elif story.light == "recent":  # closed lately: still waiting for the reporter's rating
        at = working_time_before(end, share("0.5", "3"))
        at = at if end - at < dt.timedelta(hours=24) else end - dt.timedelta(hours=1)
    else:  # old
        at = working_time_before(end, 48 + serial % 8)
    times = [at] * (len(steps) + 1)
    for index in range(clock, 0, -1):
        _who, action, _data = steps[index - 1]
        spent = limit(statuses[index - 1])
        part = Decimal("1.3") if story.late and action == "feedback" else share("0.05", "0.2") \
            if action in NO_CLOCK else share("0.2", "0.5")
        times[index - 1] = before(times[index], spent * part)
    after = len(steps) - clock
    span = working_time_between(at, end)
    for k in range(1, after + 1):
        if span > dt.timedelta(0):
            times[clock + k] = add_working_time(at, Decimal(span.total_seconds() / 3600 * k / (after + 1)))
        else:
            times[clock + k] = at + (end - at) * k / (after + 1)
    return times


# ---------------------------------------------------------------- running the stories


class StreetCast:
    """The people of one demo street (and the district's) who take the steps, and its cases so far."""

    def __init__(self, street: DemoStreet, stories: list[Story], users: dict, grids: dict[str, Grid]):
        self.street = street
        self.stories = stories
        self.names = street_usernames(street)
        self.users = users
        self.grids = {1: grids[street.first_grid], 2: grids[street.second_grid]}
        self.cases: dict[str, Case] = {}

    def reporter(self, story: Story):
        if story.reporter == "resident":
            return None
        if story.reporter == "hotline":
            return self.users[self.names["dispatcher"]]
        return self.users[self.names["worker" if story.grid == 1 else "worker2"]]  # the grid's own worker

    def address(self, story: Story) -> str:
        grid = self.grids[story.grid]
        place = grid.community.name if grid.community_id else grid.name
        return f"{place}{sum(map(ord, story.key)) % 24 + 1}号楼附近"

    def story_key(self, story: Story) -> str:
        """The idempotency key the story's case is created with."""
        return f"demo-{self.street.code}-{story.key}"

    def creation_key(self, story: Story) -> str:
        """The key ``case_create`` stores for the story's case."""
        return stored_creation_key(self.story_key(story), actor=self.reporter(story))

    def case_of(self, key: str) -> Case:
        """The case of an earlier story of this street (told now, or on an earlier run)."""
        if key not in self.cases:
            story = next(story for story in self.stories if story.key == key)
            self.cases[key] = Case.objects.get(creation_key=self.creation_key(story))
        return self.cases[key]

    def user(self, who: str, category, case: Case):
        if who == "reporter":
            return case.reporter
        if who == "rater":  # the reporter, unless they handled it: then the dispatcher records the resident's word
            if case.reporter is not None and not selectors.is_handler_of(case.reporter, case):
                return case.reporter
            who = {"micro": "community", "small": "dispatcher", "large": "commander"}[case.tier]
        if who == "station":
            return self.handler(case)
        if who == "department":
            return self.users[DEMO_DEPARTMENTS[category.department.code]]
        if who == "commander":
            return self.users["commander"]
        return self.users[self.names[who]]

    def handler(self, case: Case):
        """The demo login of the street unit the case went to, else the first of that unit's seeded handlers."""
        unit = case.station
        login = self.names.get(f"station:{unit.department.code}" if unit.department else f"section:{unit.section}")
        return self.users[login] if login else selectors.handlers_of(case).order_by("username").first()

    def data(self, raw: dict, story: Story, category, case: Case) -> dict:
        resolved = {}
        for name, value in raw.items():
            if value == "@worker":
                value = self.names["worker"]
            elif value == "@station":  # where the routing table sends it first
                value = next(a.code for a in routing.addressees(case) if a.routed and a.handlers)
            elif value == "@department":
                value = category.department.code
            elif value == "@result":
                value = story.result
            elif value == "@until":
                value = timezone.localtime(case.due_at + dt.timedelta(days=3)).isoformat()
            elif isinstance(value, str) and value.startswith("@case:"):
                value = self.case_of(value.removeprefix("@case:")).number
            resolved[name] = value
        return resolved


SOURCES = {"resident": Source.WEB, "hotline": Source.HOTLINE, "must_report": Source.MUST_REPORT}


class Telling:
    """One story told in one street: its steps and their moments (creation first), taken one by
    one as the district's clock reaches them."""

    def __init__(self, story: Story, cast: StreetCast, now: dt.datetime, half_start: dt.datetime, serial: int):
        self.story, self.cast = story, cast
        self.category = selectors.active_category(story.category)
        created_filed = story.reporter == "hotline" and self.category.default_tier == "small"
        steps = story.steps(self.category.default_tier)
        self.steps = steps[1:] if created_filed else steps  # the dispatcher taking the call files it at once
        self.times = _schedule(story, self.category, self.steps, created_filed, now, half_start, serial)
        self.case: Case | None = None

    def take(self, index: int) -> None:
        """Create the case (index 0) or take step ``index``."""
        story, cast, moment = self.story, self.cast, self.times[index]
        if index == 0:
            grid = cast.grids[story.grid]
            self.case, _created = case_create(
                actor=cast.reporter(story), creation_key=cast.story_key(story), now=moment,
                data=NewCase(title=story.title, description=f"{story.title}，请尽快处置。", category=story.category,
                             lat=grid.centroid_lat, lng=grid.centroid_lng, address=cast.address(story),
                             source=SOURCES.get(story.reporter, Source.GRID_PATROL), grid=grid.code,
                             urgency=Urgency.URGENT if story.urgent else Urgency.NORMAL,
                             **(RESIDENT if story.reporter in ("resident", "hotline") else {})),
            )
        else:
            who, action, raw = self.steps[index - 1]
            data = cast.data(raw, story, self.category, self.case)
            if action == "evaluate" and self.case.reporter is None:  # a resident rates on the public page
                self.case = case_evaluate_by_token(token=self.case.public_token, satisfaction=data["satisfaction"],
                                                   comment=data.get("comment", ""), now=moment)
            else:
                self.case = case_act(actor=cast.user(who, self.category, self.case), number=self.case.number,
                                     action=action, data=data, now=moment)
        cast.cases[story.key] = self.case


def _half_start(now: dt.datetime) -> dt.datetime:
    today = timezone.localdate(now)
    first = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    return dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_default_timezone())


def seed_demo_cases(*, streets: int | None = None, now: dt.datetime | None = None) -> tuple[int, int]:
    """Tell the stories of the first ``streets`` demo streets (all seven by default) whose cases do
    not exist yet, every step in the order of its moment across all of them (so case numbers and
    trails follow the clock), then sweep the deadlines. Returns (cases created, 0)."""
    now = now or timezone.now()
    demo_streets = DEMO_STREETS[:streets]
    usernames = {"commander", *DEMO_DEPARTMENTS.values()}
    for street in demo_streets:
        usernames.update(street_usernames(street).values())
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("staff_profile")}
    if len(users) < len(usernames):
        return 0, 0  # the demo's people are not there (the grids app seeds them with demo)
    grid_codes = [code for street in demo_streets for code in (street.first_grid, street.second_grid)]
    grids = {grid.code: grid for grid in
             Grid.objects.filter(code__in=grid_codes).defer("boundary").select_related("community")}
    half_start = _half_start(now)
    tellings = []
    for index, street in enumerate(demo_streets):
        cast = StreetCast(street, stories_of(index), users, grids)
        stories = {cast.creation_key(story): story for story in cast.stories}
        told = set(Case.objects.filter(creation_key__in=stories).values_list("creation_key", flat=True))
        tellings += [Telling(story, cast, now, half_start, serial + index)
                     for serial, story in enumerate(s for key, s in stories.items() if key not in told)]
    if not tellings:
        return 0, 0
    moments = sorted((moment, number, index) for number, telling in enumerate(tellings)
                     for index, moment in enumerate(telling.times))
    with transaction.atomic():
        for _moment, number, index in moments:
            tellings[number].take(index)
    sweep_deadlines(now=now)
    return len(tellings), 0


# Reply templates (常用语): the district's, for everyone, and 城管大队's own (the ``bureau`` login keeps them).
DISTRICT_WIDE = ""
DEMO_REPLY_TEMPLATES = [
    (DISTRICT_WIDE, "feedback", "已处置完毕", "案件{case_number}反映的问题已处置完毕，现场已恢复正常，请核查。"),
    (DISTRICT_WIDE, "feedback", "已督促整改", "已联系责任方，督促其于{deadline}前整改到位，由{grid}的网格员跟踪复查。"),
    (DISTRICT_WIDE, "return", "不属于本单位职责", "经核实，该问题不属于本单位职责范围，请改派相关部门处理。"),
    (DISTRICT_WIDE, "reject", "重复上报", "该问题已有在办案件，本次上报不予立案。"),
    (DISTRICT_WIDE, "reject", "反映不属实", "经现场核查，反映情况不属实，不予立案。"),
    (DISTRICT_WIDE, "rework", "处置不到位", "现场核查发现问题仍未解决，请重新处置并上传处置后照片。"),
    (DISTRICT_WIDE, "callback", "回访告知结果",
     "您反映的问题（案件{case_number}）已处理完毕，感谢您对网格工作的支持。"),
    ("urban_enforcement", "feedback", "违建已拆除",
     "执法队员已到场，违法建设已由当事人自行拆除，现场复查无误（{grid}）。"),
    ("urban_enforcement", "feedback", "已立案查处", "已对当事人立案查处，责令其于{deadline}前改正。"),
    ("urban_enforcement", "return", "属产权单位管理", "该问题属产权单位管理范围，请派遣至物业或产权单位处理。"),
]


def seed_demo_reply_templates() -> tuple[int, int]:
    """The demo's reply templates that do not exist yet (found by department, action and title); wording a
    department has since changed is kept. Returns (created, 0)."""
    departments = dict(Department.objects.filter(
        code__in={code for code, *_rest in DEMO_REPLY_TEMPLATES if code}).values_list("code", "id"))
    existing = set(ReplyTemplate.objects.values_list("department_id", "action", "title"))
    new = [ReplyTemplate(department_id=departments.get(code), action=action, title=title, text=text, rank=rank)
           for rank, (code, action, title, text) in enumerate(DEMO_REPLY_TEMPLATES, start=1)
           if (departments.get(code), action, title) not in existing and (not code or code in departments)]
    ReplyTemplate.objects.bulk_create(new)
    return len(new), 0


def summary() -> str:
    cases = Case.objects.all()
    return f"{cases.count():,} cases in {cases.values('street').distinct().count()} streets"
