"""Case intake through the real HTTP stack: gunicorn, token auth, validation, events, notifications."""
import http.client
import json
import random
import threading
import time

from .common import gunicorn, percentile


def _bench_users(count: int) -> list[tuple[str, str]]:
    """Grid workers across the district, each with an API token."""
    from django.contrib.auth import get_user_model

    from core.tokens import token_issue
    from grids.models import Grid
    from grids.services import staff_create

    User = get_user_model()
    grids = list(Grid.objects.filter(level=Grid.Level.UNIT).order_by("code").values_list("code", "centroid_lat",
                                                                                         "centroid_lng"))
    users = []
    for index in range(count):
        code, lat, lng = grids[(index * 37) % len(grids)]
        username = f"bench-intake-{index}"
        user = User.objects.filter(username=username).first() or staff_create(
            username=username, role="grid_worker", password=None, grid_code=code)
        users.append((token_issue(user, name="bench")[1], json.dumps({"lat": lat, "lng": lng})))
    return users


def run_intake(*, cases: int, clients: int, workers: int) -> dict:
    users = _bench_users(clients)
    categories = ["E0102", "E0101", "C0101", "E0502", "E0201", "G0701", "E0601", "C0202"]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_client = cases // clients

    with gunicorn(workers=workers) as address:
        def client(index: int):
            token, point = users[index]
            point = json.loads(point)
            rng = random.Random(index)
            connection = http.client.HTTPConnection(address, timeout=30)
            for n in range(per_client):
                body = json.dumps({
                    "title": f"压测上报 {index}-{n}", "description": "基准测试:通过 HTTP 上报的问题",
                    "category": rng.choice(categories), "lat": point["lat"], "lng": point["lng"],
                    "address": "海淀区基准测试地址", "source": "grid_patrol", "urgency": "normal",
                })
                started = time.perf_counter()
                connection.request("POST", "/api/v1/cases/", body, {
                    "Content-Type": "application/json", "Authorization": f"Token {token}",
                    "Idempotency-Key": f"bench-{index}-{n}-{time.time_ns()}"})
                response = connection.getresponse()
                payload = response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status != 201:
                        errors.append(f"{response.status} {payload[:200]!r}")

        warm = http.client.HTTPConnection(address, timeout=30)
        warm.request("GET", "/healthz")
        warm.getresponse().read()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    done = len(latencies)
    return {"cases": done, "errors": len(errors), "first_error": errors[0] if errors else "", "seconds": wall,
            "rate": done / wall, "p50_ms": percentile(latencies, 0.5) * 1000,
            "p95_ms": percentile(latencies, 0.95) * 1000}
