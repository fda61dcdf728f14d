"""Celery tasks of the kernel: thin wrappers over services."""
from celery import shared_task

from .notifications import DELIVER_TASK, deliver_outbox, keep_notifications_by_month


@shared_task(name=DELIVER_TASK, ignore_result=True, reject_on_worker_lost=True)  # each message is sent once
def deliver_notification_outbox():
    """Kicked after a commit that wrote mail, and run every minute by beat: whatever is pending goes out."""
    return deliver_outbox()


@shared_task(name="core.beat_heartbeat", ignore_result=True)
def beat_heartbeat():
    """Sent by beat every minute (migration core 0005): when it last ran is /healthz's proof that beat and a worker
    are alive."""
    from .health import record_heartbeat

    record_heartbeat()


@shared_task(name="core.keep_notifications_by_month", ignore_result=True)
def keep_notifications_by_month_task():
    """Nightly (migration core 0008): the notifications' coming months made, those past their keeping forgotten."""
    return keep_notifications_by_month()
