"""The case trail by month: on PostgreSQL ``cases_caseevent`` is partitioned by ``created_at``, one partition a month
(``cases_caseevent_y2026m12``, months of the platform's time zone) and a default one for anything outside them.

Beat makes the coming months' partitions ahead (``ensure_event_partitions``, daily), so that events land in their
month and the default stays empty. An old month can then be detached and archived whole instead of deleted row by
row, and a trail's query reads the partitions of its months only. Every partition refuses UPDATE and DELETE (the
parent's row trigger is cloned onto it) and TRUNCATE (a statement trigger of its own, as the parent's does not reach a
partition truncated by name). Elsewhere (SQLite) the table is a plain one and all this does nothing.
"""
import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import CaseEvent

logger = logging.getLogger(__name__)
MONTHS_AHEAD = 3
TABLE = CaseEvent._meta.db_table
DEFAULT_PARTITION = f"{TABLE}_default"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(month: dt.date) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def _local_midnight(day: dt.date) -> str:
    """A month's bound as a timestamptz literal: midnight in the platform's time zone."""
    return dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(settings.TIME_ZONE)).isoformat()


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row and row[0])


def refuse_truncate_sql(table: str) -> str:
    """The statement trigger of cases 0012 on one partition (TRUNCATE of a partition by name skips the parent's)."""
    return (f'CREATE TRIGGER cases_event_no_truncate BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION cases_event_no_truncate()")


def create_month_partition(cursor, month: dt.date) -> bool:
    """The month's partition, if it is missing. False (and a warning) when its rows already sit in the default
    partition: they stay readable there, and the month is left to an administrator to move."""
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    try:
        with transaction.atomic():
            cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{TABLE}" FOR VALUES FROM (%s) TO (%s)',
                           [_local_midnight(month), _local_midnight(next_month(month))])
            cursor.execute(refuse_truncate_sql(name))
    except DatabaseError:
        logger.warning("events of %s are already in %s: partition %s not made", f"{month:%Y-%m}",
                       DEFAULT_PARTITION, name, exc_info=True)
        return False
    return True


def ensure_event_partitions(*, since: dt.date | None = None, months_ahead: int = MONTHS_AHEAD,
                            now: dt.datetime | None = None) -> list[str]:
    """Make the monthly partitions from ``since`` (default: this month) to ``months_ahead`` months after this one.
    Idempotent; returns the names of those it made."""
    if not is_partitioned():
        return []
    this_month = month_start(timezone.localtime(now or timezone.now()).date())
    month, last = month_start(since or this_month), this_month
    for _ in range(months_ahead):
        last = next_month(last)
    made = []
    with connection.cursor() as cursor:
        while month <= last:
            if create_month_partition(cursor, month):
                made.append(partition_name(month))
            month = next_month(month)
    return made


def event_partitions() -> list[str]:
    """The partitions of the trail, in name order (the months, then the default)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(%s) "
                       "ORDER BY 1", [TABLE])
        return [row[0] for row in cursor.fetchall()]
