"""The command-centre figures, district-wide or for one street, from a handful of aggregates.

All open cases are read once, grouped by grid, status, tier and deadline light; every count of
open cases on the dashboard (the total, by step, by tier, by light, the street ranking, the grid
map) is summed from that table, so they add up to one another. It is kept for
``AGGREGATES_SECONDS`` (with the 30-day closures and trend) so that the screens refreshing
themselves share one scan, and stored by the beat task that recomputes it every minute as the day's
``DashboardSnapshot``, so that a cold cache costs one row, not a scan. Today's counts and the overdue lists are
always live.

What each figure counts ("today" is the Beijing calendar day, ``TIME_ZONE``):
- open: cases not yet closed (collected, filed, dispatched, handling, fed back), by step and tier;
- opened today: cases reported today, whatever their status now;
- closed today: cases verified and closed today, including those rated since;
- closed (30 days) and on-time rate: closures of the last 30 days, and the share of them with no
  step overdue;
- the three rates (三率: 响应率, 解决率, 满意率) of the cases reported in the last 30 days, read now, as
  ``rates.py`` defines them (one aggregate over the cases and one over their callbacks, by street).
"""
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict

from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.calendar import local_midnight
from core.scoping import scope_of
from grids.models import Grid
from patrols.coverage import coverage, coverage_summary

from .models import Case, DashboardSnapshot
from .rates import RateCounts, rate_counts
from .workflow import OPEN, Light, Status, Tier

TREND_DAYS = 30
AGGREGATES_SECONDS = 90  # the beat task refreshes it every minute
# How old the stored snapshot may be and still stand in for a cold cache: with beat down for longer than this, the
# first screen computes the figures itself.
SNAPSHOT_SECONDS = 600
# The shape of the stored and cached aggregates: a snapshot or cache entry of another shape is not read.
AGGREGATES_FORMAT = 2


def _aggregate(cases, since: dt.datetime) -> dict:
    """Open cases by street, status, tier and light, and by grid; the window's closures by street; the daily
    trend by street; the three rates of the window's cases by street."""
    closed = cases.filter(closed_at__gte=since)
    return {
        "format": AGGREGATES_FORMAT,
        "rates": rate_counts(cases.filter(created_at__gte=since), as_of=timezone.now(), group_by="street_id"),
        **_open_cases(cases),
        "closed": list(closed.order_by().values_list("street_id").annotate(
            closed=Count("id"), on_time=Count("id", filter=Q(overdue_steps=0)))),
        "opened_per_day": list(cases.filter(created_at__gte=since).order_by().annotate(day=TruncDate("created_at"))
                               .values_list("street_id", "day").annotate(n=Count("id"))),
        "closed_per_day": list(closed.order_by().annotate(day=TruncDate("closed_at"))
                               .values_list("street_id", "day").annotate(n=Count("id"))),
    }


def _open_cases(cases) -> dict:
    """The open cases counted once by grid, status, tier and light, and summed up here into what every dashboard
    reads: by street, status, tier and light (a few hundred rows rather than tens of thousands), and per grid the open
    and red ones under the grid's code (the map)."""
    rows = (cases.filter(status__in=OPEN).order_by().values_list("grid_id", "street_id", "status", "tier", "light")
            .annotate(n=Count("id")))
    by_street, by_grid = Counter(), {}
    for grid_id, street_id, status, tier, light, n in rows:
        by_street[street_id, status, tier, light] += n
        grid = by_grid.setdefault(grid_id, [street_id, 0, 0])
        grid[1] += n
        grid[2] += n if light == Light.RED else 0
    codes = dict(Grid.objects.using(cases.db).filter(id__in=list(by_grid)).values_list("id", "code"))
    return {"open": [[*key, n] for key, n in by_street.items()],
            "grids": [[codes[grid_id], *counts] for grid_id, counts in by_grid.items()]}


def district_aggregates(today: dt.date | None = None) -> dict:
    """The aggregates of the whole district, kept for ``AGGREGATES_SECONDS``: every street's dashboard is a slice of
    them. A cold cache reads the day's ``DashboardSnapshot`` that beat stored (``district_aggregates_refresh``), or,
    with none fresh, computes them in memory: a page only reads, it never writes the snapshot."""
    today = today or timezone.localdate()
    key = _aggregates_key(today)
    figures = cache.get(key)
    if figures is None:
        figures = _stored_aggregates(today) or _computed_aggregates(today)
        cache.set(key, figures, AGGREGATES_SECONDS)
    return figures


