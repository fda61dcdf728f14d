"""Case intake through the real HTTP stack, against the thinnest DRF create endpoint on the same server.

One gunicorn (the bench settings: the platform plus ``bench.bare``) serves both; wrk, a load generator outside
the server's interpreter, posts to each in turn (bare, intake, bare, intake …) with the same connections, token
auth and JSON body, and the ratio of the two rates is printed. In-process, one request of each is counted:
queries and transactions (each statement outside a transaction block counts as one).
"""
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from .common import SERVER_PIDS, gunicorn

INTAKE_PATH = "/api/v1/cases/"
BARE_PATH = "/bench/bare/notes/"
# What is measured, alternately, each against the bare endpoint: (name, path, extra headers). "bulk" is a system
# filing in bulk, which asks for a receipt instead of the case with its possible duplicates.
ENDPOINTS = [("bare", BARE_PATH, {}), ("intake", INTAKE_PATH, {}), ("bulk", INTAKE_PATH, {"Prefer": "return=minimal"})]
CATEGORIES = ["E0102", "E0101", "C0101", "E0502", "E0201", "G0701", "E0601", "C0202"]
LUA = """
local tokens = {%(tokens)s}
local points = {%(points)s}
local categories = {%(categories)s}
local threads, counter, run = 0, 0, ""
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  run = args[1]
end
function request()
  counter = counter + 1
  local i = (counter + id * 7) %% #tokens + 1
  local point = points[(counter * 7 + id * 31) %% #points + 1]
  local body = string.format(
    '{"title":"压测上报 %%d-%%d","description":"基准测试:通过 HTTP 上报的问题","category":"%%s","lat":%%.6f,' ..
    '"lng":%%.6f,"address":"海淀区基准测试地址","source":"grid_patrol","urgency":"normal"}',
    id, counter, categories[counter %% #categories + 1], point[1], point[2])
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. tokens[i],
    ["Idempotency-Key"] = string.format("%%s-%%d-%%d", run, id, counter)%(headers)s}, body)
end
"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _bench_users(count: int) -> list[tuple[str, float, float]]:
    """Grid workers across the district, each with an API token and a point in their own grid."""
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
        users.append((token_issue(user, name="bench")[1], lat, lng))
    return users


def _report_points() -> list[tuple[float, float]]:
    """Where the reports are made: the middle of every unit grid in turn, as reports come from the whole district
    (so that each one's duplicate suggestions read a realistic neighbourhood, not every earlier post of the bench)."""
    from grids.models import Grid

    return list(Grid.objects.filter(level=Grid.Level.UNIT).order_by("code").values_list("centroid_lat",
                                                                                        "centroid_lng"))


def _script(users, directory: Path, name: str, headers: dict) -> Path:
    script = directory / f"post-{name}.lua"
    script.write_text(LUA % {
        "headers": "".join(f', ["{header}"] = "{value}"' for header, value in headers.items()),
        "tokens": ", ".join(f'"{token}"' for token, _lat, _lng in users),
        "points": ", ".join(f"{{{lat:.6f}, {lng:.6f}}}" for lat, lng in _report_points()),
        "categories": ", ".join(f'"{code}"' for code in CATEGORIES),
    }, encoding="utf-8")
    return script


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _server_cpu_seconds(address: str) -> float:
    """User and system CPU time so far of the server: the gunicorn workers behind ``address``, the PostgreSQL backends
    serving this database (the bench's own connection excepted), and what their parents (the gunicorn master and the
    postmaster) have reaped of children that ended. A backend closed during a run (``CONN_MAX_AGE``) takes its time
    with it; counted through the postmaster, the delta between two readings stays the time spent between them
    (whatever other databases' backends end meanwhile counts too: the bench wants a quiet cluster). Linux /proc; 0
    elsewhere."""
    from django.db import connection

    if not hasattr(os, "sysconf"):
        return 0.0
    master = SERVER_PIDS.get(address)
    try:
        workers = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except (OSError, ValueError, TypeError):
        workers = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                       "pg_backend_pid()")
        backends = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT pg_backend_pid()")
        own = _stat(cursor.fetchone()[0])
    ticks = 0
    for fields in filter(None, map(_stat, workers + backends)):
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    parents = {master} if master else set()
    if own is not None:
        parents.add(int(own[1]))  # the postmaster (the bench's own backend's parent)
    for fields in filter(None, map(_stat, parents)):
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: children reaped
    return ticks / os.sysconf("SC_CLK_TCK")


def _wrk(address: str, path: str, script: Path, rows: Callable[[], int], *, connections: int, seconds: int) -> dict:
    """One wrk run; with the CPU time the server (workers and database backends) spent per request, a figure that
    holds on a busy machine where the rate does not. Each run's idempotency keys are its own (the script's counters
    start again at every run): a key sent by an earlier run would measure the replay of its case, not a new one.
    ``rows`` counts the endpoint's table, to tell how many requests made a new row."""
    rows_before = rows()
    before = _server_cpu_seconds(address)
    output = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", str(script), f"http://{address}{path}", "--", f"bench-{time.time_ns()}"],
        capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    cpu_ms = (_server_cpu_seconds(address) - before) * 1000
    return {"requests": requests, "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "cpu_ms": cpu_ms, "created": rows() - rows_before,
            "errors": int(errors.group(1)) if errors else 0,
            "p50_ms": _milliseconds(latency.get("50", "0us")), "p99_ms": _milliseconds(latency.get("99", "0us"))}


