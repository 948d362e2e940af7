"""Settings: read from the environment once, typed, with safe defaults for `make run`.

Everything configurable lives here; nothing else reads os.environ.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"


class ConfigError(RuntimeError):
    """A setting has a value the app cannot run with."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _env_rate_limit(name: str, default: str) -> str:
    raw = os.environ.get(name, "").strip() or default
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a rate limit such as 30/minute;300/hour, got {raw!r}") from None
    return raw


def _env_public_base_url() -> str:
    """PUBLIC_BASE_URL: an origin only (scheme, host, port), since links add the app's own paths."""
    raw = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if not raw:
        return ""  # allowed only in debug and tests: create_app refuses to serve without it
    parts = urlsplit(raw)
    if (parts.scheme not in {"http", "https"} or not parts.hostname or parts.username or parts.password
            or parts.path or parts.query or parts.fragment):
        raise ConfigError("PUBLIC_BASE_URL must be the address people reach Noticed at, scheme and host only, "
                          f"such as https://noticed.example.org, got {raw!r}")
    return raw


def _env_http_url(name: str) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and (urlsplit(raw).scheme not in {"http", "https"} or not urlsplit(raw).hostname):
        raise ConfigError(f"{name} must be an http(s) address such as https://minio.example.org:9000, got {raw!r}")
    return raw


@dataclass(frozen=True)
class S3Location:
    """An attachment store in an S3-compatible bucket: object keys are `prefix` + the photo's name."""

    bucket: str
    prefix: str  # empty, or ending with "/"


# S3's rules for bucket names (MinIO, Ceph and Backblaze follow them).
S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def s3_location(store_address: str) -> S3Location | None:
    """ATTACHMENT_STORE read: None for the folder UPLOAD_FOLDER, or the bucket of s3://bucket/prefix."""
    raw = store_address.strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme != "s3":
        raise ConfigError("ATTACHMENT_STORE must be empty (photos in UPLOAD_FOLDER) or s3://bucket/prefix, "
                          f"got {raw!r}")
    if "@" in parts.netloc:
        # Not echoed: it would print the secret. boto3 finds credentials in its usual places.
        raise ConfigError("ATTACHMENT_STORE must not hold credentials: set AWS_ACCESS_KEY_ID and "
                          "AWS_SECRET_ACCESS_KEY (or use an instance role) instead")
    if not S3_BUCKET_NAME.fullmatch(parts.netloc) or parts.query or parts.fragment:
        raise ConfigError(f"ATTACHMENT_STORE must be s3://bucket/prefix with a valid bucket name, got {raw!r}")
    prefix = parts.path.strip("/")
    if prefix and any(segment in {"", ".", ".."} for segment in prefix.split("/")):
        raise ConfigError("ATTACHMENT_STORE's prefix must be plain folder names such as s3://bucket/noticed, "
                          f"got {raw!r}")
    return S3Location(parts.netloc, f"{prefix}/" if prefix else "")


def _env_attachment_store() -> str:
    raw = os.environ.get("ATTACHMENT_STORE", "").strip()
    s3_location(raw)  # a malformed store stops the app at startup, not at the first photo
    return raw


def shipped_languages() -> list[str]:
    """English plus every language with a catalog: adding a language is adding a catalog."""
    found = sorted(
        p.parent.parent.name
        for p in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po")
        if p.parent.parent.name != "en"
    )
    return ["en", *found]