def district_aggregates_refresh(today: dt.date | None = None) -> dict:
    """Beat's every minute: compute the aggregates, store them as the day's snapshot (earlier days' go) and cache
    them."""
    today = today or timezone.localdate()
    figures = _computed_aggregates(today)
    DashboardSnapshot.objects.update_or_create(
        day=today, defaults={"computed_at": timezone.now(), "figures": _encoded(figures)})
    DashboardSnapshot.objects.filter(day__lt=today).delete()
    cache.set(_aggregates_key(today), figures, AGGREGATES_SECONDS)
    return figures


def _aggregates_key(today: dt.date) -> str:
    return f"dashboard:district:{AGGREGATES_FORMAT}:{today}"


def _computed_aggregates(today: dt.date) -> dict:
    database = router.db_for_read(Case)  # the read replica for a page (and for beat's refresh), if there is one
    with transaction.atomic(using=database):
        if connections[database].vendor == "postgresql":
            with connections[database].cursor() as cursor:  # room to aggregate in memory rather than on disk
                cursor.execute("SET LOCAL work_mem = '64MB'")
        return _aggregate(Case.objects.using(database), local_midnight(today - dt.timedelta(days=TREND_DAYS - 1)))


def _stored_aggregates(today: dt.date) -> dict | None:
    fresh_from = timezone.now() - dt.timedelta(seconds=SNAPSHOT_SECONDS)
    stored = DashboardSnapshot.objects.filter(day=today, computed_at__gte=fresh_from).values_list(
        "figures", flat=True).first()
    return None if stored is None or stored.get("format") != AGGREGATES_FORMAT else _decoded(stored)


def _encoded(figures: dict) -> dict:
    """The aggregates as JSON: days as ISO dates, the rates' counts as objects keyed by street id."""
    return {**figures,
            "rates": {str(street_id): asdict(counts) for street_id, counts in figures["rates"].items()},
            "opened_per_day": [[s, day.isoformat(), n] for s, day, n in figures["opened_per_day"]],
            "closed_per_day": [[s, day.isoformat(), n] for s, day, n in figures["closed_per_day"]]}


def _decoded(stored: dict) -> dict:
    return {**stored,
            "rates": {int(street_id): RateCounts(**counts) for street_id, counts in stored["rates"].items()},
            "opened_per_day": [(s, dt.date.fromisoformat(day), n) for s, day, n in stored["opened_per_day"]],
            "closed_per_day": [(s, dt.date.fromisoformat(day), n) for s, day, n in stored["closed_per_day"]]}


