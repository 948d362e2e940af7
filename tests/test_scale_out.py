"""The report limit holds across gunicorn workers: with Redis (RATELIMIT_STORAGE_URI=redis://, the
documented way to run several workers or instances) two workers share one count; without it,
gunicorn runs one worker by default and refuses to start two. gunicorn runs gunicorn.conf.py as
`make serve` does, plus a hook that notes which worker took each request; Redis is a real
redis-server on a free loopback port, without persistence, stopped after the test."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self

import pytest

from app.config import PROJECT_ROOT
from app.services.throttle import SignInThrottle
from tests.conftest import free_port
from tests.factories import api_report

GUNICORN = Path(sys.executable).with_name("gunicorn")
needs_gunicorn = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
REPORT_LIMIT = 30  # REPORT_RATE_LIMIT's default, 30/minute
SENT = 40
# gunicorn.conf.py, plus a hook that writes down the worker taking each request.
WHO_ANSWERS_CONFIG = """
import os
exec(open({conf!r}).read())


def pre_request(worker, req):
    with open({answered_by!r}, "a") as handle:
        handle.write(f"{{os.getpid()}}\\n")
"""


def in_ci() -> bool:
    return os.environ.get("NOTICED_CI", "").strip() not in ("", "0")


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a free loopback port, data in a temporary folder, no persistence."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                              else None)
    if binary is None:
        message = "redis-server is missing (apt-get install redis-server): the scale-out test needs a real Redis"
        if in_ci():
            pytest.fail(message + " (.ci/run should have installed it)")
        pytest.skip(message)
    folder = tmp_path / "redis"
    folder.mkdir()
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log = folder / "redis.log"
                pytest.fail(f"redis-server did not start: {log.read_text() if log.exists() else ''}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


class Gunicorn:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port, over a copy of the migrated database."""

    def __init__(self, folder: Path, migrated_database: Path, **env: str):
        database = folder / "noticed.db"
        shutil.copy(migrated_database, database)
        self.port = free_port()
        self.answered_by = folder / "answered-by"
        self.config = folder / "gunicorn-who-answers.conf.py"
        self.config.write_text(WHO_ANSWERS_CONFIG.format(conf=str(PROJECT_ROOT / "gunicorn.conf.py"),
                                                         answered_by=str(self.answered_by)))
        self.log = folder / "gunicorn.log"
        base = {key: value for key, value in os.environ.items()
                if key not in {"WEB_CONCURRENCY", "RATELIMIT_STORAGE_URI", "REPORT_RATE_LIMIT"}}
        self.env = {**base, "HOST": "127.0.0.1", "PORT": str(self.port), "DATABASE_URL": f"sqlite:///{database}",
                    "UPLOAD_FOLDER": str(folder / "attachments"), "SESSION_COOKIE_SECURE": "false", **env}
        self.process: subprocess.Popen | None = None

    def run_until_exit(self, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([str(GUNICORN), "-c", str(self.config), "wsgi:app"], cwd=PROJECT_ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def __enter__(self) -> Self:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([str(GUNICORN), "-c", str(self.config), "wsgi:app"], cwd=PROJECT_ROOT,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped while starting: {self.log.read_text()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    self.answered_by.write_text("")  # count the reports' requests only
                    return self
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer /healthz: {self.log.read_text()}")

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the master, which stops its workers
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(5)

    def send_report(self) -> int:
        """One report, as the phone's queue sends it: JSON to the API, on a connection of its own."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", "/api/v1/reports", body=json.dumps(api_report()).encode(),
                               headers={"Content-Type": "application/json", "Connection": "close"})
            return connection.getresponse().status
        finally:
            connection.close()

    def send_reports(self, count: int) -> Counter:
        # Eight at once, so that both workers take some (each is free to accept any connection).
        with ThreadPoolExecutor(max_workers=8) as pool:
            return Counter(pool.map(lambda _: self.send_report(), range(count)))

    def workers_that_answered(self) -> set[str]:
        return set(self.answered_by.read_text().split())


@needs_gunicorn
def test_two_workers_sharing_redis_let_through_only_the_limit(tmp_path, migrated_database, redis_url):
    with Gunicorn(tmp_path, migrated_database, RATELIMIT_STORAGE_URI=redis_url, WEB_CONCURRENCY="2") as server:
        answers = server.send_reports(SENT)
        workers = server.workers_that_answered()
    assert len(workers) == 2, f"one worker took every report, nothing was shared: {workers}"
    assert answers == {201: REPORT_LIMIT, 429: SENT - REPORT_LIMIT}


def test_sign_in_failures_counted_by_one_process_slow_down_another(redis_url):
    """Two throttles over the same Redis, as two workers have: the failures add up."""
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    in_one_worker = SignInThrottle.from_uri(redis_url, "a secret").attempts("lead@example.org", "client")
    in_another = SignInThrottle.from_uri(redis_url, "a secret").attempts("lead@example.org", "client")
    for _ in range(3):
        in_one_worker.failed(now)
    failures, wait = in_another.failed(now)
    assert failures == 4 and not wait
    failures, wait = in_one_worker.failed(now)
    assert failures == 5 and wait and in_another.wait(now) > timedelta(seconds=50)


@needs_gunicorn
def test_without_redis_one_worker_serves_by_default_and_the_limit_holds(tmp_path, migrated_database):
    with Gunicorn(tmp_path, migrated_database) as server:
        answers = server.send_reports(SENT)
        workers = server.workers_that_answered()
    assert len(workers) == 1
    assert answers == {201: REPORT_LIMIT, 429: SENT - REPORT_LIMIT}


@needs_gunicorn
def test_two_workers_without_redis_are_refused_with_what_to_do(tmp_path, migrated_database):
    result = Gunicorn(tmp_path, migrated_database, WEB_CONCURRENCY="2").run_until_exit()
    assert result.returncode != 0
    assert ("2 workers (WEB_CONCURRENCY) would each keep their own rate-limit and sign-in counters "
            "with RATELIMIT_STORAGE_URI=memory://") in result.stderr
    assert "RATELIMIT_STORAGE_URI=redis://" in result.stderr and "WEB_CONCURRENCY=1" in result.stderr
