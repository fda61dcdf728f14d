"""Reference data of the evaluation app: score-sheet criteria of each flow, the first scoring and
bonus rule versions, and the Celery beat jobs. With ``demo``, the current half-year's round opens,
the previous half-year's results are computed, reviewed and published by the demo evaluator, and the
current quarter's are computed as a draft."""
import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.schedules import schedule_daily
from grids.demo import DEMO_STREETS, street_usernames
from grids.models import Grid
from grids.seeding import SeedReport

from . import periods, supervision
from .bonus import DEFAULT_BASE
from .models import BonusRule, Criterion, Period, ScoringRule, SupervisionCommittee
from .parties import COMMUNITY_KINDS, Flow
from .scoring import DEFAULT_PARAMETERS, DEFAULT_TWO_WAY_SHARES, DEFAULT_WEIGHTS
from .services import period_current, period_ensure, round_open, rule_current, run_compute, run_publish, run_review
from .tasks import COMPUTE_TASK, OPEN_ROUNDS_TASK, REMIND_TASK

CRITERIA = {
    Flow.RESIDENTS_GRID: [("attitude", "服务态度", 25), ("solving", "问题解决", 35), ("contact", "走访联系", 20),
                          ("openness", "公开透明", 20)],
    Flow.GRID_STREET: [("guidance", "指导支持", 30), ("response", "响应速度", 30), ("coordination", "协调解决", 40)],
    Flow.STREET_DEPARTMENT: [("response", "响应速度", 30), ("quality", "处置质量", 40),
                             ("cooperation", "配合协作", 30)],
    Flow.DEPARTMENT_STREET: [("reporting", "信息上报质量", 40), ("cooperation", "配合执法", 30),
                             ("groundwork", "基础工作", 30)],
    Flow.STREET_GRID: [("implementation", "工作落实", 40), ("collection", "信息采集", 30), ("service", "居民服务", 30)],
    Flow.STREET_STATION: [("response", "响应速度", 30), ("quality", "处置质量", 40), ("presence", "驻街履职", 30)],
    Flow.DEPARTMENT_STATION: [("duty", "业务履职", 40), ("discipline", "队伍管理", 30), ("quality", "执法质量", 30)],
    Flow.GRID_SECTION: [("response", "响应速度", 30), ("quality", "办理质量", 40), ("attitude", "服务态度", 30)],
    Flow.SECTION_STREET: [("dispatch", "派遣准确", 40), ("coordination", "协调支持", 30), ("response", "响应速度", 30)],
}
JOBS = [
    ("evaluation: open the half-year's two-way round", OPEN_ROUNDS_TASK, 0, 10),
    ("evaluation: remind evaluators of pending score sheets", REMIND_TASK, 9, 0),
    ("evaluation: compute ended periods", COMPUTE_TASK, 1, 30),
]


def schedule_jobs() -> tuple[int, int]:
    created = 0
    for name, task, hour, minute in JOBS:
        created += schedule_daily(name=name, task=task, hour=hour, minute=minute)[0]
    return created, 0


@transaction.atomic
def seed(*, demo: bool = False) -> SeedReport:
    report = SeedReport()
    existing = set(Criterion.objects.values_list("flow", flat=True).distinct())
    rows = [Criterion(flow=flow, code=code, name=name, weight=weight, position=index)
            for flow, items in CRITERIA.items() if flow not in existing  # an edited flow is left alone
            for index, (code, name, weight) in enumerate(items)]
    Criterion.objects.bulk_create(rows)
    report.add("score-sheet criteria", (len(rows), 0))
    now = timezone.now()
    if not ScoringRule.objects.exists():
        ScoringRule.objects.create(version=1, weights=DEFAULT_WEIGHTS, parameters=DEFAULT_PARAMETERS,
                                   two_way_shares=DEFAULT_TWO_WAY_SHARES, note="初始版本", created_at=now)
        report.add("scoring rules", (1, 0))
    if not BonusRule.objects.exists():
        BonusRule.objects.create(version=1, base_by_post=DEFAULT_BASE, note="初始版本", created_at=now)
        report.add("bonus rules", (1, 0))
    report.add("beat jobs", schedule_jobs())
    if demo:
        _round, created = round_open(period_code=period_current(kind="half", now=now).code, now=now)
        report.add("two-way rounds", (int(created), 0))
        report.add("supervision committees", _seed_demo_supervision(now))  # before the runs that count them
        report.add("result runs", _seed_demo_runs(now))
    return report


SUPERVISION_DEMO_STREETS = DEMO_STREETS[:2]  # the pilot streets, where the demo logins work
# Committees in the first communities of each pilot street: each is recorded through some twenty service calls, and
# five a street show every state as well as twenty (a quarter of the demo's seeding time when it had all of them).
SUPERVISION_DEMO_COMMUNITIES = 5
REPRESENTATIVES = ["刘秀兰", "陈建国", "杨淑芬", "黄志明", "周桂英", "吴国强", "徐玉珍", "孙德胜"]
QUESTIONS = {
    "street": ("小区周边停车难问题何时能有改善方案？", "已会同交通大队规划错时共享车位，三季度开放。"),
    "police": ("夜间巡逻是否可以增加到每晚两次？", "已调整巡逻勤务，重点时段增加一次巡逻。"),
    "urban_enforcement": ("早市占道经营的整治进展如何？", ""),
}


