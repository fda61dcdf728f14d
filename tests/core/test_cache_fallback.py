"""Redis stopped: pages and the API still answer, and the login lockout and the public-submission limits hold per
process instead of vanishing (core/cache.py). Each test runs its own redis-server, so stopping it disturbs nobody."""
import io
import logging
import shutil
import socket
import time

import pytest
import redis
from django.core.cache import cache
from django.core.management import call_command
from django_ratelimit.checks import check_caches
from rest_framework.test import APIClient

from tests.conftest import GRID_A, PASSWORD
from tests.servers import PrivateRedis

pytestmark = pytest.mark.django_db

RETRY_SECONDS = 0.5
TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
REPORT = "/public/report/"
PROPOSALS = "/api/v1/community/public/matters/"
OPEN311 = "/open311/v2/requests.json"
BAD_REPORT = {"category": "E0102", "description": "路边垃圾", "address": "", "lat": "north", "lng": "116.3"}
PROPOSAL = {"community": GRID_A[:12], "title": "建议", "description": "内容"}


def fallback_caches(location: str, retry_seconds: float = RETRY_SECONDS) -> dict:
    return {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": location,
                        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25,
                                    "FALLBACK_RETRY_SECONDS": retry_seconds}}}


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The production cache, on the private server (changing CACHES makes Django open its caches anew)."""
    settings.CACHES = fallback_caches(redis_server.url)
    return redis_server


@pytest.fixture
def cache_log(caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")
    return lambda: [record.getMessage() for record in caplog.records if record.name == "core.cache"]


def open311_key() -> str:
    out = io.StringIO()
    call_command("create_open311_key", "12345热线", stdout=out)
    return out.getvalue().strip()


def test_with_redis_up_every_process_counts_in_redis(redis_cache, client):
    APIClient().post(TOKEN, {"username": "nobody", "password": "guess"})
    APIClient().post(PROPOSALS, PROPOSAL)
    client.post(REPORT, BAD_REPORT)
    keys = redis_cache.keys()
    assert {":1:throttle_auth_127.0.0.1", ":1:throttle_public_submit_127.0.0.1"} <= keys  # DRF's throttles
    assert any(key.startswith(":1:rl:") for key in keys)  # django-ratelimit's public report limit


def test_with_redis_stopped_pages_and_the_api_answer(redis_cache, cast, api_as, client, cache_log):
    redis_cache.stop()
    assert api_as(cast.dispatcher_a).get("/api/v1/cases/").status_code == 200
    client.force_login(cast.dispatcher_a)
    assert client.get("/cases/").status_code == 200
    assert client.get("/cases/dashboard/").status_code == 200  # its figures are cached
    key = open311_key()
    client.logout()
    posted = client.post(OPEN311, {"api_key": key, "service_code": "E0102", "lat": "39.9923", "long": "116.3521",
                                   "address_string": "学院路20号", "description": "路边暴露垃圾"})
    assert posted.status_code == 201
    assert len(cache_log()) == 1 and "unreachable" in cache_log()[0]  # said once, not at every call


def test_with_redis_stopped_the_public_submission_limits_hold_in_the_process(redis_cache, client, settings):
    settings.PUBLIC_REPORT_RATE = "3/h"
    redis_cache.stop()
    assert [client.post(REPORT, BAD_REPORT).status_code for _ in range(4)] == [400, 400, 400, 429]
    resident = APIClient()  # THROTTLE_PUBLIC_SUBMIT: 10 an hour
    assert [resident.post(PROPOSALS, PROPOSAL).status_code for _ in range(11)] == [201] * 10 + [429]


def test_with_redis_stopped_guessing_passwords_is_still_throttled_and_locked_out(redis_cache, cast, client, settings):
    redis_cache.stop()
    guesses = [APIClient().post(TOKEN, {"username": "nobody", "password": "guess"}).status_code for _ in range(11)]
    assert guesses == [400] * 10 + [429]  # THROTTLE_AUTH 10/min per address
    limit = settings.AXES_FAILURE_LIMIT
    logins = [client.post(LOGIN, {"username": "worker_a", "password": "wrong"}) for _ in range(limit)]
    assert [login.status_code for login in logins] == [200] * (limit - 1) + [429]
    locked = client.post(LOGIN, {"username": "worker_a", "password": PASSWORD})
    assert locked.status_code == 429 and "registration/locked_out.html" in [t.name for t in locked.templates]


def test_when_redis_answers_again_the_cache_is_shared_again(redis_cache, cache_log):
    redis_cache.stop()
    cache.set("during", "the outage")
    assert cache.get("during") == "the outage"  # from this process's stand-in
    redis_cache.start()
    time.sleep(RETRY_SECONDS)
    cache.set("after", "the outage")
    assert ":1:after" in redis_cache.keys()
    assert cache.get("during") is None  # the stand-in is emptied: nothing from the outage outlives it
    assert "unreachable" in cache_log()[0] and "answers again" in cache_log()[1]


def test_cache_calls_reuse_one_redis_client_through_an_outage(redis_cache, monkeypatch):
    """Django's own client builds a redis.Redis for every call, about half of the call's Python time."""
    made = []  # the cache's clients (the test server's own, which checks that it is up, are not counted)
    build = redis.Redis.__init__
    monkeypatch.setattr(redis.Redis, "__init__", lambda client, *args, **kwargs: build(client, *args, **kwargs) or (
        made.append(client) if "connection_pool" in kwargs else None))
    for n in range(10):
        cache.set(f"n{n}", n)
    redis_cache.stop()
    redis_cache.start()
    time.sleep(RETRY_SECONDS)
    for n in range(10, 20):
        cache.set(f"n{n}", n)
    assert [cache.get(f"n{n}") for n in range(10, 20)] == list(range(10, 20))
    assert len(made) == 1


def test_a_hung_redis_is_waited_on_once_per_retry_period_not_at_every_call(settings):
    with socket.create_server(("127.0.0.1", 0)) as hung:  # accepts connections and never answers
        settings.CACHES = fallback_caches(f"redis://127.0.0.1:{hung.getsockname()[1]}/0", retry_seconds=60)
        started = time.monotonic()
        for n in range(20):
            cache.set(f"n{n}", n)
        assert [cache.get(f"n{n}") for n in range(20)] == list(range(20))
        assert time.monotonic() - started < 1  # one 0.25 s timeout, not forty


def test_django_ratelimit_sees_a_shared_cache(settings):
    settings.CACHES = fallback_caches("redis://127.0.0.1:6379/11")
    assert [error.id for error in check_caches(None)] == ["django_ratelimit.W001"]  # "untested backend": silenced
