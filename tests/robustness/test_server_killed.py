"""The server killed with SIGKILL in the middle of a report (gunicorn's master and worker at
once, as in a crash or an out-of-memory kill; not a power cut, which SQLite with
synchronous=NORMAL does not promise to survive for the last commits): after a restart, the
phone's resend of the very same request stores the report exactly once, whatever moment the kill
came. gunicorn runs with the production settings (gunicorn.conf.py) on loopback, over the SQLite
database the tests copy.

The kill comes from outside (while the body arrives; after the answer) or, to hit the narrow
windows exactly, from a hook that a test-only gunicorn config adds: right after the photo file is
written, and right after the commit but before the answer is sent."""
from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from app.config import PROJECT_ROOT
from tests.factories import api_report, as_attachment

GUNICORN = Path(sys.executable).with_name("gunicorn")
# gunicorn.conf.py, plus a worker hook that SIGKILLs the whole server at an armed point.
KILL_CONFIG = """
import os, signal
exec(open({conf!r}).read())
ARMED = {armed!r}


def _die_here(point):
    if os.path.exists(ARMED) and open(ARMED).read() == point:
        os.unlink(ARMED)  # once: the restarted server must live
        os.killpg(os.getpgid(0), signal.SIGKILL)


def post_worker_init(worker):
    from sqlalchemy.orm import Session
    from app.services.attachments import FolderStore

    save, commit = FolderStore.save, Session.commit

    def save_then_maybe_die(self, name, data):
        save(self, name, data)
        _die_here("after the photo is written")

    def commit_then_maybe_die(self):
        commit(self)
        _die_here("after the commit")

    FolderStore.save, Session.commit = save_then_maybe_die, commit_then_maybe_die
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(self, folder: Path, database: Path):
        self.folder = folder
        self.database = database
        self.port = free_port()
        self.process = None
        self.starts = 0
        self.armed = folder / "armed-kill"
        self.config = folder / "gunicorn-kill.conf.py"
        self.config.write_text(KILL_CONFIG.format(conf=str(PROJECT_ROOT / "gunicorn.conf.py"), armed=str(self.armed)))
        self.env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(self.port), "WEB_CONCURRENCY": "1",
                    "GUNICORN_THREADS": "2", "DATABASE_URL": f"sqlite:///{database}",
                    "UPLOAD_FOLDER": str(folder / "attachments"), "SESSION_COOKIE_SECURE": "false"}

    def start(self) -> None:
        self.starts += 1
        log = open(self.folder / f"gunicorn-{self.starts}.log", "wb")
        # A session of its own: killpg reaches the master and its worker, and nothing else.
        self.process = subprocess.Popen([str(GUNICORN), "-c", str(self.config), "wsgi:app"], cwd=PROJECT_ROOT,
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError((self.folder / f"gunicorn-{self.starts}.log").read_text())
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/api/v1/openapi.json")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    def arm(self, point: str) -> None:
        self.armed.write_text(point)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(tmp_path, migrated_database):
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in this environment")
    database = tmp_path / "noticed.db"
    shutil.copy(migrated_database, database)
    server = Gunicorn(tmp_path, database)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def request_with_a_big_photo() -> bytes:
    """A report with a 1600 x 1600 photo of noise: a body of a few megabytes, slow to re-encode."""
    noise = Image.frombytes("RGB", (1600, 1600), os.urandom(1600 * 1600 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=92)
    return json.dumps(api_report(attachments=[as_attachment(out.getvalue())])).encode()


def raw_request(port: int, body: bytes, attempt: int) -> bytes:
    return (f"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Noticed-Attempt: {attempt}\r\nConnection: close\r\n\r\n").encode() + body


def send(port: int, body: bytes, attempt: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(raw_request(port, body, attempt))
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if not answer:
        raise ConnectionResetError("the connection closed without an answer")
    return int(answer.split(b" ", 2)[1])


def what_is_stored(server: Gunicorn, report_id: str) -> tuple[int, int, list[str], list[str]]:
    """Rows for this report, its photos, the photo files the database refers to, and any other
    file left in the folder (a photo written when the kill came, before its row was committed)."""
    with sqlite3.connect(server.database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reports = connection.execute("SELECT count(*) FROM report WHERE public_id = ?", (report_id,)).fetchone()[0]
        names = [row[0] for row in connection.execute(
            "SELECT stored_name FROM attachment JOIN report ON report.id = attachment.report_id "
            "WHERE report.public_id = ?", (report_id,))]
    folder = server.folder / "attachments"
    files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return reports, len(names), names, [name for name in files if name not in names]


def kill_while_the_body_arrives(server, body):
    connection = socket.create_connection(("127.0.0.1", server.port))
    request = raw_request(server.port, body, 1)
    connection.sendall(request[:len(request) // 2])
    time.sleep(0.5)  # the worker is reading the body, waiting for the rest
    server.kill()
    connection.close()


def killed_from_inside(point):
    def kill(server, body):
        server.arm(point)
        with pytest.raises(OSError):  # the connection dies with the server, no answer
            answer = send(server.port, body, 1)
            raise AssertionError(f"answered {answer}")
        server.process.wait(10)
    kill.__name__ = "kill_" + point.replace(" ", "_")
    return kill


def kill_after_the_answer(server, body):
    assert send(server.port, body, 1) == 201  # stored and answered: the commit must survive the kill
    server.kill()


@pytest.mark.parametrize("kill, resend_answer, leftovers_allowed", [
    (kill_while_the_body_arrives, 201, 0),
    (killed_from_inside("after the photo is written"), 201, 1),
    (killed_from_inside("after the commit"), 200, 0),
    (kill_after_the_answer, 200, 0),
], ids=lambda value: getattr(value, "__name__", None))
def test_after_a_kill_and_a_restart_the_resent_report_is_stored_once(server, request_with_a_big_photo, kill,
                                                                     resend_answer, leftovers_allowed):
    body = request_with_a_big_photo
    report_id = json.loads(body)["id"]
    kill(server, body)
    assert server.process.poll() is not None

    server.start()
    assert send(server.port, body, 2) == resend_answer  # the phone's retry: the very same bytes
    assert send(server.port, body, 3) == 200  # and any further one is a replay
    reports, photos, names, leftovers = what_is_stored(server, report_id)
    assert (reports, photos) == (1, 1)
    assert Image.open(server.folder / "attachments" / names[0]).size == (1600, 1600)  # whole
    # Killed between writing a photo and committing its report, the photo's file stays behind with
    # no report referring to it (a reporter's photo: see SECURITY.md, "server killed"). It is whole
    # (files are written to .part and renamed), never a half-written file under a real name.
    assert len(leftovers) <= leftovers_allowed
    for name in leftovers:
        assert not name.startswith(".")
        assert Image.open(server.folder / "attachments" / name).size == (1600, 1600)
