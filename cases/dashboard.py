"""The command-centre figures, district-wide or for one street, from a handful of aggregates.

All open cases are read once, grouped by street, grid, status, tier and deadline light; every
count on the dashboard (by status, by tier, the street ranking, the grid map) is summed from
that table. Today's and the 30-day figures use the created/closed time indexes.
"""
import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from grids.models import Grid

from .models import Case
from .selectors import cases_visible_to, with_relations
from .workflow import OPEN, Light, Status, Tier

TREND_DAYS = 30


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def dashboard_figures(user, street: Grid | None = None) -> dict:
    cases = cases_visible_to(user)
    if street is not None:
        cases = cases.filter(street=street)
    today = timezone.localdate()
    since = _local_midnight(today - dt.timedelta(days=TREND_DAYS - 1))

    by_status = dict.fromkeys(Status.values, 0)
    by_tier = dict.fromkeys(Tier.values, 0)
    lights = dict.fromkeys(Light.values, 0)
    per_street: dict[int, dict] = defaultdict(lambda: {"open": 0, "yellow": 0, "red": 0})
    per_grid: dict[int, dict] = defaultdict(lambda: {"open": 0, "red": 0})
    for row in (cases.filter(status__in=OPEN).order_by().values("street_id", "grid_id", "status", "tier", "light")
                .annotate(n=Count("id"))):
        n = row["n"]
        by_status[row["status"]] += n
        by_tier[row["tier"]] += n
        lights[row["light"]] += n
        per_street[row["street_id"]]["open"] += n
        per_grid[row["grid_id"]]["open"] += n
        if row["light"] != Light.GREEN:
            per_street[row["street_id"]][row["light"]] += n
        if row["light"] == Light.RED:
            per_grid[row["grid_id"]]["red"] += n

    closed_recently = cases.filter(closed_at__gte=since)
    closed_by_street = {
        row["street_id"]: row for row in closed_recently.order_by().values("street_id").annotate(
            closed=Count("id"), on_time=Count("id", filter=Q(overdue_steps=0)))
    }
    closed_total = sum(r["closed"] for r in closed_by_street.values())
    on_time_total = sum(r["on_time"] for r in closed_by_street.values())

    opened_per_day = dict(cases.filter(created_at__gte=since).order_by().annotate(day=TruncDate("created_at"))
                          .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
    closed_per_day = dict(closed_recently.order_by().annotate(day=TruncDate("closed_at"))
                          .values_list("day").annotate(n=Count("id")).values_list("day", "n"))
    days = [today - dt.timedelta(days=offset) for offset in range(TREND_DAYS - 1, -1, -1)]

    street_names = dict(Grid.objects.filter(level=Grid.Level.STREET).values_list("id", "name"))
    street_codes = dict(Grid.objects.filter(level=Grid.Level.STREET).values_list("id", "code"))
    ranking = []
    for street_id in set(per_street) | set(closed_by_street):
        closed = closed_by_street.get(street_id, {"closed": 0, "on_time": 0})
        ranking.append({
            "code": street_codes[street_id], "name": street_names[street_id], **per_street[street_id],
            "closed_30d": closed["closed"],
            "on_time_rate": round(100 * closed["on_time"] / closed["closed"], 1) if closed["closed"] else None,
        })
    ranking.sort(key=lambda r: (-(r["on_time_rate"] or 0), r["red"], r["code"]))
    grid_codes = dict(Grid.objects.filter(id__in=list(per_grid)).values_list("id", "code"))

    overdue = with_relations(cases.filter(light=Light.RED, status__in=OPEN)).order_by("due_at")[:15]
    due_soon = with_relations(cases.filter(light=Light.YELLOW, status__in=OPEN)).order_by("due_at")[:15]
    return {
        "scope": street.name if street else None,
        "status_labels": {value: str(label) for value, label in Status.choices},
        "tier_labels": {value: str(label) for value, label in Tier.choices},
        "by_status": by_status,
        "by_tier": by_tier,
        "lights": lights,
        "open": sum(by_status.values()),
        "opened_today": cases.filter(created_at__gte=_local_midnight(today)).count(),
        "closed_today": cases.filter(closed_at__gte=_local_midnight(today)).count(),
        "closed_30d": closed_total,
        "on_time_rate": round(100 * on_time_total / closed_total, 1) if closed_total else None,
        "trend": {"days": [d.isoformat() for d in days], "opened": [opened_per_day.get(d, 0) for d in days],
                  "closed": [closed_per_day.get(d, 0) for d in days]},
        "ranking": ranking,
        "grids": {grid_codes[gid]: figures for gid, figures in per_grid.items()},
        "overdue": list(overdue),
        "due_soon": list(due_soon),
    }


def figures_as_json(figures: dict) -> dict:
    """The dashboard figures for the page's refresh (cases reduced to what the lists show)."""
    def row(case):
        return {"number": case.number, "title": case.title, "street": case.street.name, "grid": case.grid.name,
                "status": case.get_status_display(), "due_at": case.due_at.isoformat() if case.due_at else None}

    return {**figures, "overdue": [row(c) for c in figures["overdue"]], "due_soon": [row(c) for c in figures["due_soon"]]}
