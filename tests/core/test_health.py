"""What the people who run the platform see: /livez, /healthz, /metrics, JSON logs and Sentry."""
import datetime as dt
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery.contrib.testing.app import TestApp, setup_default_app
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, connections
from django.utils import timezone
from django.utils.html import escape
from django_celery_beat.models import PeriodicTask
from prometheus_client.parser import text_string_to_metric_families

from cases.models import Case
from cases.sweeps import sweep_deadlines
from cases.workflow import OPEN, Light, Status
from core.health import HEARTBEAT_TABLE, record_heartbeat
from core.models import Notification
from core.notifications import Notice, notify, outbox_depth
from core.tasks import beat_heartbeat
from tests.cases.conftest import MICRO_CATEGORY, new_case

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")


def _redis_check() -> set[str]:
    """With Redis configured, /healthz pings it by itself (the cache check passes from a stand-in while it is down)."""
    if not settings.REDIS_URL:
        return set()
    url = urlparse(settings.REDIS_URL)
    return {f"Redis(db={int(url.path.lstrip('/') or 0)}, host='{url.hostname}', port={url.port or 6379})"}


CHECKS = {"Database(alias='default')", "Cache(alias='default')", "Storage(alias='default')", "CeleryPing()",
          "BeatHeartbeat()"} | _redis_check()
OUTSIDER = "203.0.113.9"


@pytest.fixture
def quick_ping(settings):
    """With no worker the ping can only time out: half a second is enough to prove it does."""
    settings.HEALTH_CHECKS = [
        (check[0], {**check[1], "timeout": dt.timedelta(seconds=0.5)})
        if isinstance(check, tuple) and check[0].endswith("CeleryPing") else check
        for check in settings.HEALTH_CHECKS
    ]


def report(client):
    response = client.get("/healthz", HTTP_ACCEPT="application/json")
    return response.status_code, response.json()


def report_from_a_thread(client):
    """The report asked from a thread of its own: the view is async, and a browser test earlier in this process may
    have left Playwright's event loop in the main thread, where the test client cannot run async code."""
    def report_and_close(client):
        try:
            return report(client)
        finally:  # the thread's own connection: left open, the test database could not be dropped at the end
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(report_and_close, client).result()


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.content.decode()) for sample in family.samples}


# ------------------------------------------------------------------------------------------ /livez, /healthz


@pytest.mark.django_db
def test_livez_needs_only_the_process_and_its_database(client):
    response = client.get("/livez", REMOTE_ADDR=OUTSIDER)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_it_reports_every_check_by_name_and_fails_within_the_timeout_when_no_worker_answers(client, quick_ping):
    record_heartbeat()
    started = time.monotonic()
    status, checks = report(client)
    assert time.monotonic() - started < 3
    assert status == 500
    assert set(checks) == CHECKS
    assert checks["CeleryPing()"] == "Unavailable: Celery workers unavailable"
    assert {name: value for name, value in checks.items() if name != "CeleryPing()"} == dict.fromkeys(
        CHECKS - {"CeleryPing()"}, "OK")
    page = client.get("/healthz", HTTP_ACCEPT="text/html")
    assert page.status_code == 500
    assert all(escape(name) in page.content.decode() for name in CHECKS)


@pytest.mark.django_db
def test_a_stale_heartbeat_fails_the_report(client, quick_ping):
    record_heartbeat(now=timezone.now() - dt.timedelta(minutes=6))
    response = client.get("/healthz?format=json")
    assert response.status_code == 500
    assert response.json()["BeatHeartbeat()"] == "Unavailable: Last heartbeat 360 s ago"


@pytest.mark.django_db
def test_no_heartbeat_at_all_fails_the_report(client, quick_ping):
    DatabaseCache(HEARTBEAT_TABLE, {}).clear()
    assert report(client)[1]["BeatHeartbeat()"] == "Unavailable: No heartbeat yet: is Celery beat running?"