def _seed_demo_supervision(now) -> tuple[int, int]:
    """A committee in the first grid of each of the first communities of the pilot streets, with three
    representatives; last half-year's round closed with its questions answered and every serving unit rated (so
    the published results show the residents' part), and this half-year's round open with a question still
    awaiting its answer. Recorded by the street's sub-centre, answered by the units, through the services."""
    users = get_user_model().objects.filter(is_active=True)
    created = 0
    for street in SUPERVISION_DEMO_STREETS:
        names = street_usernames(street)
        dispatcher = users.filter(username=names["dispatcher"]).first()
        if dispatcher is None:
            continue
        answerers = {"street": dispatcher, **{dept: users.filter(username=names[f"station:{dept}"]).first()
                                              for dept in ("police", "urban_enforcement")}}
        grids = Grid.objects.filter(code__startswith=street.code, level=Grid.Level.UNIT, kind__in=COMMUNITY_KINDS,
                                    code__endswith="001").order_by("code")[:SUPERVISION_DEMO_COMMUNITIES]
        for grid in Grid.objects.filter(pk__in=list(grids.values_list("pk", flat=True)),
                                        supervision_committee__isnull=True).order_by("code"):
            _seed_demo_committee(grid, dispatcher, answerers, now)
            created += 1
    return created, 0


def _seed_demo_committee(grid: Grid, dispatcher, answerers: dict, now) -> SupervisionCommittee:
    rng = random.Random(grid.code)
    this_half = periods.containing(periods.HALF, timezone.localdate(now))
    last_half = this_half.previous()
    committee = supervision.committee_create(actor=dispatcher, grid=grid.code, formed_on=last_half.starts_on)
    for index, name in enumerate(rng.sample(REPRESENTATIVES, 3)):
        supervision.representative_add(
            actor=dispatcher, committee_id=committee.pk, name=name, phone=f"139{rng.randrange(10 ** 8):08d}",
            role="chair" if index == 0 else "member", term_starts_on=last_half.starts_on,
            term_ends_on=last_half.starts_on.replace(year=last_half.year + 3))
    met_at = timezone.make_aware(dt.datetime.combine(last_half.starts_on + dt.timedelta(days=100), dt.time(15)))
    last, _created = supervision.supervision_round_open(actor=dispatcher, committee_id=committee.pk,
                                                        period_code=last_half.code, now=met_at)
    units = supervision.serving_units(committee)
    by_department = {station.department.code: code for code, _name, station in units if station is not None}
    _seed_demo_questions(last, answerers, by_department, units[0][0], met_at, answered=True)
    for code, _name, _station in units:
        supervision.rating_record(actor=dispatcher, round_id=last.pk, unit=code, score=rng.choice((3, 4, 4, 5, 5)),
                                  now=met_at)
    supervision.supervision_round_close(actor=dispatcher, round_id=last.pk, now=met_at + dt.timedelta(hours=2))
    current, _created = supervision.supervision_round_open(actor=dispatcher, committee_id=committee.pk,
                                                           period_code=this_half.code, now=now)
    _seed_demo_questions(current, answerers, by_department, units[0][0], now, answered=False)
    return committee


def _seed_demo_questions(meeting, answerers: dict, by_department: dict, street_code: str, at, *, answered: bool):
    for unit, (text, answer) in QUESTIONS.items():
        question = supervision.question_ask(actor=meeting.opened_by, round_id=meeting.pk, now=at, text=text,
                                            unit=street_code if unit == "street" else by_department[unit])
        if answered and answer and answerers.get(unit) is not None:
            supervision.question_answer(actor=answerers[unit], question_id=question.pk, answer=answer,
                                        now=at + dt.timedelta(days=7))


def _seed_demo_runs(now) -> tuple[int, int]:
    """Runs of periods that have none: the last half-year's results published (its demo cases were
    closed before this half-year began), and this quarter's computed as a draft so far."""
    evaluator = get_user_model().objects.filter(username="evaluator", is_active=True).first()  # the demo login
    created = 0
    today = timezone.localdate(now)
    previous = period_ensure(code=periods.containing(periods.HALF, today).previous().code)
    if previous.complete_at(rule_current()) <= now and not previous.runs.exists():
        run = run_compute(actor=evaluator, period_code=previous.code, now=now)
        if evaluator is not None:
            run_review(actor=evaluator, run_id=run.pk, note="数据核对无误。", now=now)
            run_publish(actor=evaluator, run_id=run.pk, now=now)
        created += 1
    current = periods.containing(periods.QUARTER, today).code
    if not Period.objects.filter(code=current, runs__isnull=False).exists():
        run_compute(actor=evaluator, period_code=current, now=now)
        created += 1
    return created, 0
