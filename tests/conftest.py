"""Shared fixtures: the seeded district (once per test database) and a fixed cast of users.

The cast, by scope:
- street A = 学院路 (110108009), street B = 青龙桥 (110108012);
- ``worker_a`` serves one unit grid of A; ``community_a`` the community around it;
- ``dispatcher_a`` / ``dispatcher_b`` the two street sub-centres;
- ``station_a`` the 城管分队 in A; ``section_a`` A's own 环境保护科; ``bureau`` the whole 城管大队;
- ``commander``, ``call_taker`` (the events hotline), ``evaluator``, ``auditor`` the district.
"""
import copy
import fcntl
import functools
import hashlib
import importlib.metadata
import os
import pickle
import shutil
import sqlite3
import tempfile
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.postgresql.creation import DatabaseCreation
from django.test import TransactionTestCase
from django.utils import timezone
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from core.calendar import forget_overrides
from core.reference import forget_reference_tables
from core.roles import Role
from core.seeding import seed_platform
from grids.services import staff_create

STREET_A = "110108009"
STREET_B = "110108012"
GRID_A = f"{STREET_A}001001"
GRID_A2 = f"{STREET_A}002001"
GRID_B = f"{STREET_B}001001"
SECTION_A = f"environment-{STREET_A}"  # 学院路环境保护科
PASSWORD = "Cast-pass-2026"