@pytest.mark.django_db
def test_beat_sends_the_heartbeat_every_minute_and_running_it_makes_the_heartbeat_fresh(client, quick_ping):
    record_heartbeat(now=timezone.now() - dt.timedelta(hours=1))
    schedule = PeriodicTask.objects.get(task=beat_heartbeat.name)
    assert (schedule.enabled, schedule.interval.every, schedule.interval.period) == (True, 1, "minutes")
    beat_heartbeat.apply()
    assert report(client)[1]["BeatHeartbeat()"] == "OK"


@pytest.mark.django_db
def test_a_database_that_refuses_connections_fails_the_report(client, quick_ping, monkeypatch):
    record_heartbeat()

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    # The check opens a connection of its own; the test's, already open, keeps working.
    monkeypatch.setattr(connection.Database, "connect", refuse)
    status, checks = report(client)
    assert status == 500
    assert checks["Database(alias='default')"].startswith("Unavailable: ")


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis (CI runs it there)")
def test_with_a_worker_answering_and_running_the_heartbeat_the_report_is_healthy(client, transactional_db):
    DatabaseCache(HEARTBEAT_TABLE, {}).clear()
    # Keys of this run only: no other test run's worker can answer the ping.
    app = TestApp(config={"broker_url": REDIS_URL, "task_ignore_result": True,
                          "task_default_queue": f"healthz-{os.getpid()}",
                          "broker_transport_options": {"global_keyprefix": f"healthz-{os.getpid()}:"}})
    with setup_default_app(app), start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        app.send_task(beat_heartbeat.name)
        deadline = time.monotonic() + 30
        while report_from_a_thread(client)[1]["BeatHeartbeat()"] != "OK" and time.monotonic() < deadline:
            time.sleep(0.2)
        status, checks = report_from_a_thread(client)
    assert (status, checks) == (200, dict.fromkeys(CHECKS, "OK"))


@pytest.mark.django_db
def test_healthz_and_metrics_answer_only_the_monitoring_system(client, settings):
    settings.OPS_TOKEN = "scrape-token-0123456789"
    for path in ("/healthz", "/metrics"):
        assert client.get(path, REMOTE_ADDR=OUTSIDER).status_code == 403
        # X-Forwarded-For is nobody's word unless TRUSTED_PROXIES says so; an undeclared proxy on the loopback
        # does not make its clients local.
        assert client.get(path, REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
        assert client.get(path, HTTP_X_FORWARDED_FOR=OUTSIDER).status_code == 403
        assert client.get(path, REMOTE_ADDR=OUTSIDER, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDER,
                      HTTP_AUTHORIZATION="Bearer scrape-token-0123456789").status_code == 200
    settings.TRUSTED_PROXIES = 1  # our own proxy on the loopback relays an outsider, or one who claims more hops
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=OUTSIDER).status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=f"127.0.0.1, {OUTSIDER}").status_code == 403
    settings.OPS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200


# ----------------------------------------------------------------------------------------------- /metrics


@pytest.mark.django_db
def test_metrics_count_the_cases_in_the_workflow_by_status_and_light_as_the_database_does(client, cast):
    late = [new_case(cast.worker_a, MICRO_CATEGORY) for _ in range(2)]
    sweep_deadlines(now=late[0].due_at + dt.timedelta(minutes=1))  # past their due time, before escalation
    new_case(cast.worker_a)
    metrics = scrape(client)
    in_workflow = [*OPEN, Status.CLOSED]
    by_status = {s: metrics[("haidian_cases", (("status", s),))] for s in in_workflow}
    by_light = {light: metrics[("haidian_open_cases_by_light", (("light", light),))] for light in Light.values}
    assert by_status == {s: Case.objects.filter(status=s).count() for s in in_workflow}
    assert by_light == {light: Case.objects.filter(status__in=OPEN, light=light).count() for light in Light.values}
    assert (sum(by_status.values()), by_light[Light.RED], by_light[Light.GREEN]) == (3, 2, 1)


