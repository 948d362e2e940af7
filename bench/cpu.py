"""How much of the machine other work took while a figure was measured (Linux /proc).

Throughput on a 2-core machine depends on whatever else runs there. The bench cannot stop
other work, but it can say how much there was: all CPU time spent during the run, minus the
time of the bench's own process and of the servers it started (gunicorn's master and workers,
PostgreSQL's postmaster and backends).
"""
from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _machine() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all CPUs since boot."""
    try:
        fields = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # guest time is already counted in user
    return total - idle, total


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from "state" on (the name may hold spaces)


def _ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0  # utime + stime


def _family(roots: list[int]) -> set[int]:
    """The root processes and all their descendants."""
    parents: dict[int, int] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields:
                parents[int(entry.name)] = int(fields[1])
    family = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return family


class OtherWork:
    """Start before a run, `share()` after: the fraction of all CPUs spent by other processes."""

    def __init__(self, *server_pids: int) -> None:
        self.roots = [os.getpid(), *server_pids]
        self.start_machine = _machine()
        self.start_pids = _family(self.roots) if self.start_machine else set()
        self.start_ours = {pid: _ticks(pid) for pid in self.start_pids}

    def share(self) -> float | None:
        end_machine = _machine()
        if not (self.start_machine and end_machine):
            return None
        pids = self.start_pids | _family(self.roots)
        ours = sum(_ticks(pid) - self.start_ours.get(pid, 0) for pid in pids)
        busy = end_machine[0] - self.start_machine[0]
        total = end_machine[1] - self.start_machine[1]
        return max(0.0, (busy - ours) / total) if total > 0 else None


def describe(share: float | None) -> str:
    return "other processes: n/a" if share is None else f"other processes took {share * 100:.0f}% of the CPUs"
