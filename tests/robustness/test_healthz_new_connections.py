"""/healthz opens a new database connection: a connection kept in the pool goes on working while
the database refuses new ones, and the health check said 200 through such an outage."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.extensions import db

from tests.robustness.faults import allow_connections, database_name


def pytest_generate_tests(metafunc):
    # Refusing new connections while keeping the open ones needs a database server.
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.mark.postgres
def test_healthz_says_503_when_new_connections_fail_though_pooled_ones_work(app, client, database_url,
                                                                           postgres_cluster):
    assert db.session.execute(text("SELECT 1")).scalar_one() == 1  # the pool holds a live connection
    assert client.get("/healthz").status_code == 200
    # New connections are refused; the ones open stay open (unlike refuse_connections).
    postgres_cluster.execute(f"ALTER DATABASE {database_name(database_url)} ALLOW_CONNECTIONS false")
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["status"] == "unavailable"
        assert db.session.execute(text("SELECT 1")).scalar_one() == 1  # the pooled one does still work
    finally:
        allow_connections(postgres_cluster, database_url)
    assert client.get("/healthz").status_code == 200
