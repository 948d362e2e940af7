"""Fixtures: each test gets a fresh app over its own migrated SQLite database and folders."""
from __future__ import annotations

import os
import re
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# Links the app writes (e-mails, posters, QR codes) are on this address, whatever `make` set;
# servers the tests start in other processes (gunicorn, flask) inherit it.
os.environ["PUBLIC_BASE_URL"] = "http://localhost"

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A database built by running every migration once; tests copy it."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "noticed.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_cluster():
    from tests.postgres import Cluster

    cluster = Cluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster) -> str:
    """A PostgreSQL database built by running every migration once; tests copy it."""
    from flask_migrate import upgrade

    name = postgres_cluster.new_database()
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_cluster.url(name)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return name


def make_app(tmp_path: Path, migrated_database: Path, database_url: str | None = None, **overrides):
    database = tmp_path / "noticed.db"
    if database_url is None:
        shutil.copy(migrated_database, database)
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{database}",
        "UPLOAD_FOLDER": str(tmp_path / "attachments"),
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "ASSETS_AUTO_BUILD": True,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def database_url(request, tmp_path, migrated_database):
    """SQLite by default; test folders that must hold on PostgreSQL too parametrize this with
    both (see `on_both_databases`)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return None
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.url(cluster.new_database(template=request.getfixturevalue("postgres_template")))


def on_both_databases(metafunc) -> None:
    """Call from a folder's pytest_generate_tests to run its tests on SQLite and PostgreSQL."""
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@contextmanager
def in_app_context(app):
    """The app's context for a test, its connections closed afterwards."""
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path, migrated_database, database_url):
    with in_app_context(make_app(tmp_path, migrated_database, database_url)) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    return db.session


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a rendered form (CSRF token, report id, receipt...)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def mailbox(app):
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield mailbox
    controller.stop()
