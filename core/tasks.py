"""Celery tasks of the kernel: thin wrappers taking ids."""
from celery import shared_task

from .notifications import MAIL_TASK, email_notifications


@shared_task(name=MAIL_TASK, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]):
    email_notifications(notification_ids)
