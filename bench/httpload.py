"""A small, bounded HTTP/1.1 load generator: asyncio, raw sockets, keep-alive, loopback only.

Written for this bench rather than pulled in, so it runs wherever the venv does. Each client
holds one keep-alive connection and sends its next request as soon as the last answer is read.
"""
from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from bench.servers import HOST


class ProtocolError(RuntimeError):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One keep-alive connection to 127.0.0.1:port; reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> Response:
        reused = self.writer is not None
        if not reused:
            await self._open()
        try:
            return await self._exchange(raw)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            await self.close()
            # A kept-alive connection the server closed before reading: safe to send once more,
            # the request never reached the app. Anything else is a real failure.
            if reused and isinstance(error, asyncio.IncompleteReadError) and not error.partial:
                await self._open()
                return await self._exchange(raw)
            raise

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port, limit=1 << 20)

    async def _exchange(self, raw: bytes) -> Response:
        assert self.reader and self.writer
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ProtocolError(f"bad status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:  # no length: the body runs to the end of the connection
            body = await self.reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close" or parts[0] == "HTTP/1.0":
            await self.close()
        return Response(int(parts[1]), headers, body)

    async def _chunked(self) -> bytes:
        assert self.reader
        chunks = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while (await self.reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(chunks)
            chunks.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None


def get_request(path: str, port: int, **headers: str) -> bytes:
    extra = "".join(f"{name.replace('_', '-')}: {value}\r\n" for name, value in headers.items())
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{extra}\r\n".encode()


def post_json_request(path: str, port: int, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


@dataclass
class LoadResult:
    elapsed: float
    latencies: list[float] = field(default_factory=list)  # seconds, measured requests only
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # connection-level errors by kind
    client_cpu: float = 0.0  # CPU seconds the generator itself used while measuring

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(1, math.ceil(fraction * len(ordered)))  # nearest rank
        return ordered[min(rank, len(ordered)) - 1]

    @classmethod
    def combine(cls, parts: list["LoadResult"]) -> "LoadResult":
        """Several measured windows of the same target as one."""
        total = cls(elapsed=sum(p.elapsed for p in parts), client_cpu=sum(p.client_cpu for p in parts))
        for part in parts:
            total.latencies.extend(part.latencies)
            for status, n in part.statuses.items():
                total.statuses[status] = total.statuses.get(status, 0) + n
            for kind, n in part.failures.items():
                total.failures[kind] = total.failures.get(kind, 0) + n
        return total

    def non_2xx(self) -> str:
        bad = {str(s): n for s, n in sorted(self.statuses.items()) if not 200 <= s < 300}
        bad.update(self.failures)
        return ", ".join(f"{n}× {s}" for s, n in bad.items()) or "none"


async def _timed_load(port: int, next_request: Callable[[], bytes], clients: int, warmup: float,
                      duration: float) -> LoadResult:
    loop_start = time.perf_counter()
    measure_from = loop_start + warmup
    stop_at = measure_from + duration
    result = LoadResult(elapsed=duration)
    cpu_at_start: list[float] = []

    async def client() -> None:
        connection = Connection(port)
        try:
            while True:
                started = time.perf_counter()
                if started >= stop_at:
                    return
                if started >= measure_from and not cpu_at_start:
                    cpu_at_start.append(time.process_time())
                try:
                    response = await connection.request(next_request())
                except (OSError, asyncio.IncompleteReadError, ProtocolError, ValueError) as error:
                    if started >= measure_from:
                        kind = type(error).__name__
                        result.failures[kind] = result.failures.get(kind, 0) + 1
                    await connection.close()
                    await asyncio.sleep(0.05)
                    continue
                if started >= measure_from:
                    result.latencies.append(time.perf_counter() - started)
                    result.statuses[response.status] = result.statuses.get(response.status, 0) + 1
        finally:
            await connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    result.elapsed = max(time.perf_counter(), stop_at) - measure_from
    result.client_cpu = time.process_time() - (cpu_at_start[0] if cpu_at_start else time.process_time())
    return result


def timed_load(port: int, next_request: Callable[[], bytes], clients: int = 8, warmup: float = 2.0,
               duration: float = 10.0) -> LoadResult:
    """`clients` keep-alive clients for warmup + duration seconds; only requests started after the
    warm-up are counted, and a request still open at the end is waited for (so elapsed ≥ duration)."""
    return asyncio.run(_timed_load(port, next_request, clients, warmup, duration))


Job = Callable[[Connection], Awaitable[bool]]


async def _run_jobs(port: int, next_job: Callable[[], Job | None], clients: int, time_limit: float) -> float:
    started = time.perf_counter()
    deadline = started + time_limit

    async def client() -> None:
        connection = Connection(port)
        try:
            while time.perf_counter() < deadline:
                job = next_job()
                if job is None:
                    return
                if not await job(connection):
                    await asyncio.sleep(0.005)  # nothing to do yet: let other clients finish theirs
        finally:
            await connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started


def run_jobs(port: int, next_job: Callable[[], Job | None], clients: int = 8, time_limit: float = 300.0) -> float:
    """Clients take jobs until next_job() returns None or the time limit passes; returns the wall time.
    A job returns False when it had nothing to send yet."""
    return asyncio.run(_run_jobs(port, next_job, clients, time_limit))