def _preflight(address: str, path: str, headers: dict, token: str, lat: float, lng: float) -> None:
    """One request by hand, so that a broken endpoint shows its answer instead of a rate of errors."""
    body = json.dumps({"title": "压测预检", "description": "预检", "category": CATEGORIES[0], "lat": lat, "lng": lng,
                       "address": "海淀区基准测试地址", "source": "grid_patrol", "urgency": "normal"})
    connection = http.client.HTTPConnection(address, timeout=180)  # the workers may still be importing the platform
    connection.request("POST", path, body, {"Content-Type": "application/json", "Authorization": f"Token {token}",
                                            **headers})
    response = connection.getresponse()
    payload = response.read()
    if response.status != 201:
        raise SystemExit(f"POST {path} answered {response.status}: {payload[:500]!r}")


def _total(runs: list[dict]) -> dict:
    seconds = sum(run["requests"] / run["rate"] for run in runs if run["rate"])
    requests = sum(run["requests"] for run in runs)
    return {"requests": requests, "rate": requests / seconds if seconds else 0.0,
            "cpu_ms": sum(run["cpu_ms"] for run in runs) / max(requests, 1),
            "created": sum(run["created"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "p50_ms": max(run["p50_ms"] for run in runs), "p99_ms": max(run["p99_ms"] for run in runs)}


def count_round_trips(path: str, headers: dict, token: str, lat: float, lng: float, *, repeats: int = 3) -> dict:
    """Statements (not counting BEGIN and COMMIT), transactions and cache (Redis) commands of one POST through the
    whole stack in this process (the last of a few, warm)."""
    import redis
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    transactions, cache_commands = [], []
    execute_command = redis.Redis.execute_command

    def counted_command(self, *args, **options):
        cache_commands.append(args[0])
        return execute_command(self, *args, **options)

    def count_transactions(execute, sql, params, many, context):
        if not connection.in_atomic_block:
            transactions.append(sql)  # an autocommitted statement
        return execute(sql, params, many, context)

    commit = connection.commit

    def counted_commit():
        transactions.append("COMMIT")
        commit()

    for n in range(repeats):
        transactions.clear()
        cache_commands.clear()
        body = {"title": f"计数 {n}", "description": "计数", "category": CATEGORIES[n % len(CATEGORIES)], "lat": lat,
                "lng": lng, "address": "海淀区基准测试地址", "source": "grid_patrol", "urgency": "normal"}
        with (mock.patch.object(connection, "commit", counted_commit), CaptureQueriesContext(connection) as queries,
              connection.execute_wrapper(count_transactions),
              mock.patch.object(redis.Redis, "execute_command", counted_command)):
            response = client.post(path, body, format="json", headers=headers,
                                   HTTP_IDEMPOTENCY_KEY=f"count-{time.time_ns()}")
        if response.status_code != 201:
            raise SystemExit(f"POST {path} answered {response.status_code}: {response.content[:500]!r}")
    statements = [query["sql"] for query in queries if query["sql"] not in ("BEGIN", "COMMIT")]
    return {"queries": len(statements), "transactions": len(transactions), "cache": len(cache_commands)}


def run_intake(*, connections: int, workers: int, seconds: int, rounds: int) -> dict:
    """The endpoints alternately, ``rounds`` times each after a short warm-up of each; every rate is also given as a
    ratio to the bare endpoint's."""
    from cases.models import Case

    from .bare.models import Note, ensure_table

    if shutil.which("wrk") is None:
        raise SystemExit("The intake bench drives the server with wrk: apt-get install wrk")
    ensure_table()
    users = _bench_users(max(connections, 8))
    token, lat, lng = users[0]
    counts = {name: count_round_trips(path, headers, token, lat, lng) for name, path, headers in ENDPOINTS}
    runs = {name: [] for name, _path, _headers in ENDPOINTS}
    rows = {path: (Note if path == BARE_PATH else Case).objects.count for _name, path, _headers in ENDPOINTS}
    with tempfile.TemporaryDirectory() as directory, gunicorn(workers=workers) as address:
        scripts = {name: _script(users, Path(directory), name, headers) for name, _path, headers in ENDPOINTS}
        for name, path, headers in ENDPOINTS:
            _preflight(address, path, headers, token, lat, lng)
            _wrk(address, path, scripts[name], rows[path], connections=connections, seconds=3)
        for _round in range(rounds):
            for name, path, _headers in ENDPOINTS:
                runs[name].append(_wrk(address, path, scripts[name], rows[path], connections=connections,
                                       seconds=seconds))
    totals = {name: _total(name_runs) for name, name_runs in runs.items()}
    bare = totals["bare"]
    for name, total in totals.items():
        total["ratio"] = total["rate"] / bare["rate"] if bare["rate"] else 0.0
        total["cpu_ratio"] = bare["cpu_ms"] / total["cpu_ms"] if total["cpu_ms"] else 0.0
        # Each round's own ratio, to the bare run just before it: the machine's speed drifts within a bench (by a fifth
        # over minutes on a shared machine), and a round's pair shares the drift.
        total["round_ratios"] = [run["rate"] / base["rate"] if base["rate"] else 0.0
                                 for run, base in zip(runs[name], runs["bare"], strict=True)]
    return {"runs": totals, "counts": counts}
