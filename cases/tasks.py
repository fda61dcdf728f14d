"""Celery tasks: thin wrappers over services, taking ids and plain values."""
from celery import shared_task


@shared_task(name="cases.sweep_deadlines", ignore_result=True)
def sweep_deadlines():
    from .sweeps import sweep_deadlines as sweep

    report = sweep()
    return {"warned": report.warned, "overdue": report.overdue, "escalated": report.escalated,
            "evaluated": report.evaluated}


@shared_task(name="cases.refresh_dashboard", ignore_result=True)
def refresh_dashboard():
    from .dashboard import district_aggregates

    district_aggregates(refresh=True)


@shared_task(name="cases.ensure_event_partitions", ignore_result=True)
def ensure_event_partitions():
    from .partitions import ensure_event_partitions as ensure

    return ensure()
