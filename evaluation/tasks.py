"""Scheduled jobs of the evaluation app (Celery beat, registered by ``seeding.schedule_jobs``): thin
wrappers over services, each safe to run twice."""
from celery import shared_task

OPEN_ROUNDS_TASK = "evaluation.open_rounds"
REMIND_TASK = "evaluation.send_reminders"
COMPUTE_TASK = "evaluation.compute_ended_periods"


@shared_task(name=OPEN_ROUNDS_TASK)
def open_rounds() -> str:
    """At the start of each half-year (checked daily): open its two-way round if it has none."""
    from .services import period_current, round_open

    period = period_current(kind="half")
    assessment, created = round_open(period_code=period.code)
    return f"{period.code}: {'opened' if created else 'already open'} (round {assessment.pk})"


@shared_task(name=REMIND_TASK)
def send_reminders() -> int:
    """Daily: remind evaluators of pending sheets 14, 7, 3 and 1 days before the deadline."""
    from .services import rounds_remind

    return rounds_remind()


@shared_task(name=COMPUTE_TASK)
def compute_ended_periods() -> list[str]:
    """Daily: close rounds past their deadline; compute each ended half-year and quarter that has no
    results yet (Jan 1 / Jul 1 for half-years, the first day of a quarter for quarters)."""
    from django.utils import timezone

    from .services import periods_to_compute, rounds_close_past_deadline, run_compute

    now = timezone.now()
    rounds_close_past_deadline(now=now)
    computed = []
    for period in periods_to_compute(now=now):
        run = run_compute(period_code=period.code, now=now, if_absent=True)
        computed.append(f"{period.code}: run {run.pk}")
    return computed
