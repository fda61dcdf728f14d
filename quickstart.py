#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python needed.

    python3 quickstart.py run [PORT]  install, migrate, seed the district and the demo, serve (Ctrl-C stops)
    python3 quickstart.py test        install (with the test extra), lint (ruff, import layers), run the suite
    python3 quickstart.py bench       run the benchmarks in bench/ (needs DATABASE_URL on PostgreSQL; --quick: small)

Everything is installed into .venv beside this file; a second call reuses it unless
pyproject.toml changed. Without DATABASE_URL / CELERY_BROKER_URL the platform runs on a SQLite
file and a filesystem message broker, so no other server is needed.
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def install(extra: str = "", *, quiet: bool = False) -> str:
    """Install the platform (with an extra) into .venv; returns what was done. ``quiet``: no output
    unless pip fails (the run command prints its own progress line)."""
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    stamp = VENV / f".installed{extra}"
    digest = hashlib.sha256(pyproject).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return "up to date"
    if not PYTHON.exists():
        if not quiet:
            print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    if not quiet:
        print(f"Installing {target} into .venv …", flush=True)
    result = _pip(["install", "--quiet", "-e", target], uv=_has_uv())
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n")
        raise SystemExit("pip install failed")
    stamp.write_text(digest)
    return "installed"


def _has_uv() -> bool:
    """uv (from PyPI, into .venv) installs the platform in about 8 s where pip takes about 40; without it (an
    index that lacks it, say) pip does the work, as before."""
    if subprocess.run([PYTHON, "-m", "uv", "--version"], capture_output=True).returncode == 0:
        return True
    return _pip(["install", "--quiet", "uv"], uv=False).returncode == 0


def _pip(arguments: list[str], *, uv: bool) -> subprocess.CompletedProcess:
    command = ([PYTHON, "-m", "uv", "pip", *arguments, "--python", PYTHON] if uv
               else [PYTHON, "-m", "pip", "--disable-pip-version-check", *arguments])
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def fetch_assets() -> str:
    """The pages' JavaScript/CSS libraries come from the npm registry, pinned and hash-checked (core/assets.py, which
    needs only the standard library: found up to date without starting Django). What was installed, or "up to date"."""
    from core.assets import AssetError, install_all

    try:
        done = install_all(ROOT / "static" / "vendor")
    except (AssetError, OSError) as error:
        raise PhaseFailed(f"Could not fetch the front-end assets from the npm registry: {error}") from error
    return ", ".join(done) if done else "up to date"


# ---------------------------------------------------------------- run: a short summary, then serve

LOGS = ROOT / "var" / "log"
PHASES = 5


class PhaseFailed(Exception):
    pass


class Phase:
    """One progress line: "[n/5] what …" and, when it is over, how it went and how long it took.
    Output of the commands run inside is kept and shown only if the phase fails."""

    number = 0

    def __init__(self, title: str):
        Phase.number += 1
        self.title = title
        self.started = time.monotonic()
        print(f"  [{Phase.number}/{PHASES}] {title} …", end=" ", flush=True)

    def done(self, outcome: str = "done") -> None:
        print(f"{outcome} ({time.monotonic() - self.started:.1f} s)", flush=True)

    def run(self, *args: str, env: dict) -> str:
        """A manage.py command, its output captured; on failure the output is shown and the run stops."""
        result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            print("failed\n", flush=True)
            print((result.stdout + result.stderr).strip(), file=sys.stderr, flush=True)
            raise PhaseFailed(f"{self.title} failed (manage.py {' '.join(args)}).")
        return result.stdout


def _database(env: dict) -> str:
    url = env.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return "PostgreSQL"
    return f"SQLite {url.removeprefix('sqlite:///') or 'db.sqlite3'}"


def _port_free(port: str) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", int(port)))
        except OSError:
            return False
    return True


