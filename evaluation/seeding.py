"""Reference data of the evaluation app: score-sheet criteria of each flow, the first scoring and
bonus rule versions, and the Celery beat jobs. With ``demo``, the current half-year's round opens,
the previous half-year's results are computed, reviewed and published by the demo evaluator, and the
current quarter's are computed as a draft."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.schedules import schedule_daily
from grids.seeding import SeedReport

from . import periods
from .bonus import DEFAULT_BASE
from .models import BonusRule, Criterion, Period, ScoringRule
from .parties import Flow
from .scoring import DEFAULT_PARAMETERS, DEFAULT_WEIGHTS
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
                                   note="初始版本", created_at=now)
        report.add("scoring rules", (1, 0))
    if not BonusRule.objects.exists():
        BonusRule.objects.create(version=1, base_by_post=DEFAULT_BASE, note="初始版本", created_at=now)
        report.add("bonus rules", (1, 0))
    report.add("beat jobs", schedule_jobs())
    if demo:
        _round, created = round_open(period_code=period_current(kind="half", now=now).code, now=now)
        report.add("two-way rounds", (int(created), 0))
        report.add("result runs", _seed_demo_runs(now))
    return report


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
