"""Tables kept by month: on PostgreSQL such a table is partitioned by range of ``created_at``, one partition a month
(``<table>_y2026m12``, months of the platform's time zone) and a default one for anything outside them. The case
trail (``cases.partitions``) and the notifications are kept so: both grow with every case, by millions of rows a year
in a district (the demo writes 4.8 events and 17 notifications a case).

Beat makes the coming months' partitions ahead (daily), so that rows land in their month and the default stays empty.
An old month can then be detached and archived (or dropped) whole instead of deleted row by row, and the current
month's indexes stay small enough to live in memory. A partitioned table's unique keys must contain ``created_at``:
its primary key is (id, created_at), its ids come from a sequence it owns. Elsewhere (SQLite) the tables are plain
ones and all this does nothing.
"""
import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection, migrations, transaction
from django.utils import timezone

from .calendar import local_midnight

logger = logging.getLogger(__name__)
MONTHS_AHEAD = 3


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_before(month: dt.date, count: int) -> dt.date:
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


class MonthlyPartitions:
    """One table kept by month. ``made_sql(name)`` gives the statements a new partition needs beyond what it inherits
    from the table (a statement trigger, say, which PostgreSQL does not clone onto partitions)."""

    def __init__(self, table: str, made_sql: Callable[[str], list[str]] = lambda name: []):
        self.table = table
        self.default = f"{table}_default"
        self._made_sql = made_sql

    def name(self, month: dt.date) -> str:
        return f"{self.table}_y{month:%Y}m{month:%m}"

    def is_partitioned(self) -> bool:
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass(%s)", [self.table])
            row = cursor.fetchone()
        return bool(row and row[0])

    def partitions(self) -> list[str]:
        """The table's partitions, in name order (the months, then the default)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(%s) "
                           "ORDER BY 1", [self.table])
            return [row[0] for row in cursor.fetchall()]

    def _make(self, cursor, name: str, bounds: str, values: list) -> None:
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{self.table}" {bounds}', values)
        for statement in self._made_sql(name):
            cursor.execute(statement)

    def _make_month(self, cursor, month: dt.date) -> bool:
        """The month's partition, if it is missing. False (and a warning) when its rows already sit in the default
        partition: they stay readable there, and the month is left to an administrator to move."""
        name = self.name(month)
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return False
        try:
            with transaction.atomic():
                self._make(cursor, name, "FOR VALUES FROM (%s) TO (%s)",
                           [local_midnight(month).isoformat(), local_midnight(next_month(month)).isoformat()])
        except DatabaseError:
            logger.warning("rows of %s are already in %s: partition %s not made", f"{month:%Y-%m}", self.default,
                           name, exc_info=True)
            return False
        return True

    def ensure(self, *, since: dt.date | None = None, months_ahead: int = MONTHS_AHEAD,
               now: dt.datetime | None = None) -> list[str]:
        """Make the monthly partitions from ``since`` (default: this month) to ``months_ahead`` months after this
        one. Idempotent; returns the names of those it made."""
        if not self.is_partitioned():
            return []
        this_month = month_start(timezone.localtime(now or timezone.now()).date())
        month, last = month_start(since or this_month), this_month
        for _ in range(months_ahead):
            last = next_month(last)
        made = []
        with connection.cursor() as cursor:
            while month <= last:
                if self._make_month(cursor, month):
                    made.append(self.name(month))
                month = next_month(month)
        return made

    def drop_before(self, month: dt.date) -> list[str]:
        """Drop the partitions of the months before ``month``, rows and all: a month goes at once, not row by row (a
        row of such a month left in the default partition is the caller's to delete). Returns their names."""
        if not self.is_partitioned():
            return []
        old = [name for name in self.partitions() if name != self.default and name < self.name(month)]
        with connection.cursor() as cursor:
            for name in old:
                cursor.execute(f'DROP TABLE "{name}"')
        return old

    # A migration's move of the plain table into partitions, and back. Both copy the rows of ``columns``; the keys,
    # indexes, foreign keys and triggers are the migration's SQL to run after, once the old table (whose names they
    # share) is gone.

    def migration_operations(self, *, columns: str, partitioned_sql: str, plain_sql: str, job: str,
                             task: str) -> list[migrations.RunPython]:
        """The operations of the migration that keeps this table by month: its rows moved into partitions (back into
        a plain table when reversed), and beat's nightly ``job`` that runs ``task`` to make the coming months."""

        def partition(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                with schema_editor.connection.cursor() as cursor:
                    self._partition_rows(cursor, columns)
                    cursor.execute(self._sequence_and_key_sql() + partitioned_sql)

        def unpartition(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                with schema_editor.connection.cursor() as cursor:
                    self._unpartition_rows(cursor, columns)
                    cursor.execute(self._identity_and_key_sql() + plain_sql)

        def schedule(apps, schema_editor):
            nightly, _ = apps.get_model("django_celery_beat", "CrontabSchedule").objects.get_or_create(
                minute="20", hour="2", day_of_week="*", day_of_month="*", month_of_year="*",
                timezone=settings.TIME_ZONE)
            apps.get_model("django_celery_beat", "PeriodicTask").objects.update_or_create(
                name=job, defaults={"task": task, "crontab": nightly, "enabled": True})

        def unschedule(apps, schema_editor):
            apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=job).delete()

        return [migrations.RunPython(partition, unpartition), migrations.RunPython(schedule, unschedule)]

    @property
    def _old(self) -> str:
        return f"{self.table}_unpartitioned"

    def _partition_rows(self, cursor, columns: str) -> None:
        cursor.execute(f"ALTER TABLE {self.table} RENAME TO {self._old}")
        cursor.execute(f"CREATE TABLE {self.table} (LIKE {self._old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
                       "PARTITION BY RANGE (created_at)")
        self._make(cursor, self.default, "DEFAULT", [])
        cursor.execute(f"SELECT min(created_at) FROM {self._old}")
        first = cursor.fetchone()[0]
        self.ensure(since=timezone.localtime(first).date() if first else None)
        self._copy_and_drop(cursor, columns)

    def _unpartition_rows(self, cursor, columns: str) -> None:
        cursor.execute(f"ALTER TABLE {self.table} RENAME TO {self._old}")
        cursor.execute(f"CREATE TABLE {self.table} (LIKE {self._old} INCLUDING CONSTRAINTS)")
        self._copy_and_drop(cursor, columns)

    def _copy_and_drop(self, cursor, columns: str) -> None:
        cursor.execute(f"INSERT INTO {self.table} ({columns}) SELECT {columns} FROM {self._old} ORDER BY id")
        cursor.execute(f"DROP TABLE {self._old}")

    def _sequence_and_key_sql(self) -> str:
        """A partitioned table cannot have an identity column (before PostgreSQL 17): its ids come from a sequence it
        owns, and its primary key holds the partition key."""
        return f"""
CREATE SEQUENCE {self.table}_id_seq OWNED BY {self.table}.id;
SELECT setval('{self.table}_id_seq', coalesce((SELECT max(id) FROM {self.table}), 0) + 1, false);
ALTER TABLE {self.table} ALTER COLUMN id SET DEFAULT nextval('{self.table}_id_seq');
ALTER TABLE {self.table} ADD CONSTRAINT {self.table}_pkey PRIMARY KEY (id, created_at);
"""

    def _identity_and_key_sql(self) -> str:
        """The plain table's identity and primary key again."""
        return f"""
ALTER TABLE {self.table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), coalesce((SELECT max(id) FROM {self.table}), 0) + 1, false);
ALTER TABLE {self.table} ADD CONSTRAINT {self.table}_pkey PRIMARY KEY (id);
"""
