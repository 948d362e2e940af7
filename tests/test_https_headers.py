"""HTTPS as deployed (DEPLOYING.md: a TLS proxy in front): the app's own headers keep the marks an
HTTP Observatory scan gives (HSTS once on https, CSP without inline script, frame-ancestors,
nosniff, no referrer) and its cookies are Secure, HttpOnly and SameSite."""
from __future__ import annotations

import re

import pytest

from tests.conftest import in_app_context, make_app

SIX_MONTHS = 182 * 24 * 3600  # the Observatory's shortest HSTS max-age without a penalty


@pytest.fixture
def proxied_app(tmp_path, migrated_database):
    """As `make serve` runs behind the proxy: one trusted proxy, Secure cookies (the default)."""
    app = make_app(tmp_path, migrated_database, TRUSTED_PROXIES=1, SESSION_COOKIE_SECURE=True)
    with in_app_context(app):
        yield app


def through_the_proxy(app, path: str):
    return app.test_client().get(path, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})


@pytest.mark.parametrize("path", ["/en/", "/en/report", "/ar/signs", "/en/no-such-page", "/api/v1/openapi.json"])
def test_pages_served_through_the_tls_proxy_carry_every_security_header(proxied_app, path):
    headers = through_the_proxy(proxied_app, path).headers
    max_age = int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"]).group(1))
    assert max_age >= SIX_MONTHS
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_plain_http_gets_no_hsts_header(proxied_app):
    # HSTS over http is ignored by browsers and would be wrong on `make run`'s plain loopback.
    assert "Strict-Transport-Security" not in proxied_app.test_client().get("/en/").headers


def test_the_session_cookie_is_secure_httponly_and_samesite(proxied_app):
    cookies = through_the_proxy(proxied_app, "/en/report").headers.getlist("Set-Cookie")
    [session_cookie] = [cookie for cookie in cookies if cookie.startswith("session=")]
    attributes = {part.strip().split("=")[0].lower() for part in session_cookie.split(";")}
    assert {"secure", "httponly", "samesite"} <= attributes


@pytest.mark.parametrize("path", ["/en/report", "/en/status", "/staff/sign-in"])
def test_every_cookie_a_page_sets_is_secure_and_httponly(proxied_app, path):
    # The Observatory marks down any cookie without Secure, a deletion included (Flask-Login's).
    for cookie in through_the_proxy(proxied_app, path).headers.getlist("Set-Cookie"):
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
        assert {"secure", "httponly"} <= attributes, cookie
