"""Celery tasks: thin wrappers over services, taking ids and plain values."""
from celery import shared_task

from .exports import EXPORT_TASK, export_write, exports_expire, exports_reap


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

    from .dashboard import district_aggregates_refresh

    with reads_from_replica():  # it reads the cases, every minute: the replica's work when there is one
        district_aggregates_refresh()


@shared_task(name=EXPORT_TASK, ignore_result=True)
def export_cases(export_id: int):
    """Routed to the ``exports`` queue (CELERY_TASK_ROUTES): a large export never delays the sweep or the mail."""
    export_write(export_id)


@shared_task(name="cases.expire_exports", ignore_result=True)
def expire_exports():
    """Nightly (migration cases 0020): exports older than CASE_EXPORT_KEEP_DAYS go, files and all."""
    return exports_expire()


@shared_task(name="cases.ensure_event_partitions", ignore_result=True)
def ensure_event_partitions():
    """Nightly (migration cases 0022): the trail's coming months."""
    from .partitions import EVENTS

    return EVENTS.ensure()


@shared_task(name="cases.reap_exports", ignore_result=True)
def reap_exports():
    """Every five minutes (migration cases 0026), on the sweep queue: an exports worker that died cannot run it."""
    return exports_reap()
