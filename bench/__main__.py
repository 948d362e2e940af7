"""`python -m bench [--only PART ...]`: run the measurements, print one table.

Exit status: 0 when every measurement ran (whatever it found: misses are marked OVER BUDGET,
BELOW TARGET or FAIL in the table), 1 when any measurement could not run (ERROR rows).
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback

from bench import ingest, lighthouse_scores, load, staff, weights
from bench.servers import log
from bench.table import ERROR, MeasurementError, Row, render

PARTS = {"weights": weights, "lighthouse": lighthouse_scores, "load": load, "ingest": ingest, "staff": staff}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Measure Noticed and print one table (see bench/README.md).")
    parser.add_argument("--only", action="append", choices=sorted(PARTS), metavar="{" + ",".join(PARTS) + "}",
                        help="run only this part (repeat for several); default: all, in the order above")
    parser.add_argument("--duration", type=float, default=10.0,
                        help="load: seconds measured per target, after a 2 s warm-up (default 10)")
    parser.add_argument("--clients", type=int, default=8, help="load and ingest: concurrent clients (default 8)")
    parser.add_argument("--reports", type=int, default=10_000,
                        help="ingest: distinct reports to send to each database (default 10000)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    selected = [name for name in PARTS if not options.only or name in options.only]
    rows: list[Row] = []
    started = time.monotonic()
    for name in selected:
        part_started = time.monotonic()
        try:
            PARTS[name].run(rows, options)
        except MeasurementError as error:
            rows.append(Row(name, "(measurement)", "did not run", result=ERROR, how=str(error)))
        except Exception as error:  # any other crash is also a measurement that did not run
            traceback.print_exc(file=sys.stderr)
            rows.append(Row(name, "(measurement)", "crashed", result=ERROR, how=f"{type(error).__name__}: {error}"))
        log(f"{name}: done in {time.monotonic() - part_started:.0f} s")
    log(f"all parts done in {time.monotonic() - started:.0f} s")
    print(render(rows), flush=True)
    return 1 if any(row.result == ERROR for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
