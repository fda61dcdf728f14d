"""The platform's cache: Redis, shared by every process, and a per-process stand-in while Redis does not answer.

The limits count in the cache (DRF's throttles, django-ratelimit's public report and Open311 limits), and so do the
cached scopes and permissions every request reads. With Django's own RedisCache, a stopped Redis makes every request
a 500; failing open instead would drop the limits. ``FallbackRedisCache`` serves each operation from a LocMemCache of
this process while Redis is away: pages and the API keep answering, and a limit holds per process (looser by the
number of processes, never gone). Login lockout needs neither: django-axes keeps its attempts in the database.

A dead Redis is not waited on at every call: after a failure, calls go straight to the stand-in, and one call every
``FALLBACK_RETRY_SECONDS`` (an OPTIONS entry, default 5) tries Redis again; set short socket timeouts in OPTIONS so
that try is cheap too. When Redis answers, the stand-in is emptied, so nothing the outage cached outlives it. What the
outage wrote never reaches Redis: entries cached there before it (scopes, permissions) may be stale until they expire.
"""
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 5.0
REPORT_SECONDS = 60.0  # while Redis stays away, the warning is repeated this often, not at every call
STAND_IN_MAX_ENTRIES = 20_000  # room for every client's counters (LocMemCache's default, 300, would cull them)


class _Outage:
    """One process's knowledge of one Redis being away, shared by the cache's per-thread instances."""

    def __init__(self, retry_seconds: float):
        self.retry_seconds = retry_seconds
        self.since: float | None = None  # when Redis stopped answering; None while it answers
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._reported_at = 0.0

    def may_try(self) -> bool:
        """Whether this call goes to Redis: every call while Redis answers; one per retry period while it does not
        (the caller that gets True is the probe, and the others keep to the stand-in meanwhile)."""
        if self.since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if now < self._retry_at:
                return False
            self._retry_at = now + self.retry_seconds
            return True

    def failed(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self._retry_at = now + self.retry_seconds
            if self.since is None:
                self.since = self._reported_at = now
                logger.warning("Redis cache unreachable (%s): limits and cached values are kept per process "
                               "until it answers again", error)
            elif now - self._reported_at >= REPORT_SECONDS:
                self._reported_at = now
                logger.warning("Redis cache still unreachable after %.0f s (%s)", now - self.since, error)

    def answered(self) -> bool:
        """Redis answered: True for the call that ends an outage."""
        if self.since is None:
            return False
        with self._lock:
            if self.since is None:
                return False
            logger.warning("Redis cache answers again after %.0f s: limits are shared again",
                           time.monotonic() - self.since)
            self.since = None
            return True


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(location: str, retry_seconds: float) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage(retry_seconds))


class ClientPerPool(RedisCacheClient):
    """Django's Redis client with one ``redis.Redis`` per connection pool, made once. Django's own makes one for every
    command, and redis-py builds each from scratch (its table of about 170 reply parsers copied every time): about
    half of a cache call's Python time. A ``redis.Redis`` is safe to share: it takes a connection from the pool for each
    command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FallbackRedisCache(RedisCache):
    """Django's RedisCache, served from this process's memory while Redis does not answer (see the module)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = float(options.pop("FALLBACK_RETRY_SECONDS", RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})  # the rest of OPTIONS goes to redis-py
        self._class = ClientPerPool
        location = ",".join(self._servers)
        self._outage = _outage_of(location, retry_seconds)
        # Named by the location, so every thread's instance shares the one stand-in of this process.
        self._stand_in = LocMemCache(f"{__name__}:{location}",
                                     {**params, "OPTIONS": {"MAX_ENTRIES": STAND_IN_MAX_ENTRIES}})

    def _serve(self, operation: str, *args, **kwargs):
        """``operation`` on Redis, or on the stand-in while Redis is away."""
        if self._outage.may_try():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except UNREACHABLE as error:
                self._outage.failed(error)
            else:
                if self._outage.answered():
                    self._stand_in.clear()
                return result
        return getattr(self._stand_in, operation)(*args, **kwargs)

    # Every operation of RedisCache; BaseCache builds the rest (get_or_set, decr, the async ones…) on these.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._serve("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._serve("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._serve("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._serve("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._serve("delete", key, version)

    def get_many(self, keys, version=None):
        return self._serve("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._serve("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._serve("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._serve("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._serve("delete_many", keys, version)

    def clear(self):
        return self._serve("clear")
