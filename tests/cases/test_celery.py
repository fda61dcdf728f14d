"""The deadline sweep and the mailing of its notifications through a real Celery worker and Redis."""
import datetime as dt
import os
import time

import pytest
from celery.contrib.testing.app import TestApp, setup_default_app
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cases.models import Case
from cases.tasks import sweep_deadlines
from core import tasks as core_tasks  # noqa: F401 - the worker runs the mail delivery the sweep kicks
from core.models import Notification
from grids.services import staff_create
from tests.conftest import GRID_A, PASSWORD

from .conftest import MICRO_CATEGORY, new_case, requires_postgres

REDIS_URL = os.environ.get("REDIS_URL", "")
requires_redis = pytest.mark.skipif(not REDIS_URL, reason="needs Redis (CI runs it there)")


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@requires_redis
@requires_postgres
def test_beat_task_escalates_overdue_cases_and_mails_people(seeded, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    community = staff_create(username="c", role="community_staff", password=PASSWORD, grid_code=GRID_A,
                             check_password=False)
    dispatcher = staff_create(username="d", role="street_dispatcher", password=PASSWORD, grid_code=GRID_A[:9],
                              check_password=False)
    dispatcher.email = "dispatcher@example.org"
    dispatcher.save()
    # Filed a week ago and never dispatched: far past its escalation time.
    case = new_case(community, MICRO_CATEGORY, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=7))
    app = TestApp(config={"broker_url": REDIS_URL.rsplit("/", 1)[0] + "/15", "task_ignore_result": True,
                          "task_default_queue": f"test-{os.getpid()}"})
    with setup_default_app(app), start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_deadlines.delay()
        assert wait_for(lambda: Case.objects.get(pk=case.pk).tier == "small")
        assert wait_for(lambda: any("dispatcher@example.org" in m.to for m in mail.outbox))
    case.refresh_from_db()
    assert (case.status, case.escalation_count) == ("filed", 1)
    assert Notification.objects.get(subject=case.number, user=dispatcher, kind="escalated").emailed_at is not None
