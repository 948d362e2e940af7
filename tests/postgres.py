"""A throwaway PostgreSQL cluster for the test run: initdb into a temporary folder, pg_ctl start
on a private Unix socket, one database per test copied from a migrated template."""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

PORT = 54329
_counter = itertools.count()


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, so the cluster runs as `postgres`.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Cluster:
    def __init__(self):
        bindir = _bindir()
        if bindir is None:
            message = "PostgreSQL binaries (initdb, pg_ctl) are missing: apt-get install postgresql"
            if os.environ.get("NOTICED_CI"):
                pytest.fail(message + " (.ci/run should have installed them)")
            pytest.skip(message)
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="noticed-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"

    def run(self, *command: str) -> None:
        subprocess.run(_as_server_user([str(self.bindir / command[0]), *command[1:]]), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "noticed", "--no-sync", "-E", "UTF8")
        options = f"-k {self.folder} -p {PORT} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", str(self.folder / "log"), "start")

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://noticed@/{database}?host={self.folder}&port={PORT}"

    def execute(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.folder), port=PORT, user="noticed", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        name = f"noticed_{os.getpid()}_{next(_counter)}"
        self.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name
