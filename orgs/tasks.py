"""Scheduled jobs of the orgs app: thin wrappers over services."""
from celery import shared_task

from .services import organisations_flag_overdue

OVERDUE_APPLICATIONS_TASK = "orgs.tasks.flag_overdue_applications"


@shared_task(name=OVERDUE_APPLICATIONS_TASK, reject_on_worker_lost=True)  # safe to run twice
def flag_overdue_applications() -> int:
    """Flag registration and filing applications past their working-day limit (daily)."""
    return organisations_flag_overdue()
