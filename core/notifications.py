"""One way to tell people something: ``notify(notices)`` inside the transaction that changes state.

The in-app rows are written in the caller's transaction (so a rolled-back change tells nobody), and the
ones to be mailed are marked as the mail outbox in that same transaction. Delivery drains the outbox:
kicked after commit, and every minute by beat, so a broker or mail-server outage delays mail and loses
none (``deliver_outbox``; the task is ``core.tasks``). On PostgreSQL the rows are kept by month (core 0008).
"""
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone

from .calendar import local_midnight
from .models import Notification
from .partitions import MonthlyPartitions, month_start, months_before

DELIVER_TASK = "core.deliver_outbox"
DELIVERY_BATCH = 200
# A message the mail server keeps refusing is given up after this many runs (and logged), not retried forever.
MAX_MAIL_ATTEMPTS = 10
logger = logging.getLogger(__name__)
MESSAGE_LENGTH = Notification._meta.get_field("message").max_length
SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length
NOTIFICATIONS = MonthlyPartitions(Notification._meta.db_table)


@dataclass
class Notice:
    """One message to some people, about an object (whose page the notification links to)."""

    kind: str
    users: Iterable = field(default_factory=list)
    message: str = ""
    about: object = None  # a model instance, or None
    subject: str = ""  # a short reference to it, e.g. the case number


def notify(notices: Iterable[Notice]) -> list[Notification]:
    """Write the notifications (each person once per notice; nobody is skipped for being None), those of
    people with an address into the mail outbox. Returns the rows written."""
    rows = notification_rows(notices)
    if rows:
        Notification.objects.bulk_create(rows)
        notified(rows)
    return rows


def notification_rows(notices: Iterable[Notice]) -> list[Notification]:
    """The unsaved rows of ``notify``, for a caller that writes them with its own (``notified`` after): every
    notice's object must have its key already."""
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
                target_id=notice.about.pk if notice.about is not None else None,
                mail_pending=bool(user.email)))
    return rows


def notified(rows: list[Notification]) -> None:
    """The written rows' mail is delivered after commit."""
    if any(row.mail_pending for row in rows):
        transaction.on_commit(kick_delivery)


def kick_delivery() -> None:
    """Ask a worker to deliver now. Best effort: if the broker is down, beat's run delivers later."""
    try:
        # By name: the task module imports this one, not the other way round. No retries: a request
        # must not wait on a broker that is away.
        current_app.send_task(DELIVER_TASK, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the outbox row is the guarantee
        logger.warning("broker unavailable: mail stays in the outbox for the next delivery run", exc_info=True)


class MailServerUnavailable(Exception):
    pass


def deliver_outbox(batch: int = DELIVERY_BATCH) -> int:
    """Mail pending notifications, a batch per transaction, in one pass over the outbox. Returns how many were sent.

    Rows are locked while sending and skipped by a concurrent run (SKIP LOCKED), so two runs never send one
    message twice. A refused message stays pending for the next run; an unreachable server ends this run.
    """
    sent, after = 0, 0
    while True:
        with transaction.atomic():
            pending = list(
                Notification.objects.filter(mail_pending=True, pk__gt=after)
                .select_related("user").order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))[:batch]
            )
            if not pending:
                return sent
            try:
                sent += _send(pending)
            except MailServerUnavailable:
                logger.warning("mail server unavailable: the outbox waits for the next run", exc_info=True)
                return sent
        after = pending[-1].pk


def _send(pending: list[Notification]) -> int:
    """Send each row on one connection. A message the server refuses counts an attempt, and is given up after the
    last; an unreachable server counts none (an outage is not the message's fault)."""
    connection = get_connection()
    try:
        connection.open()
    except OSError as error:
        raise MailServerUnavailable from error
    sent, done, refused, dropped = 0, [], [], []
    try:
        for row in pending:
            if not row.user.email or row.mail_attempts >= MAX_MAIL_ATTEMPTS:
                if row.user.email:
                    logger.error("gave up mailing notification %s after %s attempts", row.pk, row.mail_attempts)
                dropped.append(row.pk)
                continue
            try:
                sent += connection.send_messages([_message(row)])
            except OSError:
                logger.warning("mail server refused notification %s", row.pk, exc_info=True)
                refused.append(row.pk)
                continue
            done.append(row.pk)
    finally:
        connection.close()
    Notification.objects.filter(pk__in=done).update(mail_pending=False, emailed_at=timezone.now())
    Notification.objects.filter(pk__in=refused).update(mail_attempts=models.F("mail_attempts") + 1)
    Notification.objects.filter(pk__in=dropped).update(mail_pending=False)
    return sent


def _message(row: Notification) -> EmailMessage:
    subject = f"[{settings.PLATFORM_SHORT_NAME}] {row.get_kind_display()} {row.subject}".strip()
    return EmailMessage(subject, row.message, settings.DEFAULT_FROM_EMAIL, [row.user.email])


def outbox_depth() -> int:
    """How many notifications wait to be mailed (a metric: it should stay near zero)."""
    return Notification.objects.filter(mail_pending=True).count()


def notifications_of(user):
    return Notification.objects.filter(user=user).prefetch_related("target")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def keep_notifications_by_month(*, now: dt.datetime | None = None) -> dict:
    """Beat's nightly job (core 0008): the coming months' partitions made and, with ``NOTIFICATION_KEEP_MONTHS`` set,
    the notifications older than that many whole months besides the current one forgotten: their months' partitions
    dropped whole on PostgreSQL, the rows deleted where there are none (SQLite, the default partition)."""
    made = NOTIFICATIONS.ensure(now=now)
    if not settings.NOTIFICATION_KEEP_MONTHS:
        return {"made": made, "dropped": [], "deleted": 0}
    first_kept = months_before(month_start(timezone.localdate(now)), settings.NOTIFICATION_KEEP_MONTHS)
    dropped = NOTIFICATIONS.drop_before(first_kept)
    deleted, _ = Notification.objects.filter(created_at__lt=local_midnight(first_kept)).delete()
    return {"made": made, "dropped": dropped, "deleted": deleted}
