"""10,000 reports through the API under gunicorn (2 workers), into SQLite and into PostgreSQL.

Every 11th request re-sends the body of a report already stored (a replay, as a phone does
after a lost answer) and must get 200 with the same receipt; every other request is a new
report and must get 201. Afterwards the database is read directly: every sent id must be
there exactly once, and nothing else. Nothing is retried, so a non-2xx answer shows as a
missing report.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import postgres
from bench.cpu import OtherWork, describe
from bench.httpload import Connection, ProtocolError, post_json_request, run_jobs
from bench.servers import app_environment, gunicorn, log
from bench.table import BELOW_TARGET, FAIL, OK, PASS, MeasurementError, Row

REPLAY_EVERY = 11  # 1 in 11 requests is a replay: 1,000 replays for 10,000 reports
SQLITE_TARGET = 200.0  # reports/s
TIME_LIMIT = 240.0  # seconds per database; a slower run stops there and shows as FAIL


@dataclass
class Ingest:
    reports: int
    sent: dict[str, bytes] = field(default_factory=dict)  # id -> body, new reports sent
    stored_bodies: list[bytes] = field(default_factory=list)  # bodies answered 201, replayable
    requests: int = 0
    replays: int = 0
    new_statuses: Counter = field(default_factory=Counter)
    replay_statuses: Counter = field(default_factory=Counter)
    replay_mismatches: int = 0  # 200 but not the receipt and id that were sent
    in_flight: int = 0
    messages: dict = field(default_factory=dict)  # status -> the first answer's message
    rng: random.Random = field(default_factory=lambda: random.Random(20240601))

    @property
    def replays_wanted(self) -> int:
        return self.reports // (REPLAY_EVERY - 1)

    def next_job(self):
        new_left = len(self.sent) < self.reports
        replays_left = self.replays < self.replays_wanted
        replay_turn = self.requests % REPLAY_EVERY == REPLAY_EVERY - 1 or not new_left
        if replays_left and replay_turn and self.stored_bodies:
            return self._replay
        if new_left:
            return self._new
        if replays_left and self.in_flight:
            return self._wait  # an answer still on its way may give us a body to replay
        return None

    async def _wait(self, connection: Connection) -> bool:
        return False

    async def _new(self, connection: Connection) -> bool:
        from tests.factories import api_report

        report = api_report()
        body = json.dumps(report).encode()
        self.sent[report["id"]] = body
        self.requests += 1
        status, _ = await self._post(connection, body, expected=201)
        self.new_statuses[status] += 1
        if status == 201:
            self.stored_bodies.append(body)
        return True

    async def _replay(self, connection: Connection) -> bool:
        body = self.rng.choice(self.stored_bodies)
        self.requests += 1
        self.replays += 1
        status, answer = await self._post(connection, body, expected=200)
        self.replay_statuses[status] += 1
        if status == 200:
            sent = json.loads(body)
            if answer.get("receipt") != sent["receipt"] or answer.get("id") != sent["id"]:
                self.replay_mismatches += 1
        return True

    async def _post(self, connection: Connection, body: bytes, expected: int) -> tuple[int | str, dict]:
        self.in_flight += 1
        try:
            response = await connection.request(post_json_request("/api/v1/reports", connection.port, body))
        except (OSError, ProtocolError, ValueError, EOFError) as error:
            await connection.close()
            return type(error).__name__, {}
        finally:
            self.in_flight -= 1
        try:
            answer = json.loads(response.body)
        except ValueError:
            answer = {}
        answer = answer if isinstance(answer, dict) else {}
        if response.status != expected:
            # What the app said, once per status: a 409 "receipt in use" reads differently from a 500.
            said = answer.get("message") or answer.get("errors") or response.body[:120].decode("utf-8", "replace")
            self.messages.setdefault(response.status, str(said)[:140])
        return response.status, answer


def run(rows: list[Row], options) -> None:
    def measure(name: str, url: str, workdir: Path, database_pid: int | None) -> None:
        target = SQLITE_TARGET if name == "SQLite" else None
        _measure(rows, name, url, workdir, options, target=target, database_pid=database_pid)

    postgres.on_each_database(rows, "ingest", measure)


def _measure(rows: list[Row], name: str, database_url: str, workdir: Path, options, target: float | None,
             database_pid: int | None) -> None:
    ingest = Ingest(reports=options.reports)
    env = app_environment(database_url, workdir)
    log(f"ingest: {ingest.reports} reports (+{ingest.replays_wanted} replays) into {name}, "
        f"{options.clients} clients")
    with gunicorn("bench.wsgi_bench:app", env, workdir, ready_path="/healthz") as server:
        other = OtherWork(server.pid, *([database_pid] if database_pid else []))
        elapsed = run_jobs(server.port, ingest.next_job, clients=options.clients, time_limit=TIME_LIMIT)
        other_share = other.share()
        server_errors = server.errors()
    stored, distinct, missing, unknown = _count(database_url, set(ingest.sent))

    rate = ingest.new_statuses[201] / elapsed if elapsed else 0.0
    incomplete = len(ingest.sent) < ingest.reports or ingest.replays < ingest.replays_wanted
    errors = Counter({str(k): v for k, v in ingest.new_statuses.items() if k != 201})
    errors.update({f"{k} (replay)": v for k, v in ingest.replay_statuses.items() if k != 200})
    passed = (not incomplete and stored == distinct == ingest.reports and not missing and not unknown
              and not errors and not ingest.replay_mismatches)
    budget, result = "", ""
    if target is not None:
        budget, result = f"≥ {target:.0f} reports/s", OK if rate >= target else BELOW_TARGET
    how = (f"{ingest.requests} POSTs in {elapsed:.1f} s by {options.clients} keep-alive clients to gunicorn "
           f"(2 workers, bench/wsgi_bench.py); rate = 201 answers / wall time; {describe(other_share)}")
    rows.append(Row("ingest", f"{name} rate", f"{rate:.0f} reports/s", budget, result, how))
    problems = []
    if incomplete:
        problems.append(f"incomplete (time limit {TIME_LIMIT:.0f} s, or nothing stored to replay) after "
                        f"{len(ingest.sent)} reports and {ingest.replays} replays")
    if errors:
        problems.append("non-2xx: " + ", ".join(f"{n}× {status}" for status, n in sorted(errors.items())))
        problems.extend(f"{status} said: {message}" for status, message in sorted(ingest.messages.items()))
    if server_errors:
        problems.append(f"server log: {server_errors}")
    if missing:
        problems.append(f"{missing} sent ids not stored")
    if unknown:
        problems.append(f"{unknown} stored ids never sent")
    if ingest.replay_mismatches:
        problems.append(f"{ingest.replay_mismatches} replays answered with another receipt/id")
    rows.append(Row("ingest", f"{name} no loss, no duplicates",
                    f"sent {ingest.requests}, replays {ingest.replays}, stored {stored}, distinct {distinct}",
                    f"stored = distinct = {ingest.reports}", PASS if passed else FAIL,
                    (f"{ingest.new_statuses[201]}× 201 for new reports, {ingest.replay_statuses[200]}× 200 for replays "
                     f"(each an earlier stored body, sent again); counted with SELECT count(*), "
                     f"count(DISTINCT public_id) and every sent id looked up")
                    + ("; " + "; ".join(problems) if problems else "")))


def _count(database_url: str, sent_ids: set[str]) -> tuple[int, int, int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            stored, distinct = connection.execute(
                text("SELECT count(*), count(DISTINCT public_id) FROM report")).one()
            stored_ids = {row[0] for row in connection.execute(text("SELECT public_id FROM report"))}
    except Exception as error:
        raise MeasurementError(f"could not count stored reports: {error}") from error
    finally:
        engine.dispose()
    return stored, distinct, len(sent_ids - stored_ids), len(stored_ids - sent_ids)
