"""`flask translate export-po`, `check` and `progress`: approved suggestions back into the
catalogs (and so into the repository), the machine checks of every catalog for CI, and each
language's completeness as the ship policy counts it.

Both take --translations-dir (default: the app's translations/), so tests and dry runs can work
on a copy and never touch the real catalogs.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services import translations

translations_dir_option = click.option(
    "--translations-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The folder holding <lang>/LC_MESSAGES/messages.po (default: the one the app serves).")


def _or_served(translations_dir: Path | None) -> Path:
    return translations_dir or translations.translations_dir_of(current_app.config)


@click.command("export-po")
@click.argument("lang")
@translations_dir_option
def export_po(lang: str, translations_dir: Path | None):
    """Write the approved translations of LANG into its messages.po, as reviewed (not fuzzy)."""
    translations_dir = _or_served(translations_dir)
    try:
        exported = translations.export_approved(db.session, translations_dir, lang)
    except translations.TranslationError:
        raise click.ClickException(f"no catalog for {lang!r} in {translations_dir}") from None
    click.echo(f"{lang}: wrote {exported.written} approved translation(s) into {exported.path}"
               + (f"; {exported.skipped} skipped because their English is no longer in the catalog"
                  if exported.skipped else ""))


def msgfmt_problems(translations_dir: Path) -> list[str]:
    """What `msgfmt --check` says about each catalog; nothing when msgfmt is not installed."""
    if not shutil.which("msgfmt"):
        click.echo("msgfmt not found (apt-get install gettext): its checks were skipped", err=True)
        return []
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        for lang in translations.catalog_languages(translations_dir):
            po = translations.catalog_path(translations_dir, lang)
            result = subprocess.run(["msgfmt", "--check", "-o", str(Path(scratch) / "m.mo"), str(po)],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                found.append(f"{lang}: msgfmt --check: {result.stderr.strip()}")
    return found


@click.command("check")
@translations_dir_option
def check(translations_dir: Path | None):
    """Check every catalog: placeholders, markup, links, phone numbers, plural forms, msgfmt.
    Exits non-zero when anything blocks (warnings alone do not)."""
    translations_dir = _or_served(translations_dir)
    problems = translations.catalog_problems(translations_dir)
    for found in problems:
        kind = "error" if found.problem.blocking else "warning"
        click.echo(f"{found.language}: {kind}: {found.problem.message} [{found.problem.code}] in {found.msgid[:70]!r}")
    failures = msgfmt_problems(translations_dir)
    for failure in failures:
        click.echo(failure)
    blocking = sum(found.problem.blocking for found in problems)
    languages = len(translations.catalog_languages(translations_dir))
    click.echo(f"checked {languages} catalog(s): {blocking + len(failures)} blocking problem(s), "
               f"{len(problems) - blocking} warning(s)")
    if blocking or failures:
        raise SystemExit(1)


@click.command("progress")
@translations_dir_option
def progress(translations_dir: Path | None):
    """Each language's completeness, counting approved translations, and whether it is listed."""
    translations_dir = _or_served(translations_dir)
    config = current_app.config
    rows = [("Language", "Translated", "Safety-critical", "Listed", "Reviewed", "Waiting")]
    for lang in translations.translatable_languages(db.session, translations_dir):
        found = translations.language_progress(db.session, translations_dir, lang, config["SHIP_MIN_TRANSLATED"],
                                               config["REQUIRE_REVIEWED_LANGUAGES"])
        ready = found.readiness
        rows.append((lang, f"{ready.translated}/{ready.total} ({ready.share_translated:.1%})",
                     f"{ready.safety_translated}/{ready.safety_total}", "yes" if found.listed else "no",
                     "yes" if ready.reviewed else "awaiting review", str(found.waiting_for_review)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def register_translation_commands(translate_group: AppGroup) -> None:
    translate_group.add_command(export_po)
    translate_group.add_command(check)
    translate_group.add_command(progress)
