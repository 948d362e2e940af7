"""Lighthouse mobile scores for the main pages in English and Arabic, against gunicorn on loopback.

Lighthouse is pinned in bench/lighthouse/package.json (+ package-lock.json) and installed there
with npm; it drives Debian's Chromium (CHROME_PATH). Runs are sequential: on 2 cores, parallel
runs would slow each other and lower the performance scores.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from bench import BENCH_DIR
from bench.servers import app_environment, gunicorn, log, sqlite_database, tail, workspace
from bench.table import ERROR, OVER_BUDGET, OK, UNAVAILABLE, MeasurementError, Row

LIGHTHOUSE_DIR = BENCH_DIR / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
                "--disable-component-update --disable-sync --disable-dev-shm-usage")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LANGUAGES = ("en", "ar")
PAGES = (("home", "/{lang}/", 95), ("warning signs", "/{lang}/signs", 95),
         ("report form", "/{lang}/report", None), ("status", "/{lang}/status", None))
RUN_TIMEOUT = 150  # seconds per page


def install() -> Path:
    """`npm install` in bench/lighthouse; returns the lighthouse CLI. Raises OSError/RuntimeError."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm not found")
    done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=LIGHTHOUSE_DIR,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"npm install failed: {tail(done.stderr or done.stdout, 3)}")
    cli = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
    if not cli.exists():
        raise RuntimeError("npm install left no node_modules/.bin/lighthouse")
    return cli


def run(rows: list[Row], options) -> None:
    log("lighthouse: npm install in bench/lighthouse")
    try:
        cli = install()
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as error:
        rows.append(Row("lighthouse", "all pages", f"lighthouse: unavailable ({error})", result=UNAVAILABLE,
                        how="npm install in bench/lighthouse did not give a lighthouse CLI"))
        return
    if not Path(CHROME).exists():
        raise MeasurementError(f"no Chromium at {CHROME} (set CHROME_PATH)")
    version = json.loads((LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json").read_text())["version"]

    with workspace("lighthouse") as workdir, sqlite_database(workdir) as database_url:
        # One worker: the app as wsgi.py builds it counts reports per process without Redis, so
        # gunicorn refuses two (app/serving.py); one visitor at a time needs no more.
        env = app_environment(database_url, workdir, WEB_CONCURRENCY="1")
        # The app exactly as wsgi.py builds it: no page Lighthouse loads is rate-limited.
        with gunicorn("wsgi:app", env, workdir, ready_path="/healthz") as server:
            for lang in LANGUAGES:
                for name, pattern, budget in PAGES:
                    path = pattern.format(lang=lang)
                    url = f"http://127.0.0.1:{server.port}{path}"
                    log(f"lighthouse: {url}")
                    try:
                        report = _lighthouse_with_one_retry(cli, url, workdir)
                    except MeasurementError as error:
                        rows.append(Row("lighthouse", f"{name} {path}", "did not run", result=ERROR, how=str(error)))
                        continue
                    _score_rows(rows, f"{name} {path}", report, budget, version)


def _lighthouse_with_one_retry(cli: Path, url: str, workdir: Path) -> dict:
    # Lighthouse sometimes fails to record the trace on a busy machine (NO_NAVSTART) and asks to
    # be run again: once, so that a page that really fails still shows as an error.
    try:
        return _lighthouse(cli, url, workdir)
    except MeasurementError as error:
        log(f"lighthouse: {url} failed ({error}); running it once more")
        return _lighthouse(cli, url, workdir)


def _lighthouse(cli: Path, url: str, workdir: Path) -> dict:
    output = workdir / "report.json"
    output.unlink(missing_ok=True)
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)  # a fresh profile for every run
    command = [str(cli), url, "--output=json", f"--output-path={output}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile",
               f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}"]
    env = {**os.environ, "CHROME_PATH": CHROME}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise MeasurementError(f"lighthouse took over {RUN_TIMEOUT} s") from None
    finally:
        # chrome-launcher starts Chromium detached: stop any left on this run's own profile.
        _kill_processes_using(profile)
        shutil.rmtree(profile, ignore_errors=True)
    if process.returncode != 0 or not output.exists():
        said = (stderr or stdout).splitlines()
        # The message, not the stack trace under it.
        errors = [line.strip() for line in said if "error" in line.lower() and not line.strip().startswith("at ")]
        raise MeasurementError(f"lighthouse exited {process.returncode}: "
                               f"{' | '.join(errors[:2]) if errors else tail(stderr or stdout, 3)}")
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise MeasurementError(f"lighthouse runtime error: {report['runtimeError'].get('message')}")
    return report


def _kill_processes_using(profile: str) -> None:
    """SIGKILL the processes whose command line names this run's profile dir (ours alone)."""
    marker = f"--user-data-dir={profile}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def failing_audits(report: dict, category: str) -> list[str]:
    """The audits that cost this category points: weighted, scored, and below a full score."""
    audits = report["audits"]
    failing = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        if ref.get("weight", 0) <= 0 or audit.get("score") is None:
            continue
        if audit.get("scoreDisplayMode") in ("notApplicable", "informative", "manual"):
            continue
        if audit["score"] < 1:
            shown = f", {audit['displayValue']}" if audit.get("displayValue") else ""
            failing.append(f"{ref['id']} (score {audit['score']:.2f}{shown}, weight {ref['weight']}){_example(audit)}")
    return failing


def _example(audit: dict) -> str:
    """For an audit that names elements: how many, and the first one with axe's explanation."""
    nodes = [item["node"] for item in (audit.get("details") or {}).get("items", [])
             if isinstance(item, dict) and isinstance(item.get("node"), dict)]
    if not nodes:
        return ""
    first = nodes[0]
    where = first.get("selector", "").split(">")[-1].strip() or first.get("snippet", "")
    why = " ".join(line.strip() for line in first.get("explanation", "").splitlines()[1:2])
    return f" on {len(nodes)} element{'s' if len(nodes) != 1 else ''}, e.g. {where}" + (f": {why}" if why else "")


def _score_rows(rows: list[Row], subject: str, report: dict, budget: int | None, version: str) -> None:
    for category in CATEGORIES:
        score = report["categories"][category]["score"]
        if score is None:
            rows.append(Row("lighthouse", f"{subject} {category}", "no score", result=ERROR,
                            how="Lighthouse could not score this category"))
            continue
        points = round(score * 100)
        how = f"lighthouse {version}, mobile preset, Chromium headless"
        if points < 100:
            failing = failing_audits(report, category)
            how += "; failing: " + ("; ".join(failing) if failing else
                                    "no single weighted audit below 1 (rounding of metric scores)")
        result = ""
        if budget is not None:
            result = OK if points >= budget else OVER_BUDGET
        rows.append(Row("lighthouse", f"{subject} {category}", str(points),
                        f"≥ {budget}" if budget is not None else "", result, how))
