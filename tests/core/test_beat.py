"""Two beat schedulers on one database schedule: each periodic job is sent once, and a standby takes over."""
import datetime as dt
import json
import os
import time

import pytest
import redis
from celery.contrib.testing.app import TestApp
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.beat import LeaderDatabaseScheduler

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI runs it there)")
QUEUE = f"beat-test-{os.getpid()}"


@pytest.fixture
def broker(settings):
    """A real Redis broker (its own database number) and a short leader lock, so a lapse takes a second; the lock's
    key is this process's, so another test run on the same Redis (a developer's beside CI's) cannot hold it."""
    settings.BEAT_LEADER_LOCK_SECONDS = 1
    settings.BEAT_LEADER_LOCK_NAME = f"haidian:beat-leader-test-{os.getpid()}"
    url = settings.REDIS_URL.rsplit("/", 1)[0] + "/14"
    client = redis.Redis.from_url(url)
    client.delete(QUEUE)
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.BEAT_LEADER_LOCK_NAME)
    # Only the probes: the platform's own jobs fall due a minute after the database was made (django-celery-beat
    # counts an unrun job's last run from when its row changed), so they would be sent or not by the clock.
    PeriodicTask.objects.update(enabled=False)
    yield TestApp(config={"broker_url": url, "task_default_queue": QUEUE, "result_expires": None}), client
    client.delete(QUEUE)
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.BEAT_LEADER_LOCK_NAME)


def hourly(name):
    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(name=name, task=f"probe.{name}", interval=every_hour, queue=QUEUE,
                                       last_run_at=timezone.now() - dt.timedelta(hours=2))  # due now


def sent(client) -> list[str]:
    return sorted(json.loads(message)["headers"]["task"] for message in client.lrange(QUEUE, 0, -1))


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_send_each_job_once_and_the_standby_takes_over_without_repeating_it(broker):
    app, client = broker
    hourly("first")
    first, second = LeaderDatabaseScheduler(app=app), LeaderDatabaseScheduler(app=app)
    for _ in range(3):
        first.tick()
        second.tick()
    assert sent(client) == ["probe.first"]
    assert (first.leading, second.leading) == (True, False)

    time.sleep(settings.BEAT_LEADER_LOCK_SECONDS + 0.2)  # the leader stops (killed): its lock lapses
    hourly("second")
    for _ in range(3):
        second.tick()
    assert second.leading
    # The new leader read the first job's last run from the database: it sends only what is due.
    assert sent(client) == ["probe.first", "probe.second"]
    first.tick()  # the old leader comes back: it finds the lock taken and sends nothing
    assert not first.leading
    assert sent(client) == ["probe.first", "probe.second"]
