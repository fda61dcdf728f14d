"""Database helpers the ORM lacks, and the routing of reads to a replica."""
import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save, pre_save
from django.db.transaction import TransactionManagementError

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


@contextmanager
def one_write():
    """A block that changes the database with one statement (``insert_together``, say), atomic without a transaction
    block of its own where it can be: on PostgreSQL, outside a transaction, the statement commits by itself, which
    saves BEGIN and COMMIT, two of a case intake's round trips. Reads in the block run on their own, as any read
    outside a transaction does (a statement that does not begin with SELECT counts as a write). Inside a transaction
    (a savepoint: an error must not break the caller's) and on other databases it is ``transaction.atomic()``. A
    second write in the block is refused before it runs: it would commit apart from the first."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    writes = 0

    def refuse_a_second_write(execute, sql, params, many, context):
        nonlocal writes
        if not sql.startswith("SELECT "):
            writes += 1
            if writes > 1:
                raise TransactionManagementError("one_write(): a second writing statement would commit on its own")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_a_second_write):
        yield


def bound_cursor(using: str = DEFAULT_DB_ALIAS):
    """A cursor whose parameters PostgreSQL binds (psycopg's server-side binding) instead of psycopg writing them into
    the SQL, for a write whose text is the same for everyone (a case's insert): psycopg prepares it on its connection
    after a few runs (``prepare_threshold`` in the settings), and PostgreSQL stops parsing and planning it each time
    (a case's insert: 0.25 ms of PostgreSQL's time, 0.04 ms prepared). Not for a read whose plan needs its values, such
    as a partial index's condition written as parameters. Behind PgBouncer (``prepare_threshold`` None) it binds and
    prepares nothing. Elsewhere than PostgreSQL, the connection's cursor. Its rows read as the usual cursor's do."""
    wrapper = connections[using]
    if wrapper.vendor != "postgresql":
        return wrapper.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    wrapper.close_if_health_check_failed()
    wrapper.ensure_connection()
    wrapper.validate_thread_sharing()
    raw = ServerBindingCursor(wrapper.connection)
    return wrapper.make_debug_cursor(raw) if wrapper.queries_logged else wrapper.make_cursor(raw)


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
    smaller ones). Here a shape's SQL — the model, whether each row brings its key, and which of its columns hold a
    value written into the SQL (``LITERALS``: no value, an empty text, a zero, a flag) — is made once; each value
    still goes through its field's ``pre_save`` and ``get_db_prep_save``, as Django's insert does. A new case and its
    first event keep under psycopg's limit together. Rows are inserted without the save signals, which a model written
    so must not have. On other databases, ``bulk_create``, or a save each where it cannot read the keys back (SQLite
    before 3.35)."""
    insert_together(objects)


def insert_together(*groups: list) -> None:
    """``insert_rows`` of several models (a list of rows each) in one statement: on PostgreSQL one data-modifying
    WITH per model, so that a change of several tables is one round trip and, outside a transaction, commits by
    itself (see ``one_write``). A row that points to a row of another group must carry that row's key already: the
    parts of one statement do not see each other's rows (the foreign keys are checked when it ends)."""
    groups = [list(objects) for objects in groups if objects]
    if not groups:
        return
    for objects in groups:
        model = type(objects[0])
        if pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise ImproperlyConfigured(f"insert_rows would skip the save signals of {model._meta.label}")
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: a value's preparation asks it for its operations, per column
    if db.vendor != "postgresql":
        for objects in groups:
            _insert_elsewhere(objects, db)
        return
    parts, params = [], []
    for objects in groups:
        sql, group_params = _insert_statement(objects, db)
        parts.append(sql)
        params.extend(group_params)
    if len(parts) == 1:
        sql = parts[0]
    else:
        named = ", ".join(f"g{n} AS ({part})" for n, part in enumerate(parts))
        # One row: each group's keys as an array, in the order of its rows (the order its INSERT returns them).
        sql = f"WITH {named} SELECT " + ", ".join(f"(SELECT array_agg(pk) FROM g{n})" for n in range(len(parts)))
    with bound_cursor() as cursor:
        cursor.execute(sql, params)
        keys = [[pk for (pk,) in cursor.fetchall()]] if len(parts) == 1 else list(cursor.fetchone())
    for objects, group_keys in zip(groups, keys, strict=True):
        for obj, pk in zip(objects, group_keys, strict=True):
            obj.pk = pk
            obj._state.adding, obj._state.db = False, db.alias


def _insert_elsewhere(objects: list, db) -> None:
    model = type(objects[0])
    if db.features.can_return_rows_from_bulk_insert:
        model._base_manager.bulk_create(objects)
    else:
        for obj in objects:
            obj.save(force_insert=True)


# Values written into a shape's SQL instead of sent as parameters: the commonest of a new row (no value, an empty
# text, a zero count, a flag). A case and its first event then travel in fewer than 50 parameters, the most of which
# psycopg keeps a statement's parse; the rest it parses again at every execution.
LITERALS = {(type(None), None): "NULL", (str, ""): "''", (int, 0): "0", (bool, False): "FALSE", (bool, True): "TRUE"}
LITERAL_TYPES = frozenset(kind for kind, _value in LITERALS)


def _placeholder(value) -> str:
    return LITERALS.get((type(value), value), "%s") if type(value) in LITERAL_TYPES else "%s"


def _insert_statement(objects: list, db) -> tuple[str, list]:
    """One model's INSERT of ``objects`` (``RETURNING`` their keys as ``pk``) and its parameters."""
    model = type(objects[0])
    fields = _insert_fields(model)
    auto = model._meta.auto_field
    params, shape = [], []
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # a key of a row saved since it was set
        row = [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]
        key = ()
        if auto is not None:  # drawn before (and given), or drawn by the column's default
            key = ("DEFAULT",) if obj.pk is None else ("%s",)
            if obj.pk is not None:
                params.append(auto.get_db_prep_save(obj.pk, db))
        slots = tuple(map(_placeholder, row))
        shape.append(key + slots)
        params.extend(value for value, slot in zip(row, slots, strict=True) if slot == "%s")
    return _insert_sql(model, tuple(shape)), params


@functools.cache
def _insert_fields(model) -> tuple:
    meta = model._meta
    return tuple(field for field in meta.concrete_fields if not field.generated and field is not meta.auto_field)


@functools.lru_cache(maxsize=512)
def _insert_sql(model, shape: tuple[tuple[str, ...], ...]) -> str:
    """A shape: each row's SQL for each column, the key's first (a placeholder, a literal or DEFAULT)."""
    quote, meta = connection.ops.quote_name, model._meta
    columns = [meta.auto_field] if meta.auto_field else []
    columns += _insert_fields(model)
    rows = ", ".join("(" + ", ".join(slots) + ")" for slots in shape)
    return (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in columns)}) "
            f"VALUES {rows} RETURNING {quote(meta.pk.column)} AS pk")
