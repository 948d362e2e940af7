"""The app factory: builds the app, binds extensions, registers blueprints. No I/O here."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from app.config import PROJECT_ROOT, TRANSLATIONS_DIR, Settings
from app.extensions import assets, babel, csrf, db, limiter, migrate
from app.public_address import configure_public_address


class NoticedFlask(Flask):
    def get_send_file_max_age(self, filename: str | None) -> int | None:
        # Bundles carry a content hash in their name, so they never change: cache for a year.
        if filename and filename.startswith("gen/"):
            return 365 * 24 * 3600
        return 3600

    def send_static_file(self, filename: str):
        from app.static_files import send_static

        return send_static(self, filename)


def create_app(config: dict | None = None) -> Flask:
    app = NoticedFlask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    settings = Settings.from_environment(Path(app.instance_path))
    app.config.update(settings.as_flask_config())
    app.config.update(
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        BABEL_DEFAULT_LOCALE="en",
        SQLALCHEMY_RECORD_QUERIES=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A report form may be filled slowly (or offline): keep the token valid for a day.
        WTF_CSRF_TIME_LIMIT=24 * 3600,
        # The hash is in the file name (see bundles.py), so no ?query is needed to bust caches;
        # the manifest lets a production server find the built names without rebuilding.
        ASSETS_URL_EXPIRE=False,
        ASSETS_MANIFEST="json:gen/.manifest.json",
    )
    if config:
        app.config.update(config)
    configure_public_address(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # No x_host: links never come from the request's host (app/public_address.py), and the
        # Host header the proxy passes on is checked against PUBLIC_BASE_URL's like any other.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"], x_proto=1)

    # The development server's access log names the client's address: reporters must stay
    # anonymous, so it is silenced (gunicorn's access log format is set in gunicorn.conf.py).
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True)
    babel.init_app(app, locale_selector=_select_locale)
    from app.i18n_overrides import use_approved_translations  # approved suggestions before the .mo files
    use_approved_translations(app)
    csrf.init_app(app)
    limiter.init_app(app)
    assets.init_app(app)
    app.jinja_env.policies["ext.i18n.trimmed"] = True

    from app import database, models  # noqa: F401  (connection settings; tables in the metadata)
    from app.api import bp as api_bp
    from app.backoffice import bp as backoffice_bp
    from app.bundles import register_bundles
    from app.cli import register_commands
    from app.errors import register_error_handlers
    from app.http_caching import register_page_caching
    from app.i18n import register_language_routing
    from app.public import bp as public_bp
    from app.posters import bp as posters_bp
    from app.pwa import bp as pwa_bp
    from app.reporting import bp as reporting_bp
    from app.security import register_security_headers

    register_bundles(assets)
    register_language_routing(app)
    register_security_headers(app)
    register_page_caching(app)
    register_error_handlers(app)
    register_commands(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(reporting_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(posters_bp)
    app.register_blueprint(backoffice_bp)
    return app


def _select_locale() -> str:
    from app.i18n import current_language

    return current_language()
