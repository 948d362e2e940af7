"""flask commands: translations (extract, update, compile, init, check), backup and restore."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.config import PROJECT_ROOT, TRANSLATIONS_DIR

translate = AppGroup("translate", help="Extract, update, check and compile the message catalogs.")
POT = TRANSLATIONS_DIR / "messages.pot"
# Babel skips folders starting with "_" by default, which would miss templates/_macros/.
EXTRACT_OPTIONS = ("-F", "babel.cfg", "-k", "_l", "--add-comments=Translators:", "--ignore-dirs=.* __pycache__ node_modules")


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=PROJECT_ROOT).returncode != 0:
        raise click.ClickException(f"pybabel {args[0]} failed")


@translate.command("extract")
def extract():
    """Write translations/messages.pot from the code, templates and scripts."""
    _pybabel("extract", *EXTRACT_OPTIONS, "--sort-by-file", "--no-wrap", "--project=Noticed", "-o", str(POT), ".")


@translate.command("update")
def update():
    """Extract, then merge new and changed strings into every catalog (changed ones become fuzzy)."""
    extract.callback()
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS_DIR), "--no-wrap")


@translate.command("init")
@click.argument("lang")
def init(lang: str):
    """Start a catalog for a new language."""
    extract.callback()
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS_DIR), "-l", lang, "--no-wrap")


@translate.command("compile")
def compile_catalogs():
    """Compile every catalog to the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS_DIR), "--statistics")


def register_commands(app: Flask) -> None:
    from app.backoffice.cli import register_backoffice_commands

    app.cli.add_command(translate)
    from app.translation_cli import register_translation_commands; register_translation_commands(translate)  # noqa: E702
    app.cli.add_command(precompress_static)
    for command in (backup_command, restore_command):
        app.cli.add_command(command)
    register_backoffice_commands(app)


@click.command("precompress")
def precompress_static():
    """Write brotli and gzip copies of the built assets and icons, for the static route."""
    from app.static_files import precompress

    click.echo(f"{precompress(PROJECT_ROOT / 'static' / 'gen') + precompress(PROJECT_ROOT / 'static' / 'icons')} files written")


@click.command("backup")
@click.option("--to", "folder", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the backup files (created 0700 if missing).")
@with_appcontext
def backup_command(folder: Path):
    """Back up the database (SQLite's online backup, or pg_dump -Fc) and the attachments, under
    timestamped names in FOLDER. Safe while the app runs. The files hold every report: keep them private."""
    from app.services.attachments import attachment_store
    from app.services.backup import BackupError, backup

    try:
        made = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], attachment_store(current_app.config), folder)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"database: {made.database}")
    click.echo(f"attachments: {made.attachments}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file: Path, yes: bool):
    """Replace the database with the backup FILE (made by `flask backup`) and put back the photos
    from the -attachments.tar beside it. Stop the app first. The current database is backed up
    beside FILE before anything is replaced; run `flask db upgrade` afterwards."""
    from app.extensions import db
    from app.services.attachments import attachment_store
    from app.services.backup import BackupError, backup, restore

    if not yes:
        click.confirm(f"Replace every report in the database with those in {file.name}?", abort=True)
    config = current_app.config
    db.engine.dispose()  # no pooled connection may hold the old database open
    store = attachment_store(config)
    try:
        before = backup(config["SQLALCHEMY_DATABASE_URI"], store, file.parent)
        click.echo(f"the database as it was: {before.database}")
        photos = restore(config["SQLALCHEMY_DATABASE_URI"], store, file)
    except (BackupError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {file.name} and {photos} photos")
