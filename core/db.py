"""Database helpers the ORM lacks, and the routing of reads to a replica."""
import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save, pre_save

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


def insert_rows(objects: list) -> None:
    """Insert new rows of one model in one statement and set their keys, by SQL made once per shape.

    Django compiles an INSERT afresh for every save and ``bulk_create``: for a case, 57 columns through the compiler,
    and then psycopg parses a statement of more than 50 parameters again each time (it keeps the parse only of
    smaller ones). Here a shape's SQL — the model, and which columns of each row are NULL, written into the SQL —
    is made once; each value still goes through its field's ``pre_save`` and ``get_db_prep_save``, as Django's
    insert does. A new case has 16 NULL columns, so its statement keeps under psycopg's limit. Rows are
    inserted without the save signals, which a model written so must not have. On other databases,
    ``bulk_create``, or a save each where it cannot read the keys back (SQLite before 3.35)."""
    if not objects:
        return
    model = type(objects[0])
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise ImproperlyConfigured(f"insert_rows would skip the save signals of {model._meta.label}")
    if connection.vendor != "postgresql":
        if connection.features.can_return_rows_from_bulk_insert:
            model._base_manager.bulk_create(objects)
        else:
            for obj in objects:
                obj.save(force_insert=True)
        return
    fields = _insert_fields(model)
    params, shape = [], []
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # a key of a row saved since it was set
        row = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
        shape.append(tuple(value is None for value in row))
        params.extend(value for value in row if value is not None)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, tuple(shape)), params)
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias


@functools.cache
def _insert_fields(model) -> tuple:
    meta = model._meta
    return tuple(field for field in meta.concrete_fields if not field.generated and field is not meta.auto_field)


@functools.lru_cache(maxsize=256)
def _insert_sql(model, shape: tuple[tuple[bool, ...], ...]) -> str:
    quote, fields = connection.ops.quote_name, _insert_fields(model)
    rows = ", ".join("(" + ", ".join("NULL" if null else "%s" for null in nulls) + ")" for nulls in shape)
    return (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
            f"VALUES {rows} RETURNING {quote(model._meta.pk.column)}")
