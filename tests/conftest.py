"""Shared fixtures: the seeded district (once per test database) and a fixed cast of users.

The cast, by scope:
- street A = 学院路 (110108009), street B = 青龙桥 (110108012);
- ``worker_a`` serves one unit grid of A; ``community_a`` the community around it;
- ``dispatcher_a`` / ``dispatcher_b`` the two street sub-centres;
- ``station_a`` the 城管分队 in A; ``section_a`` A's own 环境保护科; ``bureau`` the whole 城管大队;
- ``commander``, ``call_taker`` (the events hotline), ``evaluator``, ``auditor`` the district.
"""
import functools
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from core.calendar import forget_overrides
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
    """Calendar overrides are cached per process, and a rolled-back test sends no delete signal."""
    forget_overrides()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        allow_flushing_the_trail()
        seed_platform()
        keep_a_copy_of_the_seed()


# Emptied between transactional tests by Django's flush, a test database would TRUNCATE its hundred tables each time
# (new files for every table and index) and then re-create content types and permissions: seconds a test. On
# PostgreSQL the tables are emptied by DELETE instead, which an almost empty table answers at once, and the seeded
# district comes back as a copy of the session's first seed rather than by seeding again. Both run with triggers
# and foreign-key checks off for their transaction (``session_replication_role``; the test role is a superuser).
KEPT_BETWEEN_TESTS = {"django_migrations", "django_content_type", "auth_permission"}
SEED_COPY = "test_seed_copy"


@functools.cache
def _emptied_tables() -> list[str]:
    return sorted(set(connection.introspection.django_table_names(only_existing=True, include_views=False))
                  - KEPT_BETWEEN_TESTS)


def _with_triggers_off(statements: list[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica;" + "".join(statements))


def empty_the_tables() -> None:
    """Every table but the kept ones emptied, as Django's flush leaves them."""
    _with_triggers_off([f"DELETE FROM {connection.ops.quote_name(table)};" for table in _emptied_tables()])


def keep_a_copy_of_the_seed() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SEED_COPY} CASCADE; CREATE SCHEMA {SEED_COPY};" + "".join(
            f"CREATE TABLE {SEED_COPY}.{connection.ops.quote_name(table)} AS TABLE {connection.ops.quote_name(table)};"
            for table in _emptied_tables()))


def restore_the_seed() -> None:
    """The district as the session seeded it, and nothing else (the first transactional test of a worker finds the
    session's seed still there)."""
    if connection.vendor != "postgresql":
        call_command("flush", interactive=False, verbosity=0)
        seed_platform()
        return
    quoted = [connection.ops.quote_name(table) for table in _emptied_tables()]
    _with_triggers_off([f"DELETE FROM {table};" for table in quoted]
                       + [f"INSERT INTO {table} SELECT * FROM {SEED_COPY}.{table};" for table in quoted])


def _fixture_teardown(self):
    if connection.vendor != "postgresql" or self._databases_names(include_mirrors=False) != ["default"]:
        return _django_fixture_teardown(self)
    empty_the_tables()


_django_fixture_teardown = TransactionTestCase._fixture_teardown
TransactionTestCase._fixture_teardown = _fixture_teardown


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


def make_cast():
    """The cast's logins (a class whose attributes are the users), for a fixture of any scope."""

    class Cast:
        worker_a = _make("worker_a", Role.GRID_WORKER, grid=GRID_A)
        worker_b = _make("worker_b", Role.GRID_WORKER, grid=GRID_B)
        community_a = _make("community_a", Role.COMMUNITY_STAFF, grid=GRID_A)
        dispatcher_a = _make("dispatcher_a", Role.STREET_DISPATCHER, grid=STREET_A)
        dispatcher_b = _make("dispatcher_b", Role.STREET_DISPATCHER, grid=STREET_B)
        station_a = _make("station_a", Role.DEPARTMENT_HANDLER, department=f"urban_enforcement-{STREET_A}")
        section_a = _make("section_a", Role.DEPARTMENT_HANDLER, department=SECTION_A)
        bureau = _make("bureau", Role.DEPARTMENT_HANDLER, department="urban_enforcement")
        commander = _make("commander", Role.DISTRICT_COMMANDER)
        call_taker = _make("call_taker", Role.CALL_TAKER)
        evaluator = _make("evaluator", Role.EVALUATOR)
        auditor = _make("auditor", Role.AUDITOR)

    return Cast


@pytest.fixture
def cast(db):
    return make_cast()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    def login(user):
        api.force_authenticate(user=user)
        return api

    return login
