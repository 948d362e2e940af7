"""A throwaway PostgreSQL cluster: initdb in a temp dir, loopback only, stopped and deleted after.

PostgreSQL refuses to run as root; when the bench runs as root, the cluster is created and run as
the `postgres` system user (with runuser), and its temp dir is handed to that user.
"""
from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from bench.servers import HOST, free_port, log, tail
from bench.table import MeasurementError

SYSTEM_USER = "postgres"


@dataclass(frozen=True)
class Tools:
    initdb: str
    pg_ctl: str
    version: str


def find_tools() -> Tools | None:
    candidates = [shutil.which("initdb")] + sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    for initdb in filter(None, candidates):
        real = Path(initdb).resolve()
        pg_ctl = real.with_name("pg_ctl")
        if pg_ctl.exists():
            done = subprocess.run([str(real), "--version"], capture_output=True, text=True)
            version = re.search(r"(\d+(?:\.\d+)?)", done.stdout)
            return Tools(str(real), str(pg_ctl), version.group(1) if version else "?")
    return None


def _as_cluster_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise MeasurementError(f"running as root and there is no {SYSTEM_USER!r} user to run PostgreSQL") from None
    return ["runuser", "-u", SYSTEM_USER, "--", *command]


def _run(command: list[str], what: str, timeout: float = 120) -> None:
    done = subprocess.run(_as_cluster_owner(command), capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise MeasurementError(f"{what} failed: {tail(done.stderr or done.stdout)}")


def postmaster_pid(workdir: Path) -> int | None:
    """The running cluster's server process (its backends are its children)."""
    try:
        return int((workdir / "pgdata" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def cluster(tools: Tools, workdir: Path) -> Iterator[str]:
    """Yields a DATABASE_URL (postgresql+psycopg://) for an empty database `noticed`."""
    data = workdir / "pgdata"
    if os.geteuid() == 0:
        owner = pwd.getpwnam(SYSTEM_USER)
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    port = free_port()
    log(f"postgresql: initdb in {data}, port {port}")
    _run([tools.initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"], "initdb")
    # Loopback TCP only; the socket directory is the temp dir, so no system directory is touched.
    options = f"-c listen_addresses={HOST} -p {port} -k {workdir}"
    _run([tools.pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "postgres.log"), "-w", "-t", "60",
          "start"], "pg_ctl start")
    try:
        import psycopg

        with psycopg.connect(host=HOST, port=port, user="postgres", dbname="postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE noticed")
        yield f"postgresql+psycopg://postgres@{HOST}:{port}/noticed"
    finally:
        try:
            _run([tools.pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], "pg_ctl stop", timeout=60)
        except MeasurementError as error:
            log(f"postgresql: {error}")


def on_each_database(rows, part: str, measure) -> None:
    """measure(database name, url, workdir, database_pid) on a new SQLite database, then on a
    throwaway PostgreSQL cluster, each on its own: a failure to run one still leaves the other's
    figures (an ERROR row), and PostgreSQL is skipped when its tools are not installed."""
    from bench.servers import sqlite_database, upgrade_database, workspace
    from bench.table import ERROR, SKIPPED, MeasurementError, Row

    try:
        with workspace(f"{part}-sqlite") as workdir, sqlite_database(workdir) as url:
            measure("SQLite", url, workdir, None)
    except MeasurementError as error:
        rows.append(Row(part, "SQLite", "did not run", result=ERROR, how=str(error)))

    tools = find_tools()
    if tools is None:
        rows.append(Row(part, "PostgreSQL", "postgresql: skipped (no initdb)", result=SKIPPED,
                        how="no initdb on PATH or under /usr/lib/postgresql/*/bin"))
        return
    try:
        with workspace(f"{part}-postgres") as workdir, cluster(tools, workdir) as url:
            upgrade_database(url, workdir)
            measure(f"PostgreSQL {tools.version}", url, workdir, postmaster_pid(workdir))
    except MeasurementError as error:
        rows.append(Row(part, f"PostgreSQL {tools.version}", "did not run", result=ERROR, how=str(error)))
