"""Robustness fixtures: an app per test module for the property-based tests (which send hundreds
of inputs through one app and check what is stored after each), the `slow` marker, and the tally
of inputs tried printed at the end of the run."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import make_app
from tests.robustness.inputs import SLOW, SLOW_FACTOR, TALLY


def pytest_collection_modifyitems(items):
    # The property-based tests are `slow`: `make test-slow` (-m slow, NOTICED_SLOW=1) runs them at
    # full volume; the default run runs them too, with fewer examples.
    for item in items:
        if "tests/robustness/" in str(item.fspath) and getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter):
    if not TALLY.tried:
        return
    write = terminalreporter.write_line
    mode = f"NOTICED_SLOW=1, x{SLOW_FACTOR}" if SLOW else "default volume; NOTICED_SLOW=1 for full"
    write(f"robustness: {sum(TALLY.tried.values()):,} generated inputs tried ({mode}); "
          f"server errors (5xx): {sum(TALLY.server_errors.values())}")
    for family, count in sorted(TALLY.tried.items()):
        write(f"  {family}: {count:,} tried, {TALLY.server_errors[family]} 5xx")
    write("  answers: " + ", ".join(f"{status}: {n:,}" for status, n in sorted(TALLY.statuses.items())))


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def fuzz_app(fuzz_root, migrated_database):
    """One app for a whole property-based test module; its attachments sit deep in the module's
    folder, so a file name such as ../../x written by mistake would still land where we look."""
    app = make_app(fuzz_root, migrated_database,
                   UPLOAD_FOLDER=str(fuzz_root / "deep" / "down" / "attachments"))
    yield app
    with app.app_context():
        db.engine.dispose()
