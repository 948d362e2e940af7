"""The prevention teams, the staff who work in them, how reports are routed to a team, and the
alerts sent to whoever is on call."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.minutes import MinuteTime
from app.models.report import _enum


class Role(enum.StrEnum):
    """Who may do what under /staff. The order of RANKS is the order of power."""

    TRANSLATOR = "translator"  # only the (future) translation pages: nothing about reports
    VIEWER = "viewer"
    MEMBER = "member"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_RANKS[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


ROLE_RANKS = {Role.TRANSLATOR: 0, Role.VIEWER: 1, Role.MEMBER: 2, Role.LEAD: 3, Role.ADMIN: 4}


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Reports that no routing rule claims go to the default team.
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    routing_rules: Mapped[list[RoutingRule]] = relationship(back_populates="team", cascade="all, delete-orphan")


class RoutingRule(db.Model):
    """A place code or an area that sends its reports to one team."""

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    place_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    area: Mapped[str | None] = mapped_column(String(120), unique=True)

    team: Mapped[Team] = relationship(back_populates="routing_rules")


class StaffUser(db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # argon2 hash; empty until an invited person chooses a password.
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    # Base32 TOTP secret; empty until two-factor enrolment is finished.
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    # The last accepted TOTP time step, so an observed code cannot be replayed.
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    # No failure count or lock here: failed sign-ins slow down further tries (app/services/throttle.py)
    # but never lock an account, so nobody can lock a colleague out by typing wrong passwords.
    # Part of the Flask-Login id: changing it ends every session of this account.
    session_token: Mapped[str] = mapped_column(String(32))
    invite_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(MinuteTime)
    # Position in the team's on-call rota (1 is called first); None when not on call.
    on_call_position: Mapped[int | None] = mapped_column(Integer)
    # The catalogs a translator may translate and review, comma-separated codes ("es,vi"). Set by
    # an admin; leads and admins review every language whatever this says.
    languages: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(MinuteTime)

    team: Mapped[Team | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="staff", cascade="all, delete-orphan")
    sessions: Mapped[list[StaffSession]] = relationship(back_populates="staff", cascade="all, delete-orphan",
                                                        passive_deletes=True)

    @property
    def two_factor_enrolled(self) -> bool:
        return bool(self.totp_secret)

    def can(self, role: Role) -> bool:
        return self.active and self.role.at_least(role)

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class RecoveryCode(db.Model):
    """A one-time code to sign in when the authenticator phone is lost; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(MinuteTime)

    staff: Mapped[StaffUser] = relationship(back_populates="recovery_codes")


class StaffSession(db.Model):
    """One signed-in browser. The cookie carries a random token; only its hash is kept here, and a
    request is signed in only while its row exists: signing out deletes the row, so a copy of the
    cookie taken before is worth nothing afterwards. Its times (to the minute) end it after a
    while without use, and after an absolute lifetime however busy it is kept."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(MinuteTime)
    last_seen_at: Mapped[datetime] = mapped_column(MinuteTime)

    staff: Mapped[StaffUser] = relationship(back_populates="sessions")


class AlertDelivery(enum.StrEnum):
    PENDING = "pending"  # not sent yet, or the last try failed: the cron commands try again
    SENT = "sent"
    EXHAUSTED = "exhausted"  # nobody left in the rota to escalate to


class Alert(db.Model):
    """An urgent report's call to the on-call staff, until someone acknowledges it."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), unique=True)
    # Index into the team's on-call rota of the contact currently called.
    level: Mapped[int] = mapped_column(Integer, default=0)
    delivery: Mapped[AlertDelivery] = mapped_column(_enum(AlertDelivery), default=AlertDelivery.PENDING)
    created_at: Mapped[datetime] = mapped_column(MinuteTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(MinuteTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(MinuteTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