@pytest.mark.django_db
def test_the_sweep_lag_is_the_age_of_the_oldest_deadline_not_yet_swept(client, cast):
    case = new_case(cast.worker_a, MICRO_CATEGORY, now=timezone.now() - dt.timedelta(days=7))
    lag = scrape(client)[("haidian_sweep_lag_seconds", ())]
    assert lag == pytest.approx((timezone.now() - case.next_due_at).total_seconds(), abs=5)
    sweep_deadlines()
    assert scrape(client)[("haidian_sweep_lag_seconds", ())] == 0


@pytest.mark.django_db
def test_metrics_show_the_outbox_depth_the_heartbeat_age_and_the_requests(client):
    people = [get_user_model().objects.create_user(username=f"p{n}", email=f"p{n}@example.org") for n in range(2)]
    notify([Notice(kind=Notification.Kind.ASSIGNED, users=people, message="新任务", subject="C-1")])
    record_heartbeat(now=timezone.now() - dt.timedelta(seconds=90))
    client.get("/livez")
    metrics = scrape(client)
    assert metrics[("haidian_notification_outbox_depth", ())] == outbox_depth() == 2
    assert metrics[("haidian_beat_heartbeat_age_seconds", ())] == pytest.approx(90, abs=5)
    assert metrics[("django_http_responses_total_by_status_view_method_total",
                    (("method", "GET"), ("status", "200"), ("view", "livez")))] >= 1


# ----------------------------------------------------------------------------------------- logs and Sentry


# What django.setup() does with the settings' logging, without loading every app (a third of the time): the logs and
# Sentry are configured by the settings module alone.
CONFIGURE_LOGGING = ("from django.conf import settings; from django.utils.log import configure_logging; "
                     "configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)")


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    """``code`` after the production settings with ``env`` are loaded and their logging configured."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "haidian.settings", "DEBUG": "0",
           "SECRET_KEY": "k8#vP2x!qLm9@wZr4$Tn7^Yb1&Hc6*Jd3(Fs5)Gu0-Ea_Ri+Ok=Wl~Qp;Xt:Vy", **env}
    for name in [name for name, value in env.items() if value is None]:
        del env[name]
    result = subprocess.run([sys.executable, "-c", f"{CONFIGURE_LOGGING}\n{code}"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


LOG = "import logging; logging.getLogger('cases.sweeps').warning('工单 %s 已超时', 'HD20260101000001')"


def test_production_logs_are_one_json_object_a_line():
    line = json.loads(run_django(LOG, LOG_FORMAT=None).stderr)
    assert (line["message"], line["level"], line["logger"]) == ("工单 HD20260101000001 已超时", "WARNING",
                                                                 "cases.sweeps")
    assert dt.datetime.strptime(line["time"][:19], "%Y-%m-%d %H:%M:%S")


def test_the_demo_logs_text_and_log_format_says_otherwise():
    assert run_django(LOG, DEBUG="1", LOG_FORMAT=None).stderr.rstrip().endswith(
        "WARNING cases.sweeps: 工单 HD20260101000001 已超时")
    assert json.loads(run_django(LOG, DEBUG="1", LOG_FORMAT="json").stderr)["message"] == "工单 HD20260101000001 已超时"


def test_sentry_is_on_only_with_a_dsn_and_sends_no_personal_data():
    show = ("import json, sentry_sdk; client = sentry_sdk.get_client()\n"
            "print(json.dumps({'active': client.is_active(), 'pii': client.options['send_default_pii'],"
            " 'environment': client.options['environment'], 'traces': client.options['traces_sample_rate'],"
            " 'integrations': sorted(client.integrations)}))")
    assert json.loads(run_django(show, SENTRY_DSN=None).stdout)["active"] is False
    on = json.loads(run_django(show, SENTRY_DSN="https://public@sentry.invalid/1", SENTRY_ENVIRONMENT="staging").stdout)
    assert {key: on[key] for key in ("active", "pii", "environment", "traces")} == {
        "active": True, "pii": False, "environment": "staging", "traces": 0.0}
    assert {"django", "celery"} <= set(on["integrations"])
