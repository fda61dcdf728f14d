"""Reads from a read replica: the router's choices, then a real streaming hot standby (.ci/run starts one on 5433 and
sets DATABASE_REPLICA_URL; the standby replicates the test database, so the ``replica`` alias reads it there).

A safe request of someone who wrote nothing lately reads the standby; nothing is ever written there; and whoever has
just written reads the primary for REPLICA_STICKY_SECONDS, so they see their change at once however far the standby
lags (here: its replay paused)."""
import os
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from core.db import reads_from_replica
from grids.services import staff_create
from tests.cases.conftest import new_case
from tests.conftest import GRID_A, PASSWORD, STREET_A

NEW_CASE = {"title": "井盖丢失", "description": "人行道井盖丢失", "category": "C0101", "lat": 39.99, "lng": 116.35,
            "address": "学院路", "source": "grid_patrol", "urgency": "normal"}


def test_reads_go_to_the_replica_only_when_asked_and_writes_and_migrations_never(settings):
    settings.DATABASE_READ_REPLICA = "replica"
    assert router.db_for_read(Case) == DEFAULT_DB_ALIAS  # a task, the sweep, a command
    with reads_from_replica():
        assert router.db_for_read(Case) == "replica"
        assert router.db_for_write(Case) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "cases") and not router.allow_migrate("replica", "cases")
    settings.DATABASE_READ_REPLICA = None  # no replica configured: everything on the primary
    with reads_from_replica():
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(settings):
    """A service that reads, locks and writes in one transaction (a case action, the sweep, the journal)."""
    settings.DATABASE_READ_REPLICA = "replica"
    with reads_from_replica(), transaction.atomic():
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS


@pytest.fixture
def standby(settings, seeded):
    settings.DATABASE_READ_REPLICA = "replica"
    replica = connections["replica"]
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica alias must reach a standby"
    yield replica
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")  # whatever the test did


def replayed(replica, seconds=15.0):
    """Wait until the standby has replayed all the primary has written so far."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    deadline = time.monotonic() + seconds
    with replica.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)


def logged_in(user, address):
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)  # the session is written to the primary, not through a request
    return client


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def read(replica, client, path):
    """GET ``path`` (a streamed body read to its end): the response, its body, and whether the platform's rows
    (everything but the session and the login, which are read before and saved after) were read on the standby
    and on the primary."""
    primary = connections[DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body

    def reads_rows(queries):
        return any(not query["sql"].startswith(SESSION_LOGIN_AND_ACCESS) for query in queries)

    assert not any(query["sql"].startswith(ACCESS) for query in on_replica.captured_queries)
    return body.decode(), reads_rows(on_replica.captured_queries), reads_rows(on_primary.captured_queries)


# A person's access (model permissions, where they serve) is read from the primary: it is cached for the access
# generation, and a lagging standby would keep a withdrawn grant that long.
ACCESS = ("SELECT ct.app_label", "SELECT 'grid'")
SESSION_LOGIN_AND_ACCESS = ("BEGIN", "COMMIT", 'SELECT "django_session"', 'UPDATE "django_session"',
                            'SELECT "auth_user"', *ACCESS)


def staff(username, role, **where):
    return staff_create(username=username, role=role, password=PASSWORD, check_password=False, **where)


@pytest.mark.skipif(not os.environ.get("DATABASE_REPLICA_URL"), reason="needs a standby (CI starts one)")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, "replica"])
def test_reads_come_from_the_standby_except_for_whoever_just_wrote_who_sees_the_change_at_once(standby, settings):
    settings.REPLICA_STICKY_SECONDS = 1
    worker = staff("w", "grid_worker", grid_code=GRID_A)
    dispatcher = staff("d", "street_dispatcher", grid_code=STREET_A)
    case = new_case(worker)
    replayed(standby)
    reader = logged_in(dispatcher, "10.0.0.2")
    for path in ["/api/v1/cases/", f"/api/v1/cases/{case.number}/", "/open311/v2/requests.json"]:
        body, on_replica, on_primary = read(standby, reader, path)
        assert (on_replica, on_primary) == (True, False), path  # a list, a case, Open311
        assert case.number in body or path.startswith("/open311/")

    writer = logged_in(worker, "10.0.0.3")
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")  # the standby lags as far as it likes from now on
    with CaptureQueriesContext(standby) as during_the_write:
        created = writer.post("/api/v1/cases/", NEW_CASE, content_type="application/json")
    assert created.status_code == 201, created.content
    assert not during_the_write  # nothing is written, or read, there
    number = created.json()["number"]
    body, on_replica, on_primary = read(standby, writer, "/api/v1/cases/")
    assert number in body and (on_replica, on_primary) == (False, True)  # the writer's own change, at once

    time.sleep(settings.REPLICA_STICKY_SECONDS + 0.1)  # a little later the writer reads the standby again,
    body, on_replica, on_primary = read(standby, writer, "/api/v1/cases/")
    assert number not in body and (on_replica, on_primary) == (True, False)  # which has not replayed it yet
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    replayed(standby)
    assert number in read(standby, writer, "/api/v1/cases/")[0]

    # Access withdrawn while the standby lags counts at once: the reader's role is taken away on the primary only,
    # and their next safe request (read from the standby) is refused, its permissions read from the primary.
    assert read(standby, reader, "/api/v1/cases/")[0]
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    dispatcher.groups.clear()
    assert reader.get("/api/v1/cases/").status_code == 403
