"""Celery beat jobs registered in the database scheduler (django-celery-beat)."""
from django.conf import settings


def schedule_daily(*, name: str, task: str, hour: int, minute: int) -> tuple[int, int]:
    """Register (or keep) a daily Celery beat job in the database scheduler."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute=str(minute), hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    _task, created = PeriodicTask.objects.update_or_create(
        name=name, defaults={"task": task, "crontab": schedule, "enabled": True},
    )
    return int(created), 0
