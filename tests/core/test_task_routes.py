"""Each kind of work has its queue, so a long report never holds up the deadline sweep or the mail."""
import importlib.util
import json
import os

import pytest
import redis
from django.apps import apps
from django.conf import settings

from haidian.celery import app

QUEUES = {"celery", "sweep", "notifications", "exports"}


def load_tasks() -> None:
    """What the worker's autodiscovery loads: each app's tasks module."""
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.tasks"):
            importlib.import_module(f"{config.name}.tasks")


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_the_sweep_the_mail_and_the_reports_have_queues_of_their_own():
    assert {name: queue_of(name) for name in [
        "cases.sweep_deadlines", "community.tasks.flag_overdue_visits", "orgs.tasks.flag_overdue_applications",
        "core.deliver_outbox", "evaluation.send_reminders",
        "cases.refresh_dashboard", "evaluation.compute_ended_periods", "grids.export_staff",
        "core.beat_heartbeat",
    ]} == {
        "cases.sweep_deadlines": "sweep", "community.tasks.flag_overdue_visits": "sweep",
        "orgs.tasks.flag_overdue_applications": "sweep",
        "core.deliver_outbox": "notifications", "evaluation.send_reminders": "notifications",
        "cases.refresh_dashboard": "sweep", "evaluation.compute_ended_periods": "exports",
        "grids.export_staff": "exports",  # any export task to come
        "core.beat_heartbeat": "celery",
    }


def test_every_task_of_the_platform_goes_to_a_queue_a_plain_worker_consumes():
    load_tasks()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert ours and {queue_of(name) for name in ours} <= QUEUES
    assert set(app.amqp.queues) == QUEUES  # a worker started without -Q (the demo's) consumes all four


def test_short_idempotent_jobs_are_requeued_if_their_worker_dies():
    load_tasks()
    assert app.conf.task_acks_late
    for name in ["cases.sweep_deadlines", "core.deliver_outbox", "community.tasks.flag_overdue_visits",
                 "orgs.tasks.flag_overdue_applications"]:
        assert app.tasks[name].reject_on_worker_lost, name
    # A long computation that killed its worker (out of memory) would kill the next one too: not requeued.
    assert not app.tasks["evaluation.compute_ended_periods"].reject_on_worker_lost


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI runs it there)")
def test_a_sent_sweep_lands_in_the_sweep_queue_of_a_real_broker():
    url = settings.REDIS_URL.rsplit("/", 1)[0] + "/13"
    client = redis.Redis.from_url(url)
    client.delete(*QUEUES)
    try:
        with app.connection_for_write(url) as connection:
            app.send_task("cases.sweep_deadlines", connection=connection)
            app.send_task("core.deliver_outbox", connection=connection)
        waiting = {queue: [json.loads(m)["headers"]["task"] for m in client.lrange(queue, 0, -1)] for queue in QUEUES}
        assert waiting == {"sweep": ["cases.sweep_deadlines"], "notifications": ["core.deliver_outbox"],
                           "exports": [], "celery": []}
    finally:
        client.delete(*QUEUES)


def test_the_compose_stack_consumes_every_queue_and_runs_one_beat():
    import yaml

    services = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())["services"]
    consumed = set()
    for service in services.values():
        command = service.get("command") or ""
        if " worker " in command:
            consumed |= set(command.split(" -Q ")[1].split()[0].split(","))
    assert consumed == QUEUES
    beats = [service for service in services.values() if " beat " in (service.get("command") or "")]
    assert len(beats) == 1 and "replicas" not in beats[0].get("deploy", {})
