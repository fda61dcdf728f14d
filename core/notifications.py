"""One way to tell people something: ``notify(notices)`` inside the transaction that changes state.

The in-app rows are written in the caller's transaction (so a rolled-back change tells nobody);
mail goes out after commit, through a Celery task that takes ids (``core.tasks``).
"""
from collections.abc import Iterable
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection, send_mass_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification

MAIL_TASK = "core.send_notification_emails"
MESSAGE_LENGTH = Notification._meta.get_field("message").max_length
SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length


@dataclass
class Notice:
    """One message to some people, about an object (whose page the notification links to)."""

    kind: str
    users: Iterable = field(default_factory=list)
    message: str = ""
    about: object = None  # a model instance, or None
    subject: str = ""  # a short reference to it, e.g. the case number


def notify(notices: Iterable[Notice]) -> list[Notification]:
    """Write the notifications (each person once per notice; nobody is skipped for being None)
    and mail them after commit. Returns the rows written."""
    rows = []
    for notice in notices:
        target_type = ContentType.objects.get_for_model(notice.about) if notice.about is not None else None
        seen = set()
        for user in notice.users:
            if user is None or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append(Notification(
                user=user, kind=notice.kind, message=str(notice.message)[:MESSAGE_LENGTH],
                subject=notice.subject[:SUBJECT_LENGTH], target_type=target_type,
                target_id=notice.about.pk if notice.about is not None else None))
    if rows:
        _save_and_mail(rows)
    return rows


def _save_and_mail(rows: list[Notification]) -> None:
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:  # backends that do not return ids from bulk_create
        ids = list(Notification.objects.order_by("-id").values_list("id", flat=True)[: len(rows)])

    # By name: the task module imports this one, not the other way round.
    transaction.on_commit(lambda: current_app.send_task(MAIL_TASK, args=[ids]))


def email_notifications(notification_ids: list[int]) -> int:
    """Mail each not-yet-mailed notification to its user, if they have an address. Idempotent."""
    pending = list(
        Notification.objects.filter(id__in=notification_ids, emailed_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")
    )
    if not pending:
        return 0
    messages = [
        (f"[{settings.PLATFORM_SHORT_NAME}] {n.get_kind_display()} {n.subject}".strip(), n.message,
         settings.DEFAULT_FROM_EMAIL, [n.user.email])
        for n in pending
    ]
    sent = send_mass_mail(messages, fail_silently=False, connection=get_connection())
    Notification.objects.filter(id__in=[n.id for n in pending]).update(emailed_at=timezone.now())
    return sent


def notifications_of(user):
    return Notification.objects.filter(user=user).prefetch_related("target")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
