"""Benchmarks for Noticed, run with `python -m bench` (or `make bench`); see bench/README.md.

Each module measures one figure and adds rows to the one table that `python -m bench` prints:
weights (bytes a phone downloads), lighthouse_scores (Lighthouse mobile), load (throughput
and latency under gunicorn) and ingest (10,000 reports into SQLite and PostgreSQL).
"""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
