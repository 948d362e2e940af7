"""Reporters stay anonymous: no address or browser details reach any log or the database."""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time

from sqlalchemy import inspect

from app.config import PROJECT_ROOT
from app.extensions import db
from tests.factories import api_report

TELLTALE_AGENT = "TelltaleBrowser/9.9 (reporter-phone-model-XYZ)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_production_server_access_log_has_no_address_agent_or_query(tmp_path, migrated_database):
    port = free_port()
    database = tmp_path / "noticed.db"
    database.write_bytes(migrated_database.read_bytes())
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{database}", "WEB_CONCURRENCY": "1",
           "UPLOAD_FOLDER": str(tmp_path / "files")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(100):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        connection.request("POST", "/api/v1/reports", body=json.dumps(api_report()),
                           headers={"Content-Type": "application/json", "User-Agent": TELLTALE_AGENT})
        posted = connection.getresponse()
        posted.read()
        assert posted.status == 201
        connection.request("GET", "/en/report?place=SECRETPLACE", headers={"User-Agent": TELLTALE_AGENT})
        assert connection.getresponse().status == 200
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=10)
    assert "POST /api/v1/reports" in log  # the log works...
    assert "127.0.0.1" not in log.replace(f"127.0.0.1:{port}", "")  # ...but names no client
    assert "TelltaleBrowser" not in log
    assert "SECRETPLACE" not in log


def test_no_table_has_a_column_for_addresses_or_browsers(app):
    suspicious = ("ip", "addr", "agent", "user_agent", "remote", "fingerprint")
    inspector = inspect(db.engine)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            name = column["name"].lower()
            assert not any(word == name or name.startswith(word + "_") or name.endswith("_" + word)
                           for word in suspicious), f"{table}.{name}"