def pytest_collection_modifyitems(items):
    """Tests marked ``postgres`` need its row locks, triggers and concurrency: skipped on SQLite."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (CI runs it there)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def fresh_calendar_overrides():
    """Calendar overrides and reference tables are cached per process, and a rolled-back test sends no signal."""
    forget_overrides()
    forget_reference_tables()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        allow_flushing_the_trail()
        if not connection.settings_dict.get("CLONED_FROM_TEMPLATE"):
            seed_district_for_the_session()
    yield
    SQLITE_SEED_COPY.unlink(missing_ok=True)


def seed_district_for_the_session() -> None:
    seed_platform()
    keep_a_copy_of_the_seed()


# Each xdist worker needs its own test database, migrated and seeded: some twenty seconds of migrations and the seed,
# which every worker would run side by side, and CI's two runs again. On PostgreSQL a template database is built
# once (migrated, seeded, with the copy of the seed) and every worker's database is a fresh clone of it, made with
# CREATE DATABASE … TEMPLATE, which copies files; with --reuse-db too (CI keeps the databases made through PgBouncer
# and drops them itself). The template is named and marked by a fingerprint of what builds it: the code and data of
# the project's packages (migrations, seeding) and the versions of the installed distributions (their migrations).
# While that stays the same, a later run (CI's second one, the next run on this machine) clones the same template;
# any change builds a new one (and so does a new day: the event partitions and the seed date by today), and the old
# ones are dropped. Through PgBouncer, the pool's idle server connections to the template would keep PostgreSQL from
# copying it: they are ended first.
BUILT_FROM = ("haidian", "core", "grids", "patrols", "registers", "cases", "community", "orgs", "evaluation")
TEMPLATE_PREFIX = "haidian_test_template_"


@functools.cache
def _fingerprint() -> str:
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for package in BUILT_FROM:
        for path in sorted((root / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name, version in sorted((d.metadata["Name"] or "", d.version) for d in importlib.metadata.distributions()):
        digest.update(f"{name}=={version}\n".encode())
    digest.update(timezone.localdate().isoformat().encode())  # what the migrations and the seed date by today
    return digest.hexdigest()


def _create_test_db_from_template(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
    if self.connection.alias != "default":
        return _django_create_test_db(self, verbosity, autoclobber, serialize, keepdb)
    test_name = self._get_test_db_name()
    template = TEMPLATE_PREFIX + _fingerprint()[:24]
    with open(Path(tempfile.gettempdir()) / "haidian-test-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _template_mark(self, template) != _fingerprint():
            _build_template(self, template, verbosity, autoclobber)
        with self._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [template])
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quote_name(test_name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {self._quote_name(test_name)} TEMPLATE {self._quote_name(template)}")
    settings.DATABASES[self.connection.alias]["NAME"] = self.connection.settings_dict["NAME"] = test_name
    self.connection.settings_dict["CLONED_FROM_TEMPLATE"] = True
    if serialize:
        self.connection._test_serialized_contents = self.serialize_db_to_string()
    return test_name


def _build_template(creation, template: str, verbosity, autoclobber) -> None:
    """Migrate and seed the template (under the lock), mark it with the fingerprint once it is complete, leave no
    connection to it, and drop the templates of other fingerprints."""
    test_settings = creation.connection.settings_dict["TEST"]
    original_name, test_settings["NAME"] = test_settings.get("NAME"), template
    try:
        _django_create_test_db(creation, verbosity, autoclobber, False, False)
        seed_district_for_the_session()
        with creation.connection.cursor() as cursor:
            cursor.execute(f"COMMENT ON DATABASE {creation._quote_name(template)} IS %s", [_fingerprint()])
    finally:
        test_settings["NAME"] = original_name
        creation.connection.close()
    with creation._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                       [TEMPLATE_PREFIX + "%", template])
        for (stale,) in cursor.fetchall():
            cursor.execute(f"DROP DATABASE IF EXISTS {creation._quote_name(stale)} WITH (FORCE)")


def _template_mark(creation, template: str) -> str | None:
    with creation._nodb_cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template])
        row = cursor.fetchone()
    return row[0] if row else None


# Emptied between transactional tests by Django's flush, a test database would TRUNCATE its hundred tables each time
# (new files for every table and index) and then re-create content types and permissions: seconds a test. The tables
# are emptied by DELETE instead, which an almost empty table answers at once, and the seeded district comes back as a
# copy of the session's first seed rather than by seeding again (which would also lose what the migrations wrote, the
# beat's schedules). The copy is a schema of its own on PostgreSQL and an attached database file on SQLite. On
# PostgreSQL both run with triggers and foreign-key checks off for their transaction (``session_replication_role``;
# the test role is a superuser); SQLite's foreign keys are checked at the commit, when the rows are complete again.
KEPT_BETWEEN_TESTS = {"django_migrations", "django_content_type", "auth_permission"}
SEED_COPY = "test_seed_copy"


@functools.cache
def _emptied_tables() -> list[str]:
    return sorted(connection.ops.quote_name(table) for table in set(
        connection.introspection.django_table_names(only_existing=True, include_views=False)) - KEPT_BETWEEN_TESTS)


def _in_one_transaction(statements: list[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica;" + ";".join(statements))
        else:
            for statement in statements:
                cursor.execute(statement)


SQLITE_SEED_COPY = Path(tempfile.gettempdir()) / f"haidian-test-seed-{os.getpid()}.sqlite3"  # one per worker


def _attach_the_sqlite_seed_copy() -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        if SEED_COPY not in {row[1] for row in cursor.fetchall()}:
            cursor.execute(f"ATTACH DATABASE %s AS {SEED_COPY}", [str(SQLITE_SEED_COPY)])


# Whether this worker's tables are empty since a transactional test's teardown, with nothing put back since.
_seed_gone = False


def empty_the_tables() -> None:
    """Every table but the kept ones emptied, as Django's flush leaves them."""
    global _seed_gone
    _in_one_transaction([f"DELETE FROM {table}" for table in _emptied_tables()])
    _seed_gone = True


def keep_a_copy_of_the_seed() -> None:
    if connection.vendor == "postgresql":
        statements = [f"DROP SCHEMA IF EXISTS {SEED_COPY} CASCADE", f"CREATE SCHEMA {SEED_COPY}"]
    else:
        _attach_the_sqlite_seed_copy()
        statements = [f"DROP TABLE IF EXISTS {SEED_COPY}.{table}" for table in _emptied_tables()]
    _in_one_transaction(statements + [f"CREATE TABLE {SEED_COPY}.{table} AS SELECT * FROM {table}"
                                      for table in _emptied_tables()])


