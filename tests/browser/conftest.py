"""Browser fixtures: the real app served on loopback (stoppable, to cut the network the way a
phone loses its signal) and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.extensions import db
from app.models.report import Report
from tests.conftest import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on 127.0.0.1:<port>; stop() and start() again on the same port like a lost signal."""

    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Posters, QR codes and e-mailed links lead a browser back to this server.
        app.config["PUBLIC_BASE_URL"] = self.url
        self._server = None
        self._thread = None

    def start(self):
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def reports(self) -> list[Report]:
        with self.app.app_context():
            rows = db.session.execute(select(Report).order_by(Report.id)).scalars().all()
            for row in rows:
                db.session.expunge(row)
            db.session.remove()
            return rows

    def report_count(self) -> int:
        with self.app.app_context():
            count = db.session.execute(select(func.count()).select_from(Report)).scalar_one()
            db.session.remove()
            return count

    def wait_for_reports(self, expected: int, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.report_count() >= expected:
                break
            time.sleep(0.1)
        time.sleep(0.5)  # and nothing more arrives just after
        return self.report_count()


@pytest.fixture
def live_server(tmp_path, migrated_database):
    app = make_app(tmp_path, migrated_database)
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def browser_page(browser, live_server):
    """A phone-sized page with service workers blocked: the page's own queue does the sending."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block",
                                  base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(playwright_instance, tmp_path):
    """Opens a persistent browser profile: closing and reopening it keeps IndexedDB and caches,
    like a phone whose browser was closed or restarted."""
    profile = tmp_path / "profile"
    opened = []

    def open_phone(base_url: str, **options):
        context = playwright_instance.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=base_url,
            viewport={"width": 360, "height": 740}, **options)
        opened.append(context)
        return context

    yield open_phone
    for context in opened:
        try:
            context.close()
        except Exception:  # already closed by the test
            pass
    shutil.rmtree(profile, ignore_errors=True)
