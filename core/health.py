"""The platform's health for the people who run it: the checks of /healthz and who may read it and /metrics.

/healthz (django-health-check) runs ``settings.HEALTH_CHECKS``: the database, the cache, the default storage, a
Celery worker answering a ping and the beat heartbeat. /livez (core.views) is the cheap liveness probe of load
balancers and docker-compose: it depends on neither the worker nor beat.
"""
import dataclasses
import datetime as dt
import hmac
import ipaddress

import celery
from asgiref.sync import sync_to_async
from celery.app import app_or_default
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.http import HttpResponseForbidden
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from .clients import client_address

# Web, worker and beat must all see the one heartbeat, whatever cache the platform has (the embedded demo's is
# per process): it lives in a table of Django's database cache, created by migration core 0005.
HEARTBEAT_TABLE = "core_heartbeat"
_heartbeats = DatabaseCache(HEARTBEAT_TABLE, {})
_HEARTBEAT_KEY = "beat"


def record_heartbeat(*, now: dt.datetime | None = None) -> None:
    _heartbeats.set(_HEARTBEAT_KEY, now or timezone.now(), timeout=None)


def heartbeat_age() -> dt.timedelta | None:
    """How long ago a worker last ran the heartbeat task that beat sends every minute (None: never)."""
    at = _heartbeats.get(_HEARTBEAT_KEY)
    return None if at is None else timezone.now() - at


@dataclasses.dataclass
class BeatHeartbeat(HealthCheck):
    """A stale heartbeat means beat (or every worker) has stopped, and with it the deadline sweep and the mail."""

    max_age: dt.timedelta = dataclasses.field(default=dt.timedelta(minutes=5), repr=False)

    async def run(self):
        # In the request's own thread, on its connection: a check thread would open one of its own.
        age = await sync_to_async(heartbeat_age)()
        if age is None:
            raise ServiceUnavailable("No heartbeat yet: is Celery beat running?")
        if age > self.max_age:
            raise ServiceUnavailable(f"Last heartbeat {age.total_seconds():.0f} s ago")


@dataclasses.dataclass
class CeleryPing(Ping):
    """django-health-check's ping without the app's memory address in its name, so the report's keys stay put."""

    app: celery.Celery = dataclasses.field(default_factory=app_or_default, repr=False)


def _relayed_by_strangers(request) -> bool:
    """More X-Forwarded-For hops than TRUSTED_PROXIES: a proxy nobody declared (a local nginx, say) would make
    everyone it relays look like itself."""
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return len(hops) > settings.TRUSTED_PROXIES


def ops_allowed(request) -> bool:
    """Only the monitoring system reads /healthz and /metrics: from ``OPS_ALLOWED_IPS`` or with ``OPS_TOKEN``."""
    token = settings.OPS_TOKEN
    if token and hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return True
    if _relayed_by_strangers(request):
        return False
    address = ipaddress.ip_address(client_address(request))  # always an address (0.0.0.0 when unknown)
    address = getattr(address, "ipv4_mapped", None) or address  # an IPv4 client of a dual-stack socket
    return any(address in ipaddress.ip_network(network) for network in settings.OPS_ALLOWED_IPS)


class HealthView(HealthCheckView):
    """The full report: HTML, or JSON with ``Accept: application/json`` or ``?format=json``; 500 if a check fails."""

    @property
    def checks(self):
        return settings.HEALTH_CHECKS

    async def dispatch(self, request, *args, **kwargs):
        if not ops_allowed(request):
            return HttpResponseForbidden()
        return await super().dispatch(request, *args, **kwargs)
