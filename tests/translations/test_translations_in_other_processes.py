"""The database layer over the compiled catalogs: another process (here a second app on the same
database, with its own page cache) serves an approval within the version-check interval, and
readers keep the compiled catalog when the database cannot be read."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app import i18n_overrides
from app.extensions import db
from tests.backoffice.conftest import OneContextPerRequestClient
from tests.conftest import make_app
from tests.translations.conftest import review, suggest, suggestions

HOME_TITLE = "Worried about someone?"
NEW_HOME_TITLE = "¿Te inquieta alguien que conoces?"
SHIPPED_HOME_TITLE = "¿Te preocupa alguien?"


class Clock:
    """Stands in for time.monotonic in the layer, so the test moves time rather than waits."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(i18n_overrides, "time", clock)
    return clock


@pytest.fixture
def other_process(app, tmp_path, migrated_database, catalogs):
    """A second app on the same database: what another gunicorn worker is."""
    other = make_app(tmp_path / "other", migrated_database, app.config["SQLALCHEMY_DATABASE_URI"],
                     BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    other.test_client_class = OneContextPerRequestClient
    yield other.test_client()
    with other.app_context():
        db.engine.dispose()


def approve_new_home_title(staff_with_languages) -> None:
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    review(reviewer, suggestions()[0].id)


def test_another_process_serves_an_approval_once_it_next_checks_the_version(
        clock, other_process, staff_with_languages):
    assert SHIPPED_HOME_TITLE in other_process.get("/es/").get_data(as_text=True)  # loaded, and cached
    approve_new_home_title(staff_with_languages)

    clock.now += i18n_overrides.VERSION_CHECK_SECONDS / 2
    assert SHIPPED_HOME_TITLE in other_process.get("/es/").get_data(as_text=True)  # not checked yet
    clock.now += i18n_overrides.VERSION_CHECK_SECONDS
    assert f"<h1>{NEW_HOME_TITLE}</h1>" in other_process.get("/es/").get_data(as_text=True)


def test_readers_get_the_compiled_catalog_when_the_approvals_cannot_be_read(client, monkeypatch):
    def unreadable(connection):
        raise OperationalError("SELECT version", {}, Exception("no such table: translation_catalog_version"))

    monkeypatch.setattr(i18n_overrides, "read_version", unreadable)
    response = client.get("/es/")
    assert response.status_code == 200
    assert SHIPPED_HOME_TITLE in response.get_data(as_text=True)
