"""The one table the bench prints: a row per figure, with its budget, verdict and method."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

# Verdicts. A missed budget or target is a finding, not a failure of the bench: only ERROR
# (the measurement itself could not run) makes `python -m bench` exit non-zero.
OK = "ok"
OVER_BUDGET = "OVER BUDGET"
BELOW_TARGET = "BELOW TARGET"
PASS = "PASS"
FAIL = "FAIL"
ERROR = "ERROR"
SKIPPED = "skipped"
UNAVAILABLE = "unavailable"

KB = 1024  # every "KB" in the table is 1,024 bytes


@dataclass
class Row:
    figure: str
    subject: str
    value: str
    budget: str = ""
    result: str = ""
    how: str = ""


class MeasurementError(RuntimeError):
    """A measurement could not be taken (a server did not start, a page did not answer...)."""


def kb(size: int) -> str:
    return f"{size / KB:.1f}"


def verdict(within: bool, miss: str = OVER_BUDGET) -> str:
    return OK if within else miss


HEADERS = ("Figure", "Subject", "Value", "Budget", "Result", "How measured")
HOW_WIDTH = 78


def render(rows: list[Row]) -> str:
    """Plain text, columns aligned; the last column wraps onto continuation lines."""
    cells = [(r.figure, r.subject, r.value, r.budget, r.result) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h)
              for i, h in enumerate(HEADERS[:-1])]

    def line(fixed: tuple[str, ...], how: str) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(fixed, widths)) + "  " + how

    out = [line(HEADERS[:-1], HEADERS[-1]).rstrip(),
           "  ".join("-" * w for w in widths) + "  " + "-" * len(HEADERS[-1])]
    previous_figure = None
    for row, fixed in zip(rows, cells):
        if previous_figure is not None and row.figure != previous_figure:
            out.append("")
        previous_figure = row.figure
        how_lines = textwrap.wrap(row.how, HOW_WIDTH, break_on_hyphens=False) or [""]
        out.append(line(fixed, how_lines[0]).rstrip())
        blank = tuple("" for _ in fixed)
        out.extend(line(blank, more).rstrip() for more in how_lines[1:])
    return "\n".join(out)
