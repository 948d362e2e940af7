"""No log names a client: gunicorn as `make serve` runs it (gunicorn.conf.py), sent malformed
requests over a raw socket, writes neither the client's address nor its port nor a query string
to any of its logs. Its own logger once wrote "Invalid request from ip=..." for each of them."""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import time

import pytest

from app.config import PROJECT_ROOT
from tests.conftest import free_port

GUNICORN = PROJECT_ROOT / ".venv" / "bin" / "gunicorn"
SECRET = "SECRETMANAGEKEY"

MALFORMED_REQUESTS = {
    "bare LF line endings": b"GET /en/ HTTP/1.1\nHost: localhost\n\n",
    "NUL in a header": b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-Note: a\x00b\r\n\r\n",
    "over-long request line": b"GET /en/?" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "Content-Length with Transfer-Encoding": (b"POST /api/v1/reports HTTP/1.1\r\nHost: localhost\r\n"
                                              b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    "a secret in a broken request line": b"GET /en/places/manage?key=" + SECRET.encode() + b"\x01 HTTP/1.1\r\n\r\n",
    "a bad HTTP version": b"GET /en/places/manage?key=" + SECRET.encode() + b" HTTP/9\r\nHost: localhost\r\n\r\n",
}



def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            pytest.fail("gunicorn stopped while starting")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer /healthz")


def send_raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send the bytes as they are; the client's port and the server's first answer line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        client_port = sock.getsockname()[1]
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return client_port, answer.split(b"\r\n", 1)[0]


@pytest.fixture
def gunicorn_logs(tmp_path, migrated_database):
    """Starts gunicorn on a free loopback port with its logs in files; yields (port, logs folder)."""
    if not GUNICORN.exists():
        pytest.skip(f"{GUNICORN} is missing: `make install`")
    port = free_port()
    database = tmp_path / "noticed.db"
    database.write_bytes(migrated_database.read_bytes())
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "DATABASE_URL": f"sqlite:///{database}",
           "WEB_CONCURRENCY": "1", "UPLOAD_FOLDER": str(tmp_path / "files")}
    with open(logs / "stdout", "w") as out, open(logs / "stderr", "w") as err:
        # Debug level: no message gunicorn can write may name the client.
        server = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", "--log-level", "debug",
                                   "--error-logfile", str(logs / "error.log"),
                                   "--access-logfile", str(logs / "access.log"), "wsgi:app"],
                                  cwd=PROJECT_ROOT, env=env, stdout=out, stderr=err)
        try:
            wait_until_up(port, server)
            yield port, logs
        finally:
            server.terminate()
            server.wait(timeout=20)


def test_malformed_requests_leave_no_client_address_port_or_query_in_any_log(gunicorn_logs):
    port, logs = gunicorn_logs
    client_ports = []
    for name, request in MALFORMED_REQUESTS.items():
        client_port, status_line = send_raw(port, request)
        client_ports.append(client_port)
        assert status_line.startswith(b"HTTP/1.1 4") or status_line.startswith(b"HTTP/1.1 5"), (name, status_line)
    time.sleep(0.5)  # the worker writes its log lines after answering
    text = "\n".join(path.read_text(errors="replace") for path in sorted(logs.iterdir()))
    assert "Invalid request" in text  # the error log works...
    server_address = f"127.0.0.1:{port}"  # ...and says where it listens ("Listening at: ...")
    assert "127.0.0.1" not in text.replace(server_address, ""), text
    assert "::1" not in text
    for client_port in client_ports:
        assert not re.search(rf"\b{client_port}\b", text), (client_port, text)
    assert SECRET not in text


class StartingServer:
    """What gunicorn's on_starting hook is given: its settings and its logger."""

    def __init__(self, bind: list[str]):
        self.cfg = type("Settings", (), {"bind": bind})()
        self.warnings: list[str] = []
        self.log = self

    def warning(self, message, *args):
        self.warnings.append(message % args)


def startup_warnings(monkeypatch, trusted_proxies: str, bind: list[str]) -> list[str]:
    import runpy

    monkeypatch.setenv("TRUSTED_PROXIES", trusted_proxies)
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    server = StartingServer(bind)
    settings["on_starting"](server)
    return server.warnings


def test_trusted_proxies_with_a_public_listening_address_is_warned_about_at_startup(monkeypatch):
    [warning] = startup_warnings(monkeypatch, "1", ["127.0.0.1:5000", "0.0.0.0:5000"])
    assert "0.0.0.0:5000" in warning and "X-Forwarded-For" in warning


@pytest.mark.parametrize("trusted_proxies, bind", [
    ("1", ["127.0.0.1:5000"]), ("1", ["[::1]:5000", "unix:/run/noticed.sock"]), ("0", ["0.0.0.0:5000"]),
])
def test_no_warning_on_loopback_or_without_trusted_proxies(monkeypatch, trusted_proxies, bind):
    assert startup_warnings(monkeypatch, trusted_proxies, bind) == []
