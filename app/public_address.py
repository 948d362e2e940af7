"""The one public address: every absolute link Noticed writes, and the only host it answers.

Links in e-mails, on posters, in QR codes and in invitations outlive the request that made them,
and a request's Host (or X-Forwarded-Host) is whatever its sender chose: a registration posted
with `Host: evil.example` once made Noticed e-mail someone a manage link on evil.example. So every
absolute link is PUBLIC_BASE_URL plus a path, built here and nowhere else, and a request naming
another host is refused with a 400 (Flask's TRUSTED_HOSTS, derived from PUBLIC_BASE_URL).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

from app.config import ConfigError

# `flask --debug run` and the test suite need no configuration.
DEVELOPMENT_ADDRESS = "http://127.0.0.1:5000"
# On a machine's own loopback both names reach the same server (`make run`, tests, the bench).
LOOPBACK_NAMES = ("localhost", "127.0.0.1")


def configure_public_address(app: Flask) -> None:
    """Refuse to serve without PUBLIC_BASE_URL (outside debug and tests); answer only its host."""
    if not app.config["PUBLIC_BASE_URL"]:
        if not (app.debug or app.testing):
            raise ConfigError(
                "PUBLIC_BASE_URL is not set: set it to the address people reach Noticed at, such as "
                "https://noticed.example.org. Links in e-mails, on posters and in QR codes are written "
                "with it, and requests for any other host are refused. (`make run` sets it for you.)")
        app.config["PUBLIC_BASE_URL"] = DEVELOPMENT_ADDRESS
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["PUBLIC_BASE_URL"])
    app.jinja_env.globals["public_link"] = lambda path: public_link(app.config["PUBLIC_BASE_URL"], path)


def trusted_hosts(base_url: str) -> list[str]:
    """The public address's host; both loopback names too when that host is loopback."""
    host = urlsplit(base_url).hostname or ""
    return [host, *(name for name in LOOPBACK_NAMES if name != host)] if host in LOOPBACK_NAMES else [host]


def public_link(base_url: str, path: str) -> str:
    """An absolute link: the public address and a path of this app (starting with /)."""
    return base_url.rstrip("/") + path


def public_url_for(endpoint: str, **values) -> str:
    """url_for(..., _external=True), but on PUBLIC_BASE_URL whatever host the request named."""
    return public_link(current_app.config["PUBLIC_BASE_URL"], url_for(endpoint, **values))
