"""Database helpers the ORM lacks, and the routing of reads to a replica."""
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def reads_from_replica():
    """Reads inside this block go to the read replica, when one is configured (settings.DATABASE_READ_REPLICA).

    The middleware opens it for safe requests of someone who wrote nothing lately, and the jobs that only read
    (beat's dashboard refresh, a case export's rows) open it themselves; the sweep and every change read the
    primary."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Writes and migrations go to the primary; reads too, except inside ``reads_from_replica()``.

    Even there, a read inside a transaction on the primary stays on the primary: a service that reads, locks and
    writes must see its own rows and the latest ones, never the replica's slightly older copy."""

    def db_for_read(self, model, **hints):
        replica = settings.DATABASE_READ_REPLICA
        if replica and _replica_reads.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return replica
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: a row read there may be linked to one read here

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def count_of(rows: QuerySet, link: str) -> Coalesce:
    """An annotation: how many of ``rows`` have ``link`` (a lookup to the annotated model) on the row, 0 for none.

    A subquery per annotated row, not ``Count`` over a join: the join groups every related row of every row before a
    page is cut, and two counts over two joins multiply each other's rows (then need DISTINCT)."""
    counted = (rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(counted=Count("pk"))
               .values("counted"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def bulk_update_rows(objects: list, fields: list[str]) -> None:
    """Write ``fields`` of many rows in one statement.

    Django's ``bulk_update`` builds one CASE WHEN per field and row; at hundreds of rows and a
    dozen fields that costs seconds (in Python and in PostgreSQL). On PostgreSQL this joins the
    table to a typed VALUES list instead; other databases fall back to ``bulk_update``.
    """
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields)
        return
    meta = model._meta
    concrete = [meta.get_field(name) for name in fields]
    pk = meta.pk
    columns = [pk, *concrete]
    row_sql = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in columns) + ")"
    params = []
    for obj in objects:
        params.append(pk.get_db_prep_save(obj.pk, connection))
        for field in concrete:
            params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in concrete)
    names = ", ".join(quote(f.column) for f in columns)
    sql = (f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
           f"FROM (VALUES {', '.join([row_sql] * len(objects))}) AS v({names}) "
           f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
