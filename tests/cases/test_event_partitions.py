"""The case trail is partitioned by month on PostgreSQL: events land in their month, beat makes the coming months
ahead, every trail still verifies across partitions, and no partition lets an event be changed, deleted or emptied."""
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from cases.integrity import verify_trails
from cases.partitions import EVENTS
from core.partitions import month_start, next_month

from .conftest import STATION_A, act, new_case, requires_postgres
from .test_integrity import raw_sql

pytestmark = [pytest.mark.django_db, requires_postgres]
NOW = timezone.now()
FIVE_MONTHS_AGO = NOW - dt.timedelta(days=150)


def partitions_of(case) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM cases_caseevent WHERE case_id = %s ORDER BY seq",
                       [case.id])
        return [row[0] for row in cursor.fetchall()]


def local_month(moment: dt.datetime) -> dt.date:
    return month_start(timezone.localtime(moment).date())


@pytest.fixture
def old_case(cast):
    """A case reported five months ago (its month's partition made first, as the migration did for old months),
    filed then and dispatched today."""
    EVENTS.ensure(since=local_month(FIVE_MONTHS_AGO))
    case = new_case(cast.worker_a, now=FIVE_MONTHS_AGO)
    act(cast.dispatcher_a, case, "file", now=FIVE_MONTHS_AGO + dt.timedelta(hours=1))
    return act(cast.dispatcher_a, case, "dispatch", department=STATION_A)


def test_the_migration_leaves_this_month_three_ahead_and_a_default(db):
    made = EVENTS.partitions()
    month = local_month(NOW)
    for _ in range(4):
        assert EVENTS.name(month) in made
        month = next_month(month)
    assert EVENTS.default in made


def test_events_land_in_the_partition_of_their_month(old_case):
    assert partitions_of(old_case) == [EVENTS.name(local_month(FIVE_MONTHS_AGO))] * 2 + [
        EVENTS.name(local_month(NOW))]


def test_an_event_of_a_month_without_partition_lands_in_the_default(cast):
    long_ago = NOW - dt.timedelta(days=800)
    case = new_case(cast.worker_a, now=long_ago)
    assert partitions_of(case) == [EVENTS.default]
    # Its month cannot be made while its rows sit in the default: it is skipped (with a warning), the others are made.
    made = EVENTS.ensure(since=local_month(long_ago), months_ahead=0)
    assert EVENTS.name(local_month(long_ago)) not in made + EVENTS.partitions()
    assert EVENTS.name(next_month(local_month(long_ago))) in made


def months_after(month: dt.date, count: int) -> dt.date:
    for _ in range(count):
        month = next_month(month)
    return month


def test_beat_makes_the_coming_months_once(db):
    from django_celery_beat.models import PeriodicTask

    from cases.tasks import ensure_event_partitions as task
    from haidian.celery import app

    job = PeriodicTask.objects.get(name="case trail partitions ahead")
    assert job.enabled and job.task == "cases.ensure_event_partitions" and job.task in app.tasks
    task()  # today: the migration already made these months
    assert EVENTS.ensure() == []
    later = NOW + dt.timedelta(days=160)  # five months on: that month and the three after it are made
    made = EVENTS.ensure(now=later)
    month, expected = local_month(later), []
    while month <= months_after(local_month(later), 3):
        expected.append(EVENTS.name(month))
        month = next_month(month)
    assert made == expected and len(expected) == 4
    assert EVENTS.ensure(now=later) == []  # again: nothing to do


def test_every_trail_verifies_across_partitions(old_case, cast):
    out = io.StringIO()
    call_command("verify_events", old_case.number, stdout=out)
    assert "1 case trail(s) verified" in out.getvalue()
    assert verify_trails([old_case.number, new_case(cast.worker_a).number]) == (2, [])


def test_a_tampered_event_in_an_old_partition_is_detected(old_case):
    raw_sql(f"UPDATE {EVENTS.name(local_month(FIVE_MONTHS_AGO))} SET payload = %s WHERE case_id = %s AND seq = 1",
            ['{"grid": "110108009009009"}', old_case.id])
    checked, problems = verify_trails([old_case.number])
    assert checked == 1 and any("event 1 (create) was altered" in p.message for p in problems)
    with pytest.raises(CommandError, match="problem"):
        call_command("verify_events", old_case.number, stderr=io.StringIO())


@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET action = 'file' WHERE case_id = %s",
    "DELETE FROM {table} WHERE case_id = %s",
])
@pytest.mark.parametrize("through", ["parent", "partition"])
def test_no_partition_lets_an_event_be_changed_or_deleted(old_case, statement, through):
    table = "cases_caseevent" if through == "parent" else EVENTS.name(local_month(FIVE_MONTHS_AGO))
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), [old_case.id])


@pytest.mark.parametrize("table", ["cases_caseevent", "month", EVENTS.default])
def test_no_partition_can_be_emptied(old_case, table):
    table = EVENTS.name(local_month(FIVE_MONTHS_AGO)) if table == "month" else table
    with pytest.raises(Exception, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred foreign-key check
        cursor.execute("SET LOCAL haidian.allow_truncate = 'off'")  # the test database allows it for its flushes
        cursor.execute(f"TRUNCATE {table}")
