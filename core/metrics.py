"""/metrics for Prometheus: django-prometheus's request metrics, the process's, and the platform's own gauges.

The gauges are computed when scraped, by collectors that register themselves on import (the kernel's here, the
case engine's in cases.metrics), from cheap queries only.
"""
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily

from .health import heartbeat_age, ops_allowed
from .notifications import outbox_depth


def _families():
    return (
        GaugeMetricFamily("haidian_notification_outbox_depth",
                          "Notifications waiting to be mailed; near zero while the outbox drains (every minute)."),
        GaugeMetricFamily("haidian_beat_heartbeat_age_seconds",
                          "Seconds since a worker last ran the heartbeat task beat sends every minute (+Inf: never)."),
    )


class KernelCollector:
    def describe(self):
        return _families()  # names only: registering must not query the database

    def collect(self):
        outbox, heartbeat = _families()
        outbox.add_metric([], outbox_depth())
        age = heartbeat_age()
        heartbeat.add_metric([], float("inf") if age is None else age.total_seconds())
        return outbox, heartbeat


REGISTRY.register(KernelCollector())


def metrics(request):
    if not ops_allowed(request):
        return HttpResponseForbidden()
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
