"""Servers the bench starts and always stops: gunicorn over a throwaway database, on loopback."""
from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench import PROJECT_ROOT
from bench.table import MeasurementError

HOST = "127.0.0.1"
# One secret for the whole run: the test client and every gunicorn share it.
RUN_SECRET = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32)


def log(message: str) -> None:
    """Progress goes to stderr, so stdout carries only the table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def app_environment(database_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment for `flask` and gunicorn: plain http on loopback, a throwaway database."""
    env = dict(os.environ)
    # The app refuses to serve without its public address (`make bench` sets one): loopback here.
    env.setdefault("PUBLIC_BASE_URL", f"http://{HOST}")
    env.update({
        "FLASK_APP": "wsgi.py",
        "SECRET_KEY": RUN_SECRET,
        "DATABASE_URL": database_url,
        "UPLOAD_FOLDER": str(workdir / "attachments"),
        "SESSION_COOKIE_SECURE": "false",
        "HOST": HOST,
        "WEB_CONCURRENCY": "2",
        "PYTHONDONTWRITEBYTECODE": "1",
        # Thousands of made-up reports must never alert anyone: no webhook, and mail only to a
        # loopback port where nothing listens (the discard port).
        "ALERT_WEBHOOK_URL": "",
        "MAIL_SERVER": HOST,
        "MAIL_PORT": "9",
    })
    env.update(extra)
    return env



def create_bench_app(database_url: str, workdir: Path):
    """create_app() over this database, with the bench's environment set only while the factory
    reads it (the bench's own process keeps its environment)."""
    wanted = app_environment(database_url, workdir)
    names = ("SECRET_KEY", "DATABASE_URL", "UPLOAD_FOLDER", "ALERT_WEBHOOK_URL", "MAIL_SERVER", "MAIL_PORT",
             "PUBLIC_BASE_URL")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: wanted[name] for name in names})
    try:
        from app import create_app

        return create_app({"SESSION_COOKIE_SECURE": False})
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

def upgrade_database(database_url: str, workdir: Path) -> None:
    """The schema the app's migrations build: `flask db upgrade heads`."""
    env = app_environment(database_url, workdir)
    done = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade", "heads"], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise MeasurementError(f"flask db upgrade heads failed: {tail(done.stderr or done.stdout)}")


@contextmanager
def workspace(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"noticed-bench-{prefix}-") as tmp:
        yield Path(tmp)


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    url = f"sqlite:///{workdir / 'noticed.db'}"
    upgrade_database(url, workdir)
    yield url


@dataclass
class Server:
    port: int
    log_path: Path
    pid: int

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def errors(self, since: int = 0, limit: int = 3) -> str:
        """The exceptions the server logged after byte `since`, most frequent first ("" if none)."""
        with open(self.log_path, "rb") as handle:
            handle.seek(since)
            text = handle.read().decode("utf-8", errors="replace")
        found = Counter(match.group(0).strip()[:160] for match in EXCEPTION_LINE.finditer(text))
        return "; ".join(f"{n}× {line}" for line, n in found.most_common(limit))


# The last line of a Python traceback: "sqlalchemy.exc.OperationalError: (...) database is locked".
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b:?.*$", re.MULTILINE)


@contextmanager
def gunicorn(target: str, env: dict[str, str], workdir: Path, ready_path: str = "/") -> Iterator[Server]:
    """`gunicorn -c gunicorn.conf.py <target>` on a free loopback port; stopped on the way out."""
    port = free_port()
    env = {**env, "PORT": str(port), "HOST": HOST}
    log_path = workdir / f"gunicorn-{target.replace(':', '_')}-{port}.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", target],
            cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_ready(process, port, ready_path, log_path)
        yield Server(port, log_path, process.pid)
    finally:
        stop(process)


def stop(process: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM to the process we started (gunicorn's master stops its workers), then SIGKILL."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        # Only our own process group: the master and the workers it forked.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def _wait_until_ready(process: subprocess.Popen, port: int, path: str, log_path: Path, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MeasurementError(f"gunicorn exited with {process.returncode}: {tail(log_path.read_text(errors='replace'))}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", path, headers={"Accept-Language": "en"})
            status = connection.getresponse().status
            connection.close()
            if status < 500:
                return
            last_error = f"HTTP {status}"
        except OSError as error:
            last_error = str(error)
        time.sleep(0.2)
    stop(process)
    raise MeasurementError(f"gunicorn not ready after {timeout:.0f} s ({last_error}): {tail(log_path.read_text(errors='replace'))}")


def tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:]) or "(no output)"
