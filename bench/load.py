"""Throughput and latency under gunicorn (2 workers), next to a Flask hello-world in the same run.

Both servers use gunicorn.conf.py unchanged (gthread, GUNICORN_THREADS threads per worker, the
access log) with WEB_CONCURRENCY=2, on loopback. Both are up at once and measured in turns
(hello-world, home, hello-world, home...), so that whatever else the machine is doing weighs
on both sides of the ratio alike; an idle gunicorn costs no CPU. The load generator runs in
this process on the same cores as the servers, so its own CPU use is reported beside the figures.
"""
from __future__ import annotations

import http.client
import json
import os
import time

from bench.cpu import OtherWork, describe
from bench.httpload import LoadResult, get_request, post_json_request, timed_load
from bench.servers import HOST, Server, app_environment, gunicorn, log, sqlite_database, workspace
from bench.table import BELOW_TARGET, OK, Row

HOME_RATIO_TARGET = 0.5
ROUNDS = 4  # the measured time of hello-world and of home is split into this many alternating turns
WARMUP = 2.0


def _describe(result: LoadResult) -> str:
    return (f"{result.throughput:7.0f} req/s · p50 {result.percentile(0.50) * 1000:5.1f} ms"
            f" · p99 {result.percentile(0.99) * 1000:6.1f} ms")


def _errors(result: LoadResult) -> str:
    """Empty when every answer was 2xx; else the count, so a fast figure made of errors shows."""
    bad = result.count - result.ok + sum(result.failures.values())
    return f"{bad} non-2xx" if bad else ""


def _how(result: LoadResult, other: float | None, options, what: str, timing: str, server_errors: str) -> str:
    threads = os.environ.get("GUNICORN_THREADS", "4")
    return (f"{what}; {options.clients} keep-alive clients (asyncio, raw sockets), {timing}, "
            f"{result.count} requests, non-2xx: {result.non_2xx()}; gunicorn -c gunicorn.conf.py, "
            f"2 workers × {threads} threads; the load generator used "
            f"{result.client_cpu / result.elapsed * 100:.0f}% of one core; {describe(other)}"
            + (f"; server log: {server_errors}" if server_errors else ""))


def run(rows: list[Row], options) -> None:
    clients, duration = options.clients, options.duration
    turn = duration / ROUNDS
    with workspace("load") as workdir, sqlite_database(workdir) as database_url:
        env = app_environment(database_url, workdir)
        with gunicorn("bench.hello:app", env, workdir) as hello_server, \
                gunicorn("bench.wsgi_bench:app", env, workdir, ready_path="/healthz") as app_server:
            first_home = _one_request(app_server.port, "/en/")  # nothing but /healthz was asked before
            hello_request = get_request("/", hello_server.port)
            home_request = get_request("/en/", app_server.port, Accept_Language="en")
            log(f"load: hello-world GET / and GET /en/ in {ROUNDS} alternating turns of {turn:.1f} s, "
                f"{clients} clients")
            for port, request in ((hello_server.port, hello_request), (app_server.port, home_request)):
                timed_load(port, lambda: request, clients, warmup=WARMUP, duration=0)
            other = OtherWork(hello_server.pid, app_server.pid)
            hello_turns, home_turns = [], []
            for _ in range(ROUNDS):
                hello_turns.append(timed_load(hello_server.port, lambda: hello_request, clients, warmup=0,
                                              duration=turn))
                home_turns.append(timed_load(app_server.port, lambda: home_request, clients, warmup=0,
                                             duration=turn))
            both_other = other.share()
            hello, home = LoadResult.combine(hello_turns), LoadResult.combine(home_turns)
            hello_errors, home_errors, api_start = hello_server.errors(), app_server.errors(), app_server.log_size()

            log(f"load: POST /api/v1/reports, {clients} clients × {duration:.0f} s")
            other = OtherWork(app_server.pid)
            api = timed_load(app_server.port, _new_report_request(app_server), clients, warmup=WARMUP,
                             duration=duration)
            api_other = other.share()
            api_errors = app_server.errors(since=api_start)
            warm_home = sorted(_one_request(app_server.port, "/en/") for _ in range(5))[2]

    turns = f"{ROUNDS} turns of {turn:.1f} s alternating with the other target (after a {WARMUP:.0f} s warm-up)"
    rows.append(Row("load", "hello-world GET /", _describe(hello), "", _errors(hello),
                    _how(hello, both_other, options, "bench/hello.py, a one-route Flask app", turns, hello_errors)))
    rows.append(Row("load", "home GET /en/", _describe(home), "", _errors(home),
                    _how(home, both_other, options, "bench/wsgi_bench.py (the app, rate limit off), SQLite",
                         turns, home_errors)))
    ratio = home.throughput / hello.throughput if hello.throughput else 0.0
    rows.append(Row("load", "home ÷ hello-world throughput", f"{ratio * 100:.0f}%", "≥ 50%",
                    OK if ratio >= HOME_RATIO_TARGET else BELOW_TARGET,
                    "req/s of GET /en/ divided by req/s of the hello-world, same gunicorn settings, measured "
                    "in alternating turns in the same run"))
    rows.append(Row("load", "first GET /en/ after start vs warm",
                    f"{first_home * 1000:.0f} ms vs {warm_home * 1000:.1f} ms", "", "",
                    "one request on a new connection: the first one the server gets after /healthz, then the "
                            "median of 5 after the load; catalogs and templates are read before the workers fork "
                            "(gunicorn.conf.py, app/serving.py)"))
    rows.append(Row("load", "API POST /api/v1/reports", _describe(api), "", _errors(api),
                    _how(api, api_other, options, "each request a new valid report (tests.factories.api_report, "
                                                  "unique id and receipt) into SQLite",
                         f"{WARMUP:.0f} s warm-up then {api.elapsed:.1f} s", api_errors)))


def _one_request(port: int, path: str) -> float:
    """Seconds for one GET on a new connection, answer read whole."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Language": "en"})
        connection.getresponse().read()
        return time.perf_counter() - started
    finally:
        connection.close()


def _new_report_request(server: Server):
    from tests.factories import api_report

    def next_request() -> bytes:
        return post_json_request("/api/v1/reports", server.port, json.dumps(api_report()).encode())

    return next_request
