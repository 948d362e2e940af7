"""The CSV export of reports: one row per report after a header, the same as the database,
filtered by date and status, with spreadsheet formulas neutralised."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from click.testing import CliRunner
from sqlalchemy import select

from app.extensions import db
from app.models.report import PublicStatus, Report
from app.models.staff import Role
from app.services.exports import REPORT_COLUMNS, neutralise
from app.services.triage import set_routing_rule
from tests.backoffice.conftest import make_report, make_team


def cli_rows(app, *args) -> list[list[str]]:
    result = CliRunner().invoke(app.cli, ["reports", "export", *args])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


def test_cli_export_has_a_header_and_one_row_per_report_matching_the_database(app):
    make_report(description="First report.", involved="A teacher", language="es")
    make_report(kind="online", description="Second, with a comma, and \"quotes\"\nand a new line.")
    rows = cli_rows(app)
    assert rows[0] == REPORT_COLUMNS
    stored = db.session.execute(select(Report).order_by(Report.id)).scalars().all()
    assert len(rows) == 1 + len(stored)
    for row, report in zip(rows[1:], stored):
        as_dict = dict(zip(REPORT_COLUMNS, row))
        assert as_dict["id"] == str(report.id)
        assert as_dict["description"] == report.description
        assert as_dict["involved"] == report.involved
        assert as_dict["kind"] == report.kind.value
        assert as_dict["language"] == report.language
        exported_at = datetime.fromisoformat(as_dict["received_at"]).replace(tzinfo=None)
        assert exported_at == report.received_at.replace(tzinfo=None)


def test_cells_that_start_like_a_formula_are_neutralised(app):
    make_report(description="=HYPERLINK(\"http://evil.example\",\"click\")", involved="+1+1", location="-2",
                occurred_at="@SUM(A1)")
    row = dict(zip(REPORT_COLUMNS, cli_rows(app)[1]))
    assert row["description"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert (row["involved"], row["location"], row["occurred_at"]) == ("'+1+1", "'-2", "'@SUM(A1)")


def test_tab_and_carriage_return_at_the_start_are_neutralised_too():
    assert neutralise("\t=1") == "'\t=1"
    assert neutralise("\r=1") == "'\r=1"
    assert neutralise("plain") == "plain"


def test_cli_export_filters_by_date_and_status(app):
    old = make_report(description="Old")
    old.received_at = datetime(2025, 1, 10, tzinfo=timezone.utc)
    closed = make_report(description="Closed one")
    closed.received_at = datetime(2025, 2, 10, tzinfo=timezone.utc)
    closed.public_status = PublicStatus.CLOSED
    recent = make_report(description="Recent")
    recent.received_at = datetime(2025, 2, 11, tzinfo=timezone.utc)
    db.session.commit()
    ids = [row[0] for row in cli_rows(app, "--since", "2025-02-01", "--until", "2025-02-11")[1:]]
    assert ids == [str(closed.id), str(recent.id)]
    ids = [row[0] for row in cli_rows(app, "--status", "closed")[1:]]
    assert ids == [str(closed.id)]


def test_lead_downloads_the_same_csv_for_their_own_team(app, staff_client):
    set_routing_rule(db.session, make_team("North High"), None, place_code="NORTH001")
    ours = make_report()
    make_report(place_code="NORTH001")
    client, _ = staff_client(Role.LEAD)
    response = client.get("/staff/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == [str(ours.id)]
    assert rows[1] == cli_rows(app)[1]