def dashboard_figures(user, street: Grid | None = None) -> dict:
    cases = Case.objects.visible_to(user)
    if street is not None:
        cases = cases.filter(street=street)
    today = timezone.localdate()
    since = local_midnight(today - dt.timedelta(days=TREND_DAYS - 1))
    # The district's and each whole street's figures are slices of one shared table; a scope
    # that covers only part of a street (a department, say) is computed on its own.
    scope = scope_of(user)
    if scope.everywhere or (street is not None and scope.covers(street.code)):
        aggregates = district_aggregates(today)
    else:
        aggregates = _aggregate(cases, since)

    by_status = dict.fromkeys(OPEN, 0)  # open cases by step: they add up to "open"
    by_tier = dict.fromkeys(Tier.values, 0)
    lights = dict.fromkeys(Light.values, 0)
    per_street: dict[int, dict] = defaultdict(lambda: {"open": 0, "yellow": 0, "red": 0})
    in_view = (lambda street_id: street_id == street.id) if street is not None else (lambda street_id: True)
    for street_id, status, tier, light, n in aggregates["open"]:
        if not in_view(street_id):
            continue
        by_status[status] += n
        by_tier[tier] += n
        lights[light] += n
        per_street[street_id]["open"] += n
        if light != Light.GREEN:
            per_street[street_id][light] += n

    closed_by_street = {street_id: {"closed": closed, "on_time": on_time}
                        for street_id, closed, on_time in aggregates["closed"] if in_view(street_id)}
    closed_total = sum(r["closed"] for r in closed_by_street.values())
    on_time_total = sum(r["on_time"] for r in closed_by_street.values())

    opened_per_day, closed_per_day = defaultdict(int), defaultdict(int)
    for street_id, day, n in aggregates["opened_per_day"]:
        if in_view(street_id):
            opened_per_day[day] += n
    for street_id, day, n in aggregates["closed_per_day"]:
        if in_view(street_id):
            closed_per_day[day] += n
    days = [today - dt.timedelta(days=offset) for offset in range(TREND_DAYS - 1, -1, -1)]
    rates = sum((counts for street_id, counts in aggregates["rates"].items() if in_view(street_id)), RateCounts())

    # Every street and town is ranked, those without cases too (the district view; a street's own
    # view ranks just itself): by on-time closure over 30 days, then fewer overdue, then more closed;
    # streets that closed nothing in the window come after those that did.
    streets = Grid.objects.filter(level=Grid.Level.STREET).values_list("id", "code", "name")
    ranking = []
    for street_id, code, name in streets:
        if not in_view(street_id):
            continue
        closed = closed_by_street.get(street_id, {"closed": 0, "on_time": 0})
        ranking.append({
            "code": code, "name": name, **per_street[street_id],
            "closed_30d": closed["closed"],
            "on_time_rate": round(100 * closed["on_time"] / closed["closed"], 1) if closed["closed"] else None,
        })
    ranking.sort(key=lambda r: (r["on_time_rate"] is None, -(r["on_time_rate"] or 0), r["red"], -r["closed_30d"],
                                r["code"]))

    overdue, due_soon = (_soonest_due(cases, light) for light in (Light.RED, Light.YELLOW))
    return {
        "scope": street.name if street else None,
        "refreshed_at": timezone.localtime().strftime("%H:%M:%S"),  # Beijing time (TIME_ZONE), not the browser's
        "status_labels": {value: str(label) for value, label in Status.choices if value in OPEN},
        "tier_labels": {value: str(label) for value, label in Tier.choices},
        "by_status": by_status,
        "by_tier": by_tier,
        "lights": lights,
        "open": sum(by_status.values()),
        "opened_today": cases.filter(created_at__gte=local_midnight(today)).count(),
        "closed_today": cases.filter(closed_at__gte=local_midnight(today)).count(),
        "closed_30d": closed_total,
        "on_time_rate": round(100 * on_time_total / closed_total, 1) if closed_total else None,
        "three_rates": {"response": _percent(rates.response_rate), "resolution": _percent(rates.resolution_rate),
                        "satisfaction": _percent(rates.satisfaction_rate), "responses": rates.responses,
                        "reached": rates.reached, "rated": rates.rated},
        "trend": {"days": [d.isoformat() for d in days], "opened": [opened_per_day.get(d, 0) for d in days],
                  "closed": [closed_per_day.get(d, 0) for d in days]},
        "ranking": ranking,
        "grids": {code: {"open": n, "red": red} for code, street_id, n, red in aggregates["grids"]
                  if in_view(street_id)},
        "overdue": overdue,
        "due_soon": due_soon,
        # Grid patrols (网格巡察): plans behind and points not visited lately, live (a few grouped queries).
        "patrols": coverage_summary(coverage(user, street.code if street else None)),
    }


# What the overdue and due-soon lists show of a case (the page and ``figures_as_json``).
LISTED_FIELDS = ("number", "title", "status", "due_at", "street__name", "grid__name")


def _soonest_due(cases, light: str) -> list[Case]:
    """The open cases of this deadline light, soonest due first, with their street's and grid's names: one query."""
    return list(cases.filter(light=light, status__in=OPEN).select_related("street", "grid").only(*LISTED_FIELDS)
                .order_by("due_at")[:15])


def _percent(rate) -> float | None:
    return None if rate is None else round(float(rate) * 100, 1)


def figures_as_json(figures: dict) -> dict:
    """The dashboard figures for the page's refresh (cases reduced to what the lists show)."""
    def row(case):
        return {"number": case.number, "title": case.title, "street": case.street.name, "grid": case.grid.name,
                "status": case.get_status_display(), "due_at": case.due_at.isoformat() if case.due_at else None}

    return {**figures, "overdue": [row(c) for c in figures["overdue"]],
            "due_soon": [row(c) for c in figures["due_soon"]]}
