"""The back office at statewide scale: server time and SQL queries of a lead's pages over 10,000
and then 100,000 reports (20,000 cases), in SQLite and in PostgreSQL.

Each page is requested through the Flask test client in this process (no server, no network:
the figure is the app's own time, database included), signed in with both factors as an admin
(who sees every team) and as a team lead (who sees the largest team's share). A page is asked
once untimed, then timed several times: the row gives the median. Queries are counted with a
`before_cursor_execute` listener on the app's engine, here only. The data comes from
bench/staff_seed.py.
"""
from __future__ import annotations

import html
import os
import re
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from bench import postgres
from bench.cpu import OtherWork, describe
from bench.servers import create_bench_app, log
from bench.table import ERROR, MeasurementError, Row, verdict

SIZES = (10_000, 100_000)
BUDGETS_AT = 100_000  # the budgets are for a statewide installation; smaller sizes show the trend
SLOW_PAGE = 0.2  # seconds: the dashboard and each of its charts
LIST_PAGE = 0.1  # seconds: the queue, the case list, the due list
RUNS = 5
SLOW_RUNS = 3  # when the untimed request took longer than SLOW_SECONDS, to keep `make bench` short
SLOW_SECONDS = 1.0
PASSWORD = "bench password, long enough for the policy"
HEADERS = {"Accept-Language": "en"}


def run(rows: list[Row], options) -> None:
    def measure(name: str, url: str, workdir: Path, database_pid: int | None) -> None:
        _measure_database(rows, name, url, workdir, database_pid=database_pid)

    postgres.on_each_database(rows, "staff", measure)


# The app, its accounts and signed-in clients -------------------------------------------------

@contextmanager
def _app(database_url: str, workdir: Path) -> Iterator:
    """create_app() over this database, with the bench's environment while the factory reads it."""
    app = create_bench_app(database_url, workdir)
    try:
        yield app
    finally:
        from app.extensions import db

        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    totp_secret: str


def _make_account(role, team) -> Account:
    """An enrolled account, as tests/backoffice/conftest.py make_staff() makes one."""
    import pyotp

    from app.extensions import db
    from app.services import staff as accounts

    staff = accounts.create_staff(db.session, f"{role.value}@bench.example.org", role, password=PASSWORD, team=team)
    staff.totp_secret = pyotp.random_base32()
    db.session.commit()
    return Account(role.value, staff.email, staff.totp_secret)


CSRF_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
VALUE = re.compile(r'\bvalue="([^"]*)"')


def _csrf_token(client, path: str) -> str:
    page = client.get(path, headers=HEADERS).get_data(as_text=True)
    found = CSRF_INPUT.search(page)
    value = VALUE.search(found.group(0)) if found else None
    if value is None:
        raise MeasurementError(f"no csrf_token on {path}")
    return html.unescape(value.group(1))


def _signed_in_client(app, account: Account):
    """Both factors, as a person does: password, then the authenticator's code."""
    import pyotp

    client = app.test_client()
    answer = client.post("/staff/sign-in", headers=HEADERS, data={
        "csrf_token": _csrf_token(client, "/staff/sign-in"), "email": account.email, "password": PASSWORD})
    if answer.status_code != 302:
        raise MeasurementError(f"{account.role} sign-in (password) answered {answer.status_code}")
    answer = client.post("/staff/sign-in/code", headers=HEADERS, data={
        "csrf_token": _csrf_token(client, "/staff/sign-in/code"), "code": pyotp.TOTP(account.totp_secret).now()})
    if answer.status_code != 302:
        raise MeasurementError(f"{account.role} sign-in (code) answered {answer.status_code}")
    return client


# Timing one page --------------------------------------------------------------------------

@dataclass
class Probe:
    """Counts the SQL statements the app's engine sends and keeps the exception a request raised."""

    queries: int = 0
    exceptions: list[BaseException] = field(default_factory=list)

    def count(self, *args, **kwargs) -> None:
        self.queries += 1

    def caught(self, sender, exception: BaseException, **extra) -> None:
        self.exceptions.append(exception)