def restore_the_seed() -> None:
    """The district as the session seeded it, and nothing else (the first transactional test of a worker finds the
    session's seed still there)."""
    global _seed_gone
    if connection.vendor != "postgresql":
        _attach_the_sqlite_seed_copy()
    _in_one_transaction([f"DELETE FROM {table}" for table in _emptied_tables()]
                        + [f"INSERT INTO {table} SELECT * FROM {SEED_COPY}.{table}" for table in _emptied_tables()])
    _seed_gone = False


# What a module builds once and commits (the crawl's site: ten seconds of seeding) is built by the first worker of the
# run that needs it and written to a file; every later setup, on any worker, loads that file into its own database
# instead (a COPY per table on PostgreSQL, SQLite's backup API on SQLite): a second instead of building it again.
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
RUNS = Path(tempfile.gettempdir()) / "haidian-test-runs"


@functools.cache
def _run_directory() -> Path:
    """This run's directory of files shared by its workers; those of runs that ended over an hour ago are removed (a
    run on the same machine, CI's beside a developer's, may still be using its own)."""
    RUNS.mkdir(exist_ok=True)
    for old in RUNS.iterdir():
        if old.name != RUN_ID and time.time() - old.stat().st_mtime > 3600:
            shutil.rmtree(old, ignore_errors=True)
    directory = RUNS / RUN_ID
    directory.mkdir(exist_ok=True)
    return directory


def run_file(name: str) -> Path:
    """A file this run's workers share (their locks beside it)."""
    return _run_directory() / name


def built_once_per_run(name: str, build) -> bool:
    """The database as ``build()`` leaves it: built here (True) or loaded from the run's snapshot (False)."""
    path = run_file(f"{name}.{connection.vendor}")
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a worker that arrives while the other builds waits for its snapshot
        if path.exists():
            _load_snapshot(path)
            return False
        build()
        _save_snapshot(path)
        return True


def _save_snapshot(path: Path) -> None:
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
        return
    tables = {}
    with connection.cursor() as cursor:
        for table in _emptied_tables():
            with cursor.copy(f"COPY (SELECT * FROM {table}) TO STDOUT (FORMAT binary)") as copy:
                tables[table] = b"".join(bytes(block) for block in copy)
    path.write_bytes(pickle.dumps(tables))


def _load_snapshot(path: Path) -> None:
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as source:
            source.backup(connection.connection)
        return
    tables = pickle.loads(path.read_bytes())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica;"
                       + ";".join(f"DELETE FROM {table}" for table in tables))
        for table, rows in tables.items():
            with cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy:
                copy.write(rows)
        _advance_sequences(cursor)


def _advance_sequences(cursor) -> None:
    """Every sequence of a table's key past the keys now in it, never back (``kept`` relies on numbers never being
    handed out twice in a worker's database)."""
    cursor.execute("""
        SELECT s.oid::regclass::text, t.oid::regclass::text, a.attname FROM pg_class s
        JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND t.relnamespace = 'public'::regnamespace""")
    quote = connection.ops.quote_name
    cursor.execute(" UNION ALL ".join(
        f"SELECT setval('{sequence}', GREATEST(last_value, (SELECT coalesce(max({quote(column)}), 0) FROM {table})))"
        f" FROM {sequence}" for sequence, table, column in cursor.fetchall()))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test in a transaction that runs after a transactional one on the same worker finds the seeded district, put
    back once before its transaction begins. pytest-django runs such tests first, but work stealing hands a worker
    that has run out the rest of the other's queue, whatever it holds (tests/cases alone failed so, 37 errors)."""
    if _seed_gone and _in_a_transaction(item):
        with item.config.stash[blocking_manager_key].unblock():
            restore_the_seed()


