"""Shared plumbing of the benchmarks: Django set-up on PostgreSQL, a gunicorn server, statistics."""
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",  # the platform plus bench.bare
    "DEBUG": "0",
    "HTTPS": "0",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "THROTTLE_USER": "1000000/min",
    "LOG_LEVEL": "ERROR",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "CELERY_BROKER_URL": "memory://",
}


def setup_django() -> None:
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://user@host:5432/haidian_bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _create_database_if_missing()


def _create_database_if_missing() -> None:
    """The bench's database is its own (the generator empties the case tables): on a fresh machine it is made here,
    as the test runner makes its test databases, through the server's maintenance database."""
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
        return
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    print(f"Created the database {name}.", flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{label:<44} p50 {percentile(ms, 0.5):7.1f} ms   p95 {percentile(ms, 0.95):7.1f} ms   "
            f"mean {statistics.mean(ms):7.1f} ms   (n={len(ms)})")


SERVER_PIDS: dict[str, int] = {}  # address -> gunicorn master, for the CPU accounting of the intake bench


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int, threads: int = 1):
    """A production-like server (gunicorn, DEBUG off) on a free local port."""
    port = free_port()
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in BENCH_ENV.items()}}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "haidian.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.2)
        SERVER_PIDS[f"127.0.0.1:{port}"] = process.pid
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