@dataclass
class Timing:
    path: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    body: str = ""
    error: str | None = None
    load: float = 0.0
    other: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def describe_queries(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return f"{low} queries" if low == high else f"{low}–{high} queries"


def _one_request(client, probe: Probe, path: str) -> tuple[float, int, str, str | None]:
    probe.queries = 0
    probe.exceptions.clear()
    started = time.perf_counter()
    response = client.get(path, headers=HEADERS)
    body = response.get_data(as_text=True)
    elapsed = time.perf_counter() - started
    if probe.exceptions:
        error = probe.exceptions[-1]
        return elapsed, probe.queries, body, f"HTTP {response.status_code}: {type(error).__name__}: {error}"[:300]
    if response.status_code != 200:
        where = f" to {response.headers.get('Location')}" if response.status_code in (301, 302, 303) else ""
        return elapsed, probe.queries, body, f"HTTP {response.status_code}{where}"
    return elapsed, probe.queries, body, None


def _timed(client, probe: Probe, path: str, watched_pids: list[int]) -> Timing:
    timing = Timing(path)
    other = OtherWork(*watched_pids)
    warm_seconds, _, _, error = _one_request(client, probe, path)
    if error is None:
        for _ in range(RUNS if warm_seconds < SLOW_SECONDS else SLOW_RUNS):
            seconds, queries, timing.body, error = _one_request(client, probe, path)
            if error:
                break
            timing.seconds.append(seconds)
            timing.queries.append(queries)
    timing.error = error
    timing.other = other.share()
    timing.load = os.getloadavg()[0]
    return timing


# A lead's pages ---------------------------------------------------------------------------

CHART_IMAGE = re.compile(r'<img[^>]*\bsrc="(/staff/dashboard/([\w-]+)\.svg[^"]*)"')
LAST_PAGE = re.compile(r'<a href="([^"]+)">Last page</a>')  # the lists' keyset pager (no page numbers)
TOKEN = re.compile(r"(figures=)[^&]+")  # a new one per page view: not worth printing


def _measure_pages(rows: list[Row], client, probe: Probe, subject: str, with_budget: bool,
                   watched_pids: list[int]) -> None:
    def add(name: str, timing: Timing, budget_seconds: float) -> None:
        if timing.error:
            rows.append(Row("staff", f"{subject} {name}", "failed", result=ERROR,
                            how=f"GET {timing.path}: {timing.error}"))
            return
        budget = f"< {budget_seconds * 1000:.0f} ms" if with_budget else ""
        result = verdict(timing.median < budget_seconds) if with_budget else ""
        shown_path = TOKEN.sub(r"\1…", timing.path)
        how = (f"test client GET {shown_path}: median of {len(timing.seconds)} warm runs "
               f"({min(timing.seconds) * 1000:.0f}–{max(timing.seconds) * 1000:.0f} ms); "
               f"load avg {timing.load:.1f} on {os.cpu_count()} cores, {describe(timing.other)}")
        rows.append(Row("staff", f"{subject} {name}", f"{timing.median * 1000:.0f} ms · {timing.describe_queries()}",
                        budget, result, how))

    page = _timed(client, probe, "/staff/dashboard", watched_pids)
    add("dashboard", page, SLOW_PAGE)
    charts = [(html.unescape(src), name) for src, name in CHART_IMAGE.findall(page.body)]
    if not page.error and not charts:
        rows.append(Row("staff", f"{subject} dashboard charts", "none found", result=ERROR,
                        how="no <img src=\"/staff/dashboard/<name>.svg\"> on /staff/dashboard"))
    # As the page links them: each address names the figures that page computed.
    for src, name in charts:
        add(f"chart {name}", _timed(client, probe, src, watched_pids), SLOW_PAGE)

    for name, path in (("queue", "/staff/"), ("case list", "/staff/cases")):
        first = _timed(client, probe, path, watched_pids)
        add(name, first, LIST_PAGE)
        last = LAST_PAGE.search(first.body)
        if not first.error and last:
            add(f"{name} last page", _timed(client, probe, html.unescape(last.group(1)), watched_pids), LIST_PAGE)
    add("due list", _timed(client, probe, "/staff/reassessments", watched_pids), LIST_PAGE)


def _measure_database(rows: list[Row], name: str, database_url: str, workdir: Path,
                      database_pid: int | None) -> None:
    from flask import got_request_exception
    from sqlalchemy import create_engine, event

    from app.extensions import db
    from app.models.staff import Role
    from bench.staff_seed import Seeder, set_up_people  # imports the app: only when the part runs

    watched = [database_pid] if database_pid else []
    with _app(database_url, workdir) as app:
        with app.app_context():
            people, lead_team = set_up_people(db.session)
            accounts = [_make_account(Role.ADMIN, None), _make_account(Role.LEAD, lead_team)]
            lead_team_id = lead_team.id
            app_engine = db.engine
        probe = Probe()
        event.listen(app_engine, "before_cursor_execute", probe.count)
        got_request_exception.connect(probe.caught, app)
        seeding = create_engine(database_url)
        try:
            clients = [(account.role, _signed_in_client(app, account)) for account in accounts]
            seeder = Seeder(seeding, people, list(app.config["LANGUAGES"]))
            seeder.seed_places()
            for size in SIZES:
                label = f"{size // 1000}k"
                log(f"staff: seeding {name} up to {size} reports")
                started = time.monotonic()
                reports_before, cases_before = seeder.reports, seeder.cases
                seeder.grow_to(size)
                settled = seeder.settle()
                seconds = time.monotonic() - started
                lead_reports, lead_cases = seeder.visible_to_team(lead_team_id)
                rows.append(Row("staff", f"{name} {label} seed", f"{seconds:.1f} s", "", "",
                                f"bulk insert(Report), insert(Case) through SQLAlchemy Core in batches: "
                                f"+{seeder.reports - reports_before} reports, +{seeder.cases - cases_before} cases "
                                f"(now {seeder.reports} reports over 2 years, {seeder.cases} cases, "
                                f"{len(seeder.places)} places, {len(people.team_ids)} teams; the lead's team holds "
                                f"{lead_reports} reports and {lead_cases} cases); {settled}"))
                log(f"staff: {name} {label} seeded in {seconds:.1f} s; timing pages")
                for role, client in clients:
                    _measure_pages(rows, client, probe, f"{name} {label} {role}", size >= BUDGETS_AT, watched)
        finally:
            got_request_exception.disconnect(probe.caught, app)
            event.remove(app_engine, "before_cursor_execute", probe.count)
            seeding.dispose()
