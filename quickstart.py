#!/usr/bin/env python3
"""The two commands of the README, with nothing but Python needed.

    python3 quickstart.py run     install, migrate, seed the district and demo users, serve
    python3 quickstart.py test    install (with the test extra), lint (ruff, import layers) and run the whole suite
    python3 quickstart.py bench   run the benchmarks in bench/ (needs DATABASE_URL on PostgreSQL)

Everything is installed into .venv beside this file; a second call reuses it unless
pyproject.toml changed. Without DATABASE_URL / CELERY_BROKER_URL the platform runs on a SQLite
file and a filesystem message broker, so no other server is needed.
"""
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def install(extra: str = "") -> None:
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    stamp = VENV / f".installed{extra}"
    digest = hashlib.sha256(pyproject).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    print(f"Installing {target} into .venv …", flush=True)
    result = subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(result.stdout, result.stderr, sep="\n")
        raise SystemExit("pip install failed")
    stamp.write_text(digest)


def fetch_assets() -> None:
    """The pages' JavaScript/CSS libraries come from the npm registry, pinned and hash-checked."""
    manage("fetch_assets", env={**os.environ, "DEBUG": "1"})


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, env=env)


def run(port: str = "8000") -> None:
    install()
    fetch_assets()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    manage("migrate", "--noinput", env=env)
    manage("seed_haidian", "--demo", env=env)
    worker = subprocess.Popen(
        [
            PYTHON, "-m", "celery", "-A", "haidian", "worker", "--beat",
            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
            "--concurrency", "1", "--loglevel", "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    print(f"\nThe platform is at http://127.0.0.1:{port}/  (API docs: /api/v1/docs/, admin: /admin/)\n", flush=True)
    try:
        manage("runserver", f"127.0.0.1:{port}", "--noreload", env=env)
    except KeyboardInterrupt:
        pass
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


BROWSER_PACKAGES = ["chromium", "fonts-wqy-microhei"]  # a CJK font, so screenshots show the Chinese UI


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it (and a Chinese font) when we are allowed to."""
    have_font = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").exists()
    if (shutil.which("chromium") or os.environ.get("CHROMIUM_PATH")) and have_font:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's chromium and a CJK font for the browser tests …", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", *BROWSER_PACKAGES]
        if subprocess.run(install, check=False, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=False, env=env, stdout=subprocess.DEVNULL)
            subprocess.run(install, check=True, env=env, stdout=subprocess.DEVNULL)


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
    fetch_assets()
    ensure_chromium()
    workers = os.environ.get("PYTEST_WORKERS", "auto")
    args = [PYTHON, "-m", "pytest", "-n", workers, *pytest_args]
    return subprocess.run(args, cwd=ROOT).returncode


def bench(bench_args: list[str]) -> int:
    install("dev")
    return subprocess.run([PYTHON, "-m", "bench", *bench_args], cwd=ROOT).returncode


def main() -> int:
    command, *rest = sys.argv[1:] or ["run"]
    if command == "run":
        run(*rest[:1])
        return 0
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
