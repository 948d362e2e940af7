"""flask commands for the back office: staff, alerts, reports, retention. Cron-friendly: quiet on
success except for a one-line summary, non-zero exit on failure."""
from __future__ import annotations

import sys
from datetime import date, datetime, timezone

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.backoffice.access import sign_in_throttle
from app.extensions import db
from app.models.report import PublicStatus
from app.models.staff import Role
from app.services import alerts as alert_service
from app.services import audit, exports, retention, triage
from app.services import staff as accounts
from app.services.attachments import attachment_store

staff_cli = AppGroup("staff", help="Staff accounts and teams of the back office.")
alerts_cli = AppGroup("alerts", help="Alerts to on-call staff and reassessment reminders (run from cron).")
reports_cli = AppGroup("reports", help="Reports: export.")
retention_cli = AppGroup("retention", help="Deleting what is kept no longer than promised.")

ROLE_NAMES = [role.value for role in Role]


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _team(name: str | None):
    if not name:
        return None
    team = accounts.team_by_name(db.session, name)
    if team is None:
        raise click.ClickException(f"no team named {name!r}: create it with `flask staff create-team`")
    return team


def _staff_or_fail(email: str):
    staff = accounts.find_by_email(db.session, email)
    if staff is None:
        raise click.ClickException(f"no staff account for {email}")
    return staff


@staff_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--team", "team_name", help="Team name (default: the default team).")
def create_staff(email: str, role: str, team_name: str | None):
    """Create a staff account. The password is read from standard input when it is not a
    terminal (e.g. `printf '%s' "$PW" | flask staff create ...`), prompted for otherwise."""
    password = _read_password()
    try:
        staff = accounts.create_staff(db.session, email, Role(role), password=password, team=_team(team_name))
    except accounts.StaffError as error:
        raise click.ClickException({
            "password_too_short": f"the password needs at least {accounts.MIN_PASSWORD_LENGTH} characters",
            "password_is_email": "the password must not be the email address",
            "email_taken": "there is already an account with this email",
            "email_invalid": "that is not an email address",
        }.get(error.code, error.code)) from None
    click.echo(f"created {staff.email} ({staff.role.value}, team {staff.team.name}); "
               "two-step sign-in is set up at the first sign-in")


@staff_cli.command("create-team")
@click.argument("name")
@click.option("--default", "make_default", is_flag=True, help="Reports no routing rule claims go here.")
def create_team(name: str, make_default: bool):
    """Create a prevention team."""
    try:
        team = accounts.create_team(db.session, name, make_default=make_default)
    except accounts.StaffError as error:
        raise click.ClickException(error.code) from None
    click.echo(f"created team {team.name}" + (" (default)" if team.is_default else ""))


@staff_cli.command("route")
@click.argument("team_name")
@click.option("--place", "place_code", help="A place code: its reports go to the team.")
@click.option("--area", help="An area: reports from its places go to the team.")
def route(team_name: str, place_code: str | None, area: str | None):
    """Route a place's (or an area's) reports to a team."""
    if not (place_code or area):
        raise click.UsageError("give --place or --area")
    triage.set_routing_rule(db.session, _team(team_name), None, place_code=place_code, area=area)
    click.echo("routing saved")


@staff_cli.command("unlock")
@click.argument("email")
def unlock(email: str):
    """Lift the wait that failed sign-ins put on an account (failures never lock one). Reaches the
    server's counters when they are in Redis (RATELIMIT_STORAGE_URI); with memory:// they live in
    the server's processes, and restarting it clears them."""
    accounts.let_try_again(db.session, _staff_or_fail(email), sign_in_throttle(), None)
    click.echo(f"{email} can try to sign in again now")


@staff_cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str):
    """For a lost phone without recovery codes: two-step sign-in is set up again at the next sign-in."""
    accounts.reset_two_factor(db.session, _staff_or_fail(email), None)
    click.echo(f"{email} will set up two-step sign-in again")


@staff_cli.command("set-languages")
@click.argument("email")
@click.argument("codes")
def set_languages(email: str, codes: str):
    """Set the languages a translator translates and reviews, e.g. `es,vi` ("" for none)."""
    from app.services import translations

    catalogs = translations.translations_dir_of(current_app.config)
    try:
        wanted = translations.set_staff_languages(db.session, _staff_or_fail(email), codes, catalogs, None)
    except translations.TranslationError:
        known = ", ".join(translations.translatable_languages(db.session, catalogs))
        raise click.ClickException(f"use the codes of languages with a catalog: {known}") from None
    click.echo(f"{email} translates: {', '.join(wanted) or 'no language'}")


def _alert_settings() -> alert_service.AlertSettings:
    return alert_service.AlertSettings.from_config(current_app.config)


@alerts_cli.command("escalate")
def escalate():
    """Retry alerts not yet delivered, and pass unacknowledged ones to the next person on call."""
    settings = _alert_settings()
    retried = alert_service.retry_pending(db.session, settings)
    escalated = alert_service.escalate(db.session, settings)
    click.echo(f"retried {retried} pending alert(s), escalated {len(escalated)}")


@alerts_cli.command("send-due")
def send_due():
    """Mail each case owner their due and overdue reassessments (once a day), and retry pending alerts."""
    settings = _alert_settings()
    alert_service.retry_pending(db.session, settings)
    sent = alert_service.send_due_reassessments(db.session, settings, date.today())
    click.echo(f"sent {sent} reassessment reminder(s)")


@reports_cli.command("export")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Received on or after this day (UTC).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Received on or before this day (UTC).")
@click.option("--status", type=click.Choice([s.value for s in PublicStatus]), help="Only reports with this status.")
def export_reports(since: datetime | None, until: datetime | None, status: str | None):
    """Write every report as CSV to standard output, one row per report after a header row."""
    wanted = exports.ReportExport(since=since.date() if since else None, until=until.date() if until else None,
                                  status=PublicStatus(status) if status else None)
    audit.record(db.session, None, "reports.exported", "report", None,
                 f"since={wanted.since or ''} until={wanted.until or ''} status={status or ''}")
    db.session.commit()
    exports.write_csv(exports.report_rows(db.session, wanted), sys.stdout)


@retention_cli.command("purge")
def purge():
    """Delete the cases, reports and photo files past their retention period; print the counts."""
    config = current_app.config
    counts = retention.purge(db.session, attachment_store(config), datetime.now(timezone.utc),
                             unfounded_days=config["UNFOUNDED_RETENTION_DAYS"],
                             retention_days=config["REPORT_RETENTION_DAYS"])
    click.echo(f"deleted {counts.cases} case(s), {counts.reports} report(s), {counts.attachment_files} file(s), "
               f"{counts.orphan_files} orphaned file(s)")


def register_backoffice_commands(app: Flask) -> None:
    for group in (staff_cli, alerts_cli, reports_cli, retention_cli):
        app.cli.add_command(group)
