"""Reference data of the evaluation app: score-sheet criteria of each flow, the first scoring and
bonus rule versions, and the Celery beat jobs. With ``demo``, the current half-year's round opens."""
from django.db import transaction
from django.utils import timezone

from core.schedules import schedule_daily
from grids.seeding import SeedReport

from .bonus import DEFAULT_BASE
from .models import BonusRule, Criterion, ScoringRule
from .parties import Flow
from .scoring import DEFAULT_PARAMETERS, DEFAULT_WEIGHTS
from .services import period_current, round_open
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
    return report
