"""List/filter latency of GET /api/v1/cases/ at district scale, through gunicorn."""
import http.client
import json
import time
from urllib.parse import unquote, urlencode

from .common import gunicorn, summary

QUERIES = [
    ("first page", {}),
    ("open, in handling", {"status": "handling"}),
    ("overdue (red)", {"overdue": "red"}),
    ("due soon or overdue", {"overdue": "any"}),
    ("one category class", {"category": "E01"}),
    ("one unit grid", {"grid": None}),
    ("small tier, dispatched", {"tier": "small", "status": "dispatched"}),
    ("created in the last 7 days", {"created_after": None}),
    ("text search", {"q": "基准案件 12345"}),
    ("by case number", {"q": None}),
    # Duplicate suggestions at intake (cases/duplicates.py): the same category near an open case's point.
    ("duplicates at a point", {"path": "duplicates/", "category": None, "lat": None, "lng": None}),
]


def _viewer(username: str, role: str, grid: str = "", department: str = ""):
    from django.contrib.auth import get_user_model

    from core.tokens import token_issue
    from grids.services import staff_create

    user = get_user_model().objects.filter(username=username).first() or staff_create(
        username=username, role=role, password=None, grid_code=grid, department_code=department)
    return token_issue(user, name="bench")[1]


def run_lists(*, repeats: int) -> list[str]:
    import datetime as dt

    from django.utils import timezone

    from cases.models import Case
    from grids.demo import XUEYUANLU
    from grids.models import Grid

    grid = Grid.objects.filter(parent__code=XUEYUANLU).order_by("code").values_list("code", flat=True).first()
    street_cases = Case.objects.filter(street__code=XUEYUANLU).order_by("-id").values_list("number", flat=True)
    sample = street_cases[min(500, street_cases.count() - 1)]  # a quick run (--quick) has fewer than 500 there
    since = (timezone.now() - dt.timedelta(days=7)).isoformat()
    point = Case.objects.filter(street__code=XUEYUANLU, status="handling").order_by("-id").values(
        "category__code", "lat", "lng").first()
    at_point = {"category": point["category__code"], "lat": point["lat"], "lng": point["lng"]}
    viewers = [
        ("street dispatcher (学院路)", _viewer("bench-dispatcher", "street_dispatcher", XUEYUANLU)),
        ("district commander", _viewer("bench-commander", "district_commander")),
        # A station's handler sees its station's and department's cases and the joint cases it was summoned to.
        ("station handler (学院路城管分队)", _viewer("bench-station", "department_handler",
                                                 department=f"urban_enforcement-{XUEYUANLU}")),
    ]
    lines = []
    with gunicorn(workers=2) as address:
        connection = http.client.HTTPConnection(address, timeout=30)

        def get(token, params):
            params = dict(params)
            path = params.pop("path", "")
            started = time.perf_counter()
            connection.request("GET", f"/api/v1/cases/{path}?{urlencode(params)}",
                               headers={"Authorization": f"Token {token}"})
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200, body[:300]
            return time.perf_counter() - started, json.loads(body)

        # A worker's first requests load its views and reference copies (100 ms and more): both workers take some (the
        # sync workers close each connection, so the next request goes to whichever accepts) before any is timed.
        for _ in range(10):
            get(viewers[0][1], {})
        for who, token in viewers:
            all_times = []
            for label, params in QUERIES:
                params = {k: (grid if k == "grid" else since if k == "created_after"
                              else sample if k == "q" and v is None else at_point[k] if k in at_point else v)
                          for k, v in params.items()}
                get(token, params)  # warm
                times = [get(token, params)[0] for _ in range(repeats)]
                all_times.extend(times)
                lines.append(summary(f"  {who}: {label}", times))
            _elapsed, first = get(token, {})
            if first.get("next"):
                cursor = unquote(first["next"].split("cursor=")[1].split("&")[0])
                times = [get(token, {"cursor": cursor})[0] for _ in range(repeats)]
                all_times.extend(times)
                lines.append(summary(f"  {who}: next page (cursor)", times))
            lines.append(summary(f"{who}: ALL list queries", all_times))
    return lines
