"""The intake bench's server CPU per request (``bench/intake.py``): the time the gunicorn workers and the database's
backends spent between two readings. A backend that ends between them (``CONN_MAX_AGE`` closes connections while wrk
runs) must keep counting what it spent: read from the live processes only, the total fell when one closed, and a
run's CPU per request came out below the bare endpoint's."""
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from bench.intake import _server_cpu_seconds

# The bench reads the server's processes in /proc, on the database's own machine, connected directly.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db,
              pytest.mark.skipif(settings.DATABASE_POOLED, reason="PgBouncer keeps its server connections open")]
NO_SERVER = "127.0.0.1:9"  # no gunicorn: the database's share only


def open_backend() -> tuple[psycopg.Connection, int]:
    database = connection.settings_dict
    other = psycopg.connect(host=database["HOST"] or None, port=database["PORT"] or None, user=database["USER"],
                            password=database["PASSWORD"] or None, dbname=database["NAME"], autocommit=True)
    return other, other.execute("SELECT pg_backend_pid()").fetchone()[0]


def test_a_backend_that_ends_between_two_readings_keeps_its_time_in_the_total():
    other, pid = open_backend()
    idle = _server_cpu_seconds(NO_SERVER)
    other.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    busy = _server_cpu_seconds(NO_SERVER)
    assert busy - idle >= 0.1  # a live backend's work is counted

    other.close()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:  # until the postmaster has reaped it
        time.sleep(0.02)
    ended = _server_cpu_seconds(NO_SERVER)

    assert ended >= busy  # and still counted once it has ended
