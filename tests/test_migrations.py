"""Migrations build the whole schema from nothing, and the models have not drifted from them."""
import os
import subprocess
import sys

from app.config import PROJECT_ROOT


def flask(*args, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "wsgi.py"}
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True)


def test_upgrade_on_an_empty_database_then_check_finds_no_drift(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade = flask("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    check = flask("db", "check", database_url=url)
    assert check.returncode == 0, check.stderr + check.stdout
    assert "No new upgrade operations detected" in check.stdout + check.stderr