def _wait_for_port(port: str, server: subprocess.Popen, timeout: float = 60) -> bool:
    """Until the server accepts connections (True), or it exits or the time is up (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _start(command: list, log: Path, env: dict) -> subprocess.Popen:
    """A child in its own session (Ctrl-C reaches only this script, which stops it in order) with its
    output in a log file."""
    with open(log, "wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True)


def _stop(processes: list[subprocess.Popen], timeout: float = 20) -> None:
    """SIGTERM to each (the worker finishes its task and stops beat), then SIGKILL to the whole group
    (its own session: the worker's pool and beat children) of any still running after ``timeout``."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.wait()


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def run(port: str = "8000") -> int:
    """Install, fetch assets, migrate, seed the district and the demo, start the web server and the
    Celery worker (with beat); print one line per phase, then the URL and the demo logins, and
    nothing more until Ctrl-C."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # SIGINT too: a shell may start us with it ignored
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _interrupted)
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1"), "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    print("海淀区网格化社会服务管理平台 · quick start", flush=True)
    processes: list[subprocess.Popen] = []
    try:
        if not _port_free(port):
            raise PhaseFailed(f"Port {port} is in use: stop what runs there, or choose another port, "
                              f"e.g. python3 quickstart.py run {int(port) + 1}")
        phase = Phase("Installing the platform into .venv")
        phase.done(install(quiet=True))
        phase = Phase("Front-end assets from the npm registry")
        phase.done(fetch_assets())
        phase = Phase(f"Database ({_database(env)})")
        phase.run("migrate", "--noinput", "--verbosity", "0", env=env)
        phase.done("migrated")
        phase = Phase("District and demo data")
        seeded = json.loads(phase.run("seed_haidian", "--demo", "--json", env=env).strip().splitlines()[-1])
        phase.done("; ".join(seeded["summary"]))
        phase = Phase("Starting the web server and the Celery worker")
        LOGS.mkdir(parents=True, exist_ok=True)
        web_log, worker_log = LOGS / "web.log", LOGS / "worker.log"
        worker_env = {**env, "C_FORCE_ROOT": "1",
                      "PYTHONWARNINGS": "ignore:You're running the worker with superuser privileges"}
        processes.append(_start([PYTHON, "-m", "celery", "-A", "haidian", "--quiet", "worker", "--beat",
                                 "--scheduler", "core.beat:LeaderDatabaseScheduler",
                                 "--concurrency", "1", "--loglevel", "warning"],
                                worker_log, worker_env))
        server = _start([PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                        web_log, env)
        processes.append(server)
        if not _wait_for_port(port, server):
            print("failed\n", flush=True)
            print(_tail(web_log), file=sys.stderr, flush=True)
            raise PhaseFailed(f"The web server did not start (its log: {web_log.relative_to(ROOT)}).")
        phase.done("ready")
        print(f"""
  Ready in {time.monotonic() - started:.0f} s. The platform is at http://127.0.0.1:{port}/
  API docs /api/v1/docs/ · admin /admin/ · logs in {LOGS.relative_to(ROOT)}/ · Ctrl-C stops it.

  Demo logins (password for all: {seeded["password"]}):""", flush=True)
        for username, role, where, name in seeded["logins"]:
            print(f"    {username:<12} {role:<19} {name} · {where}", flush=True)
        while server.poll() is None:
            time.sleep(0.5)
        print(f"\nThe web server stopped (exit {server.returncode}); see {web_log.relative_to(ROOT)}.",
              file=sys.stderr, flush=True)
        return 1
    except PhaseFailed as error:
        print(error, file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        for name in ("SIGINT", "SIGTERM"):  # a second Ctrl-C must not cut the shutdown short
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        print("\n  Stopping …", end=" ", flush=True)
        _stop(processes)
        print("goodbye.", flush=True)
        return 0
    finally:
        _stop(processes, timeout=5)


# Chromium's headless shell (Debian builds it from the chromium source package: the same Blink and V8, without the
# desktop browser around them, as Playwright runs headless by default) and a CJK font, so screenshots show the Chinese
# UI. The tests fall back to the chromium package itself where only that is installed.
BROWSER_PACKAGES = ["chromium-headless-shell", "fonts-wqy-microhei"]


def ensure_debian_packages(packages: list[str], purpose: str) -> None:
    """Install Debian packages when we are allowed to (root, apt-get), refreshing the lists once if needed."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    print(f"Installing Debian's {', '.join(packages)} {purpose} …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *packages]
    if subprocess.run(install, check=False, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], check=False, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL)


def ensure_chromium() -> None:
    """Browser tests drive Debian's headless Chromium; install it (and a Chinese font) when we are allowed to."""
    have_font = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").exists()
    if (shutil.which("chromium-headless-shell") or os.environ.get("CHROMIUM_PATH")) and have_font:
        return
    ensure_debian_packages(BROWSER_PACKAGES, "and a CJK font for the browser tests")


def lint() -> int:
    """ruff, then the import contracts of pyproject.toml (the apps' layers, no import cycles)."""
    for command in ([BIN / "ruff", "check", "."], [BIN / "lint-imports", "--no-cache"]):
        print(f"$ {' '.join(str(part.name) if isinstance(part, Path) else part for part in command)}", flush=True)
        result = subprocess.run(command, cwd=ROOT)
        if result.returncode != 0:
            return result.returncode
    return 0


def test(pytest_args: list[str]) -> int:
    install("dev")
    if lint() != 0:
        return 1
    print(f"front-end assets: {fetch_assets()}", flush=True)
    ensure_chromium()
    workers = os.environ.get("PYTEST_WORKERS", "auto")
    # Work stealing: a worker that runs out takes half of what another still has queued. Under xdist's default what a
    # worker has been handed stays with it, and one was left running the crawl's last cells alone for up to 77 s.
    args = [PYTHON, "-m", "pytest", "-n", workers, "--dist", "worksteal", *pytest_args]
    return subprocess.run(args, cwd=ROOT).returncode


def bench(bench_args: list[str]) -> int:
    """The benchmarks (``bench --quick`` for a proof run at 10,000 cases). They fetch the front-end assets first: the
    pages they time link the vendored files, which the bench's collectstatic must find; intake is driven by wrk."""
    install("dev")
    print(f"front-end assets: {fetch_assets()}", flush=True)
    if not shutil.which("wrk"):
        ensure_debian_packages(["wrk"], "to drive the intake benchmark")
    return subprocess.run([PYTHON, "-m", "bench", *bench_args], cwd=ROOT).returncode


def cache_bytecode() -> None:
    """Every Python process this starts (the server, the workers, the test workers and the servers they start)
    reads compiled modules from .venv/pycache instead of compiling Django and the rest from source (uv installs
    without compiling): a ``manage.py`` start 3.8 → 1.6 s, a test worker's 17 → 8 s. A PYTHONDONTWRITEBYTECODE in the
    environment (set to keep bytecode out of the source tree) is lifted for them: the prefix keeps the tree clean."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "pycache"))


def main() -> int:
    command, *rest = sys.argv[1:] or ["run"]
    cache_bytecode()
    if command == "run":
        return run(*rest[:1])
    if command not in ("test", "bench"):
        print(__doc__)
        return 2
    try:
        return test(rest) if command == "test" else bench(rest)
    except PhaseFailed as error:
        print(error, file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
