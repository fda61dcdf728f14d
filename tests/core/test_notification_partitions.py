"""The notifications are kept by month on PostgreSQL (core 0008): a notification lands in its month, is read and mailed
there like any other, beat makes the coming months ahead and forgets the months past the district's keeping, and the
migration moves today's table into partitions and back without losing a row, an id or the next id."""
import datetime as dt
from importlib import import_module

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.utils import timezone

from core.models import Notification
from core.notifications import NOTIFICATIONS, Notice, deliver_outbox, keep_notifications_by_month, notify, unread_count
from core.partitions import month_start, next_month

pytestmark = pytest.mark.django_db
postgres = pytest.mark.postgres
MIGRATION = import_module("core.migrations.0008_notifications_by_month")
NOW = timezone.now()
FIVE_MONTHS_AGO = NOW - dt.timedelta(days=150)


def local_month(moment: dt.datetime) -> dt.date:
    return month_start(timezone.localtime(moment).date())


def partition_of(row: Notification) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM core_notification WHERE id = %s", [row.pk])
        return cursor.fetchone()[0]


def relkind() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'core_notification'::regclass")
        return cursor.fetchone()[0]


def immediate_constraints() -> None:
    """The test's rows checked now: a table whose rows wait for a deferred foreign-key check cannot be dropped."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def told(person, at: dt.datetime) -> Notification:
    [row] = notify([Notice(kind=Notification.Kind.ASSIGNED, users=[person], message="新任务", subject="C-1")])
    Notification.objects.filter(pk=row.pk).update(created_at=at)  # moves it to that month's partition
    return Notification.objects.get(pk=row.pk)


@pytest.fixture
def old_notice():
    """A notification written five months ago, to someone with an address, not yet read nor mailed."""
    NOTIFICATIONS.ensure(since=local_month(FIVE_MONTHS_AGO))
    return told(get_user_model().objects.create_user(username="told", email="told@example.org"), FIVE_MONTHS_AGO)


@postgres
def test_the_migration_leaves_this_month_three_ahead_a_default_and_a_nightly_job(db):
    from django_celery_beat.models import PeriodicTask

    from core.tasks import keep_notifications_by_month_task as task
    from haidian.celery import app

    made, month = NOTIFICATIONS.partitions(), local_month(NOW)
    for _ in range(4):
        assert NOTIFICATIONS.name(month) in made
        month = next_month(month)
    assert NOTIFICATIONS.default in made
    job = PeriodicTask.objects.get(name=MIGRATION.JOB)
    assert job.enabled and job.task == "core.keep_notifications_by_month" and job.task in app.tasks
    assert task() == {"made": [], "dropped": [], "deleted": 0}  # today: the migration made these months
    later = NOW + dt.timedelta(days=160)
    assert len(NOTIFICATIONS.ensure(now=later)) == 4 and NOTIFICATIONS.ensure(now=later) == []


@postgres
def test_a_notification_in_an_old_month_is_counted_read_and_mailed_from_its_partition(old_notice):
    assert partition_of(old_notice) == NOTIFICATIONS.name(local_month(FIVE_MONTHS_AGO))
    assert unread_count(old_notice.user) == 1
    assert deliver_outbox() == 1 and mail.outbox[0].to == ["told@example.org"]
    Notification.objects.filter(pk=old_notice.pk).update(read_at=NOW)
    old_notice.refresh_from_db()
    assert old_notice.emailed_at and not old_notice.mail_pending and unread_count(old_notice.user) == 0
    assert partition_of(old_notice) == NOTIFICATIONS.name(local_month(FIVE_MONTHS_AGO))


@postgres
def test_the_migration_moves_every_row_out_of_partitions_and_back(old_notice):
    new = notify([Notice(kind=Notification.Kind.CLOSED, users=[old_notice.user], subject="C-2")])[0]
    rows = list(Notification.objects.order_by("pk").values())
    immediate_constraints()
    move = MIGRATION.Migration.operations[0]
    with connection.schema_editor() as editor:
        move.reverse_code(None, editor)
        assert relkind() == "r" and list(Notification.objects.order_by("pk").values()) == rows
        move.code(None, editor)
    assert relkind() == "p" and list(Notification.objects.order_by("pk").values()) == rows
    # The old month's partition was made for its row, which left the default empty; ids go on from the last.
    assert partition_of(old_notice) == NOTIFICATIONS.name(local_month(FIVE_MONTHS_AGO))
    newer = notify([Notice(kind=Notification.Kind.CLOSED, users=[old_notice.user], subject="C-3")])[0]
    assert newer.pk > new.pk and partition_of(newer) == NOTIFICATIONS.name(local_month(NOW))
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'core_notification'")
        indexes = {name for (name,) in cursor.fetchall()}
    assert {index.name for index in Notification._meta.indexes} | {"core_notification_pkey"} <= indexes


def test_beat_forgets_the_months_past_the_keeping_set_and_nothing_newer(old_notice, settings):
    long_ago = told(old_notice.user, NOW - dt.timedelta(days=800))  # no partition of its month: in the default
    recent = told(old_notice.user, NOW - dt.timedelta(days=80))
    assert keep_notifications_by_month()["dropped"] == [] and Notification.objects.count() >= 3  # 0: keep them all

    settings.NOTIFICATION_KEEP_MONTHS = 4  # this month and the four before it: five months ago is past it
    immediate_constraints()  # beat's job runs in no transaction, where nothing waits to be checked
    forgotten = keep_notifications_by_month()
    assert set(Notification.objects.filter(user=old_notice.user)) == {recent}
    if connection.vendor == "postgresql":
        five_months_ago = NOTIFICATIONS.name(local_month(FIVE_MONTHS_AGO))
        assert five_months_ago in forgotten["dropped"] and five_months_ago not in NOTIFICATIONS.partitions()
        assert forgotten["deleted"] == 1 and partition_of(recent) == NOTIFICATIONS.name(local_month(recent.created_at))
    else:
        assert forgotten["deleted"] == 2
    assert keep_notifications_by_month() == {"made": [], "dropped": [], "deleted": 0}  # again: nothing to do
    assert long_ago.pk not in Notification.objects.values_list("pk", flat=True)
