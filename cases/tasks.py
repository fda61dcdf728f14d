"""Celery tasks: thin wrappers over services, taking ids and plain values."""
from celery import shared_task


# Requeued if its worker process is killed: the sweep locks its rows with SKIP LOCKED and acts on each once.
@shared_task(name="cases.sweep_deadlines", ignore_result=True, reject_on_worker_lost=True)
def sweep_deadlines():
    from .sweeps import sweep_deadlines as sweep

    report = sweep()
    return {"warned": report.warned, "overdue": report.overdue, "escalated": report.escalated,
            "evaluated": report.evaluated}


@shared_task(name="cases.refresh_dashboard", ignore_result=True)
def refresh_dashboard():
    from core.db import reads_from_replica

    from .dashboard import district_aggregates

    with reads_from_replica():  # it only reads, every minute: the replica's work when there is one
        district_aggregates(refresh=True)