def instance_secret(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass
class Settings:
    """The app's settings. Field names are the Flask config keys."""

    SECRET_KEY: str
    SQLALCHEMY_DATABASE_URI: str
    LANGUAGES: list[str]
    UPLOAD_FOLDER: str
    # Photos: in UPLOAD_FOLDER, or in an S3-compatible bucket when this is s3://bucket/prefix
    # (several instances then share the photos without a shared filesystem).
    ATTACHMENT_STORE: str = ""
    # For a store other than AWS S3 (MinIO, Ceph, Backblaze...). Credentials are not settings
    # here: boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role.
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = ""
    MAIL_SERVER: str = "localhost"
    MAIL_PORT: int = 25
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    MAIL_USE_TLS: bool = False
    MAIL_DEFAULT_SENDER: str = "noticed@localhost"
    RATELIMIT_STORAGE_URI: str = "memory://"
    # Per client, shared by the report form and the JSON API; the phone's queue retries a 429.
    REPORT_RATE_LIMIT: str = "30/minute;300/hour"
    REPORT_RETENTION_DAYS: int = 365
    SESSION_COOKIE_SECURE: bool = True
    # Reports carry up to three 10 MB photos, base64-encoded in the JSON API.
    MAX_CONTENT_LENGTH: int = 45 * 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS: dict = field(default_factory=dict)
    ASSETS_AUTO_BUILD: bool = False
    # How many reverse proxies stand in front of the app: their X-Forwarded-For is then trusted,
    # so rate limits count each reporter, not the proxy (the address is never stored or logged).
    TRUSTED_PROXIES: int = 0
    # A language is offered in the switcher only when its safety-critical strings are complete
    # and at least this share of the rest; REQUIRE_REVIEWED_LANGUAGES also waits for review.
    SHIP_MIN_TRANSLATED: float = 0.9
    REQUIRE_REVIEWED_LANGUAGES: bool = False
    # Changing it makes every phone install a fresh service worker (assets changes already do).
    SERVICE_WORKER_REVISION: str = ""
    # The back office (/staff): sessions, alerts and retention.
    STAFF_IDLE_MINUTES: int = 30
    # Every absolute link Noticed writes (e-mails, posters, QR codes, invitations, alerts) is on
    # this address, never on the request's Host, which the sender chooses; the app answers no other
    # host (see app/public_address.py). Required outside debug and tests.
    PUBLIC_BASE_URL: str = ""
    ALERT_ESCALATION_MINUTES: int = 15
    ALERT_WEBHOOK_URL: str = ""
    UNFOUNDED_RETENTION_DAYS: int = 90

    @classmethod
    def from_environment(cls, instance_path: Path) -> "Settings":
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'noticed.db'}"
        if database_url.startswith("postgres://"):
            database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
        languages = [code.strip() for code in os.environ.get("LANGUAGES", "").split(",") if code.strip()]
        available = shipped_languages()
        unknown = [code for code in languages if code not in available]
        if unknown:
            raise ConfigError(f"LANGUAGES names languages without a catalog: {', '.join(unknown)}")
        store_address = _env_attachment_store()
        if os.environ.get("S3_ENDPOINT_URL", "").strip() and not store_address:
            # Photos would silently stay on this machine's disk, out of the other instances' reach.
            raise ConfigError("S3_ENDPOINT_URL is set but ATTACHMENT_STORE is not s3://bucket/prefix")
        return cls(
            SECRET_KEY=instance_secret(instance_path),
            SQLALCHEMY_DATABASE_URI=database_url,
            LANGUAGES=languages or available,
            UPLOAD_FOLDER=os.environ.get("UPLOAD_FOLDER") or str(instance_path / "attachments"),
            ATTACHMENT_STORE=store_address,
            S3_ENDPOINT_URL=_env_http_url("S3_ENDPOINT_URL"),
            S3_REGION=os.environ.get("S3_REGION", "").strip(),
            MAIL_SERVER=os.environ.get("MAIL_SERVER", "localhost"),
            MAIL_PORT=_env_int("MAIL_PORT", 25),
            MAIL_USERNAME=os.environ.get("MAIL_USERNAME", ""),
            MAIL_PASSWORD=os.environ.get("MAIL_PASSWORD", ""),
            MAIL_USE_TLS=_env_bool("MAIL_USE_TLS", False),
            MAIL_DEFAULT_SENDER=os.environ.get("MAIL_DEFAULT_SENDER", "noticed@localhost"),
            RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
            REPORT_RATE_LIMIT=_env_rate_limit("REPORT_RATE_LIMIT", "30/minute;300/hour"),
            REPORT_RETENTION_DAYS=_env_int("REPORT_RETENTION_DAYS", 365),
            # `make run` serves plain http on loopback; production sets this true (the default).
            SESSION_COOKIE_SECURE=_env_bool("SESSION_COOKIE_SECURE", True),
            ASSETS_AUTO_BUILD=_env_bool("ASSETS_AUTO_BUILD", False),
            SERVICE_WORKER_REVISION=os.environ.get("SERVICE_WORKER_REVISION", ""),
            SHIP_MIN_TRANSLATED=_env_int("SHIP_MIN_TRANSLATED_PERCENT", 90) / 100,
            TRUSTED_PROXIES=_env_int("TRUSTED_PROXIES", 0),
            REQUIRE_REVIEWED_LANGUAGES=_env_bool("REQUIRE_REVIEWED_LANGUAGES", False),
            STAFF_IDLE_MINUTES=_env_int("STAFF_IDLE_MINUTES", 30),
            PUBLIC_BASE_URL=_env_public_base_url(),
            ALERT_ESCALATION_MINUTES=_env_int("ALERT_ESCALATION_MINUTES", 15),
            ALERT_WEBHOOK_URL=os.environ.get("ALERT_WEBHOOK_URL", ""),
            UNFOUNDED_RETENTION_DAYS=_env_int("UNFOUNDED_RETENTION_DAYS", 90),
        )

    def as_flask_config(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
