"""Bad days, on PostgreSQL and real Redis: a worker killed in the middle of the deadline sweep, and the broker
stopped while people act on cases. Each test runs a redis-server of its own, so stopping it disturbs nobody."""
import datetime as dt
import os
import signal
import subprocess
import sys
from collections import Counter

import pytest
from celery.contrib.testing.app import TestApp, setup_default_app
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection

from cases.models import Case, CaseEvent
from cases.sweeps import sweep_deadlines
from cases.workflow import SYSTEM_ESCALATE
from core.models import Notification
from core.notifications import outbox_depth
from core.tasks import deliver_notification_outbox
from grids.services import staff_create
from tests.conftest import GRID_A, PASSWORD
from tests.servers import PrivateRedis

from .conftest import MICRO_CATEGORY, act, new_case, requires_postgres
from .test_celery import wait_for

pytestmark = [requires_postgres, pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs redis-server (CI runs it there)")]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OVERDUE_CASES = 80


@pytest.fixture
def broker():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def people():
    community = staff_create(username="c", role="community_staff", password=PASSWORD, grid_code=GRID_A,
                             check_password=False)
    dispatcher = staff_create(username="d", role="street_dispatcher", password=PASSWORD, grid_code=GRID_A[:9],
                              check_password=False)
    worker = staff_create(username="w", role="grid_worker", password=PASSWORD, grid_code=GRID_A, check_password=False)
    for user in (community, dispatcher, worker):
        user.email = f"{user.username}@example.org"
        user.save()
    return community, dispatcher, worker


def worker_process(broker_url: str) -> subprocess.Popen:
    """A real Celery worker in a process of its own, on this test's database and broker, sweeping one case per
    transaction so that a kill lands in the middle of a sweep."""
    database = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "haidian.settings_test", "TEST_CELERY_BROKER_URL": broker_url,
           "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
                           f"/{database['NAME']}",
           "CASE_SWEEP_BATCH": "1"}
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "haidian", "worker", "--pool", "solo",
                             "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def escalated() -> int:
    return Case.objects.filter(escalation_count__gt=0).count()


def test_a_worker_killed_in_the_middle_of_a_sweep_leaves_no_case_missed_or_escalated_twice(seeded, broker):
    community, dispatcher, _worker = people()
    week_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    cases = [new_case(community, MICRO_CATEGORY, now=week_ago) for _ in range(OVERDUE_CASES)]
    app = TestApp(config={"broker_url": broker.url, "task_ignore_result": True})
    process = worker_process(broker.url)
    try:
        app.send_task("cases.sweep_deadlines")  # what beat sends every minute
        assert wait_for(lambda: escalated() > 0, seconds=60), "the worker never started the sweep"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
    before = escalated()
    assert 0 < before < OVERDUE_CASES, "the kill did not land in the middle of the sweep"

    sweep_deadlines()  # beat's next run, on another worker

    rows = Case.objects.filter(pk__in=[c.pk for c in cases])
    assert sorted(set(rows.values_list("tier", "escalation_count"))) == [("small", 1)]
    per_case = Counter(CaseEvent.objects.filter(case__in=rows, action=SYSTEM_ESCALATE).values_list("case", flat=True))
    assert len(per_case) == OVERDUE_CASES and set(per_case.values()) == {1}
    told = Counter(Notification.objects.filter(user=dispatcher, kind="escalated").values_list("subject", flat=True))
    assert len(told) == OVERDUE_CASES and set(told.values()) == {1}


def test_what_is_done_while_the_broker_is_down_is_mailed_once_it_is_back(seeded, broker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    community, dispatcher, worker = people()
    app = TestApp(config={"broker_url": broker.url, "task_ignore_result": True,
                          "task_default_queue": f"faults-{os.getpid()}"})
    with setup_default_app(app):
        broker.stop()
        for _ in range(3):  # each request commits, and its kick to the broker fails quietly
            case = new_case(worker, MICRO_CATEGORY)
            act(community, case, "file")
            act(community, case, "dispatch", assignee="w")
            act(worker, case, "accept")
            act(worker, case, "feedback", result="已清理")
        pending = outbox_depth()
        assert pending >= 6 and not mail.outbox  # nothing is lost, nothing has gone yet

        broker.start()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deliver_notification_outbox.delay()  # beat's minute
            assert wait_for(lambda: outbox_depth() == 0)
    mailed = Counter((m.to[0], m.subject) for m in mail.outbox)
    assert sum(mailed.values()) == pending and set(mailed.values()) == {1}
    assert {address for address, _subject in mailed} == {"w@example.org", "c@example.org"}
    assert Notification.objects.filter(emailed_at__isnull=True, user__in=[community, dispatcher, worker]).count() == 0