def _in_a_transaction(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = ({"transactional_db", "live_server"} & set(item.fixturenames)
                     or marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    return ("db" in item.fixturenames or marker is not None) and not transactional


def _fixture_teardown(self):
    if self._databases_names(include_mirrors=False) != ["default"]:
        return _django_fixture_teardown(self)
    empty_the_tables()


_django_fixture_teardown = TransactionTestCase._fixture_teardown
TransactionTestCase._fixture_teardown = _fixture_teardown
_django_create_test_db = DatabaseCreation.create_test_db
DatabaseCreation.create_test_db = _create_test_db_from_template


def allow_flushing_the_trail() -> None:
    """The test database is emptied between transactional tests by TRUNCATE, which the case trail refuses unless
    maintenance says so (cases 0012): this database, and every connection to it from now on, says so."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} "
                       "SET haidian.allow_truncate = 'on'")
        cursor.execute("SET haidian.allow_truncate = 'on'")


@contextmanager
def built_for_a_module(django_db_blocker, build):
    """``build()`` once for a module's tests, inside a transaction rolled back after the last of them (each test's
    own transaction nests in it as a savepoint), so no other test sees these rows. The rows' deferred foreign keys
    are checked once here: left pending, every test's teardown would check them all again."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build()
        connection.check_constraints()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def seeded(transactional_db):
    """For tests that need real commits (transactional_db empties the tables after each test)."""
    restore_the_seed()


def _make(username, role, grid="", department=""):
    return staff_create(username=username, role=role, password=PASSWORD, full_name=username, grid_code=grid,
                        department_code=department, check_password=False)


CAST = {
    "worker_a": (Role.GRID_WORKER, GRID_A, ""),
    "worker_b": (Role.GRID_WORKER, GRID_B, ""),
    "community_a": (Role.COMMUNITY_STAFF, GRID_A, ""),
    "dispatcher_a": (Role.STREET_DISPATCHER, STREET_A, ""),
    "dispatcher_b": (Role.STREET_DISPATCHER, STREET_B, ""),
    "station_a": (Role.DEPARTMENT_HANDLER, "", f"urban_enforcement-{STREET_A}"),
    "section_a": (Role.DEPARTMENT_HANDLER, "", SECTION_A),
    "bureau": (Role.DEPARTMENT_HANDLER, "", "urban_enforcement"),
    "commander": (Role.DISTRICT_COMMANDER, "", ""),
    "call_taker": (Role.CALL_TAKER, "", ""),
    "evaluator": (Role.EVALUATOR, "", ""),
    "auditor": (Role.AUDITOR, "", ""),
}


def make_cast():
    """The cast's logins (an object whose attributes are the users), for a fixture of any scope."""
    return SimpleNamespace(**{username: _make(username, *where) for username, where in CAST.items()})


@pytest.fixture
def cast(db):
    """The cast, made through ``staff_create`` by the first test of a worker that asks for it, then kept (``kept``):
    one INSERT per table instead of some 220 queries of creation."""
    return kept("cast", make_cast)


# Rows a fixture builds through the services, kept per worker and given back to later tests as they were built.
# Built the first time (inside the test's transaction, rolled back after it), what the build wrote is read back: the
# rows it inserted, in their final state. A later test that starts from the same tables (as many rows in each, and
# the same highest key: the same rows, as far as the services can tell) gets those rows back, one INSERT per table,
# and a copy of what the build returned (its objects as they were built). Not kept: a build that changed or deleted
# a row it did not insert or wrote a table without an integer key, and a build on a test's own clock. Sequences are
# not rolled back, so the numbers the kept rows hold are never handed out again.
@dataclass
class Kept:
    rows: dict[str, str]  # quoted table → the build's rows as JSON
    built: object


KEPT: dict[tuple[str, int], Kept | None] = {}
REAL_NOW = timezone.now


def kept(key: str, build):
    if connection.vendor != "postgresql" or timezone.now is not REAL_NOW:
        return build()
    with transaction.atomic(), connection.cursor() as cursor:
        tables = _tables_now(cursor)
        start = (key, hash(tuple(sorted(tables.items()))))
        if start not in KEPT:
            built, rows = _built_and_read(cursor, build, tables)
            KEPT[start] = Kept(rows, copy.deepcopy(built)) if rows is not None else None
            return built
        if KEPT[start] is None:
            return build()
        for table, rows in KEPT[start].rows.items():
            cursor.execute(f"INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, %s::json)",
                           [rows])
    return copy.deepcopy(KEPT[start].built)


def _tables_now(cursor) -> dict[str, tuple[int, int | None]]:
    """Quoted table → its number of rows and highest key (None without an integer key), for the models' tables and
    every table with an integer key (the partitions of the case trail among them)."""
    keys = _integer_keys(cursor)
    tables = sorted(set(map(connection.ops.quote_name, _emptied_tables())) | set(keys))
    cursor.execute(" UNION ALL ".join(f"SELECT '{table}', count(*), max({keys[table]}) FROM {table}" if table in keys
                                      else f"SELECT '{table}', count(*), NULL FROM {table}" for table in tables))
    return {table: (count, top) for table, count, top in cursor.fetchall()}


def _built_and_read(cursor, build, tables: dict) -> tuple[object, dict[str, str] | None]:
    """What ``build()`` returns and the rows it inserted (None if it did more than insert rows and change them);
    ``tables`` is ``_tables_now`` before the build."""
    cursor.execute("SELECT pg_current_xact_id()::text::bigint % 4294967296")
    (transaction_id,) = cursor.fetchone()  # the rows this transaction writes carry it or a later one (savepoints)
    keys = _integer_keys(cursor)
    before = {table: tables[table][1] or 0 for table in keys}
    counted = _changes(cursor)
    built = build()
    changed = {table: tuple(now - then for now, then in zip(counts, counted.get(table, (0, 0, 0)), strict=True))
               for table, counts in _changes(cursor).items() if counts != counted.get(table, (0, 0, 0))}
    if not set(changed) <= set(keys) or any(deleted for _inserted, _updated, deleted in changed.values()):
        return built, None
    rows = {}
    for table, (inserted, updated, _deleted) in changed.items():
        key = keys[table]
        if updated:
            cursor.execute(f"SELECT EXISTS (SELECT FROM {table} WHERE {key} <= %s AND xmin::text::bigint >= %s)",
                           [before[table], transaction_id])
            if cursor.fetchone()[0]:
                return built, None  # a row that was there before was changed
        if inserted:
            cursor.execute(f"SELECT json_agg(t ORDER BY {key})::text FROM {table} t WHERE {key} > %s",
                           [before[table]])
            rows[table] = cursor.fetchone()[0]
    return built, rows


_INTEGER_KEYS: dict[str, str] = {}


def _integer_keys(cursor) -> dict[str, str]:
    """Quoted table → quoted column, for the tables of this schema whose primary key starts with an integer (the
    partitions of the case trail are keyed by id and time)."""
    if _INTEGER_KEYS:
        return _INTEGER_KEYS
    cursor.execute("""
        SELECT c.relname, a.attname FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
        WHERE i.indisprimary AND c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND a.atttypid IN ('int4'::regtype, 'int8'::regtype)""")
    quote = connection.ops.quote_name
    _INTEGER_KEYS.update((quote(table), quote(key)) for table, key in cursor.fetchall())
    return _INTEGER_KEYS


def _changes(cursor) -> dict[str, tuple[int, int, int]]:
    """Rows this transaction inserted, updated and deleted, per table (quoted)."""
    cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
                   "WHERE schemaname = 'public'")
    return {connection.ops.quote_name(name): tuple(counts) for name, *counts in cursor.fetchall()}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    def login(user):
        api.force_authenticate(user=user)
        return api

    return login
