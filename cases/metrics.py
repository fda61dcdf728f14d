"""The case engine's gauges for /metrics (core.metrics), computed when scraped. Imported by
CasesConfig.ready, it registers itself.

Only cases still in the workflow are counted (open, or closed and waiting for the reporter's rating): evaluated
and rejected cases only ever grow, and counting them would read the whole table on every scrape.
"""
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily

from .models import Case
from .workflow import OPEN, Light, Status

IN_WORKFLOW = (*OPEN, Status.CLOSED)


def _families():
    return (
        GaugeMetricFamily("haidian_cases", "Cases still in the workflow (open, or closed awaiting rating), by status.",
                          labels=["status"]),
        GaugeMetricFamily("haidian_open_cases_by_light", "Open cases by deadline light (green, yellow, red).",
                          labels=["light"]),
        GaugeMetricFamily(
            "haidian_sweep_lag_seconds",
            "How far the deadline sweep is behind: seconds since the oldest deadline (yellow, red, escalation, "
            "default rating) that has passed without the sweep acting on it; 0 when it has caught up. Beat runs "
            "the sweep every minute: a lag of several minutes means the sweep is not running or cannot keep up."),
    )


class CaseCollector:
    def describe(self):
        return _families()  # names only: registering must not query the database

    def collect(self):
        cases, lights, lag = _families()
        by_status, by_light = dict.fromkeys(IN_WORKFLOW, 0), dict.fromkeys(Light.values, 0)
        rows = (Case.objects.filter(status__in=IN_WORKFLOW).order_by().values_list("status", "light")
                .annotate(n=Count("id")))
        for status, light, n in rows:
            by_status[status] += n
            if status in OPEN:
                by_light[light] += n
        for status, n in by_status.items():
            cases.add_metric([status], n)
        for light, n in by_light.items():
            lights.add_metric([light], n)
        lag.add_metric([], sweep_lag_seconds())
        return cases, lights, lag


def sweep_lag_seconds() -> float:
    """One probe of the partial index the sweep itself reads (case_next_due_idx)."""
    now = timezone.now()
    oldest = Case.objects.filter(next_due_at__lte=now).aggregate(oldest=Min("next_due_at"))["oldest"]
    return (now - oldest).total_seconds() if oldest else 0.0


REGISTRY.register(CaseCollector())
