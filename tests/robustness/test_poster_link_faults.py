"""A poster's short link while the database is down: the report form still opens, without the
"code not in use" note (it could be false), and the report keeps the place once it is sent."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.place import PlaceKind
from app.models.report import Report
from app.services.clock import now_utc
from app.services.places import PlaceDetails, register_place
from tests.conftest import hidden_fields
from tests.robustness.faults import allow_connections, refuse_connections

NOT_IN_USE = "code is not in use any more"


def pytest_generate_tests(metafunc):
    # Taking the database down needs a database server.
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.mark.postgres
def test_with_the_database_down_a_poster_link_opens_the_form_and_the_report_keeps_the_place(
        app, client, database_url, postgres_cluster):
    details = PlaceDetails(name="Main Street Pharmacy", kind=PlaceKind.BUSINESS, area="Springfield")
    code = register_place(db.session, details, now_utc()).place.code
    assert client.get("/en/report").status_code == 200  # the pool holds a live connection
    refuse_connections(postgres_cluster, database_url)
    try:
        link = client.get(f"/r/{code.lower()}", headers={"Accept-Language": "en"})
        assert link.headers["Location"] == f"/en/report?place={code}"
        page = client.get(link.headers["Location"])
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert NOT_IN_USE not in html
        fields = hidden_fields(html)
        assert fields["place"] == code
        words = {**fields, "kind": "threat", "description": "He said he would bring a knife.", "danger_now": "no"}
        still_down = client.post("/en/report", data=words)
        assert still_down.status_code == 503
        assert hidden_fields(still_down.get_data(as_text=True))["place"] == code  # kept for sending again
    finally:
        allow_connections(postgres_cluster, database_url)
    assert client.post("/en/report", data=words).status_code == 200
    assert db.session.execute(select(Report.place_code)).scalars().all() == [code]


@pytest.mark.postgres
def test_with_the_database_down_a_link_that_cannot_be_a_code_still_says_so(app, client, database_url,
                                                                            postgres_cluster):
    assert client.get("/en/report").status_code == 200
    refuse_connections(postgres_cluster, database_url)
    try:
        page = client.get(client.get("/r/NOPE").headers["Location"]).get_data(as_text=True)
    finally:
        allow_connections(postgres_cluster, database_url)
    assert NOT_IN_USE in page
    assert hidden_fields(page)["place"] == ""
