"""Scheduled jobs of the community app: thin wrappers over services."""
from celery import shared_task

OVERDUE_VISITS_TASK = "community.tasks.flag_overdue_visits"


@shared_task(name=OVERDUE_VISITS_TASK, reject_on_worker_lost=True)
def flag_overdue_visits() -> int:
    """Flag must-visit households whose visit is past due (runs daily; safe to run twice)."""
    from .services import households_flag_overdue

    return households_flag_overdue()
