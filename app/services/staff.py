"""Staff accounts: passwords (argon2), two factors (TOTP with recovery codes), growing delays
after repeated failures (never a lock: see throttle.py), sessions kept in the database,
invitations, roles and teams."""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.staff import RecoveryCode, Role, StaffSession, StaffUser, Team
from app.services import audit
from app.services.clock import as_utc, now_utc
from app.services.throttle import WARN_HOLDER_AT_FAILURE, SignInAttempts, SignInThrottle

MIN_PASSWORD_LENGTH = 12
# A signed-in browser is signed out after STAFF_IDLE_MINUTES without a request, and after this
# however busy it is kept: a stolen cookie cannot be kept alive by using it.
SESSION_LIFETIME = timedelta(hours=12)
RECOVERY_CODE_COUNT = 10
INVITE_LIFETIME = timedelta(days=3)
ISSUER = "Noticed"

_hasher = PasswordHasher()
# Checked against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class StaffError(ValueError):
    """A request about staff accounts that cannot be carried out; `code` names the reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code




def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return session.execute(select(StaffUser).where(StaffUser.email == normalise_email(email))).scalar_one_or_none()


# Passwords ---------------------------------------------------------------------------------

def check_password_rules(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError("password_too_short")
    if email and password.strip().lower() == normalise_email(email):
        raise StaffError("password_is_email")


def set_password(staff: StaffUser, password: str) -> None:
    check_password_rules(password, staff.email)
    staff.password_hash = _hasher.hash(password)
    end_every_session(staff)


def _password_matches(staff: StaffUser | None, password: str) -> bool:
    stored = staff.password_hash if staff and staff.password_hash else _DUMMY_HASH
    try:
        matches = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if matches and staff and _hasher.check_needs_rehash(stored):
        staff.password_hash = _hasher.hash(password)
    return matches and staff is not None and stored is not _DUMMY_HASH


# Sign-in attempts --------------------------------------------------------------------------

class Attempt(enum.StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    TOO_SOON = "too_soon"  # inside the growing delay: not even checked


@dataclass(frozen=True)
class AttemptResult:
    outcome: Attempt
    staff: StaffUser | None = None
    wait: timedelta = timedelta(0)
    # This failure is the one that starts the waits: the account holder (if the e-mail has an
    # account) should be told that someone may be guessing.
    warn_holder: StaffUser | None = None


def _failure(attempts: SignInAttempts, staff: StaffUser | None, now: datetime) -> AttemptResult:
    failures, wait = attempts.failed(now)
    warn = staff if staff is not None and failures == WARN_HOLDER_AT_FAILURE else None
    return AttemptResult(Attempt.REJECTED, wait=wait, warn_holder=warn)


def check_password(session: Session, email: str, password: str, attempts: SignInAttempts,
                   now: datetime | None = None) -> AttemptResult:
    """The first factor. A known and an unknown e-mail take the same steps (the throttle, a
    look-up, one argon2 check: against a dummy hash when there is no account) and get the same
    answer. Success does not reset the failures: only a full sign-in does, so knowing the
    password does not buy unlimited guesses at the second factor."""
    now = now or now_utc()
    wait = attempts.wait(now)
    if wait:
        return AttemptResult(Attempt.TOO_SOON, wait=wait)
    staff = find_by_email(session, email)
    if staff is not None and not staff.active:
        staff = None
    if not _password_matches(staff, password):
        return _failure(attempts, staff, now)
    session.commit()  # a rehashed password
    return AttemptResult(Attempt.ACCEPTED, staff)


def check_second_factor(session: Session, staff: StaffUser, code: str, attempts: SignInAttempts,
                        now: datetime | None = None) -> AttemptResult:
    """A TOTP code from the authenticator app, or one of the recovery codes (used once)."""
    now = now or now_utc()
    wait = attempts.wait(now)
    if wait:
        return AttemptResult(Attempt.TOO_SOON, wait=wait)
    if not (_totp_matches(staff, code, now) or _use_recovery_code(staff, code, now)):
        return _failure(attempts, staff, now)
    attempts.succeeded()
    session.commit()
    return AttemptResult(Attempt.ACCEPTED, staff)


def change_own_password(session: Session, staff: StaffUser, current_password: str, new_password: str,
                        attempts: SignInAttempts, now: datetime | None = None) -> AttemptResult:
    """A signed-in person choosing a new password. The current one is checked as at sign-in,
    with the same growing delays, so an unlocked computer left signed in is not enough to take
    the account over. Raises StaffError, before anything is checked or counted, for a new
    password the rules refuse. Success ends every session (see set_password): the caller
    starts a new one for this browser."""
    check_password_rules(new_password, staff.email)
    now = now or now_utc()
    wait = attempts.wait(now)
    if wait:
        return AttemptResult(Attempt.TOO_SOON, wait=wait)
    if not _password_matches(staff, current_password):
        return _failure(attempts, staff, now)
    set_password(staff, new_password)
    attempts.succeeded()
    audit.record(session, staff, "staff.password_changed", "staff", staff.id, at=now)
    session.commit()
    return AttemptResult(Attempt.ACCEPTED, staff)


def let_try_again(session: Session, staff: StaffUser, throttle: SignInThrottle, actor: StaffUser | None) -> None:
    """An admin (or `flask staff unlock`) lifts the wait that failed sign-ins put on an account."""
    throttle.account(staff.email).forget()
    audit.record(session, actor, "staff.unlocked", "staff", staff.id)
    session.commit()


# Sessions ----------------------------------------------------------------------------------

def _session_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, staff: StaffUser, now: datetime | None = None) -> str:
    """A new signed-in session for one browser; returns the token its cookie carries (only the
    hash is kept). The caller commits."""
    now = now or now_utc()
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(staff=staff, token_hash=_session_hash(token), started_at=now, last_seen_at=now))
    session.flush()
    return token


def _find_session(session: Session, staff: StaffUser, token: str | None) -> StaffSession | None:
    if not token:
        return None
    found = session.execute(select(StaffSession).where(StaffSession.token_hash == _session_hash(token))
                            ).scalar_one_or_none()
    return found if found is not None and found.staff_id == staff.id else None


class SessionState(enum.StrEnum):
    CURRENT = "current"
    IDLE = "idle"  # unused for longer than the idle limit
    EXPIRED = "expired"  # older than SESSION_LIFETIME
    ENDED = "ended"  # signed out, or ended by a new password, role or a disabled account


def use_session(session: Session, staff: StaffUser, token: str | None, idle_limit: timedelta,
                now: datetime | None = None) -> SessionState:
    """Check the session of a request and count it as used. A session that is no longer current
    is deleted, so it cannot come back. Commits only when something changed (at most once a
    minute per session: times are kept to the minute)."""
    now = now or now_utc()
    found = _find_session(session, staff, token)
    if found is None:
        return SessionState.ENDED
    state = SessionState.CURRENT
    if now - as_utc(found.started_at) > SESSION_LIFETIME:
        state = SessionState.EXPIRED
    elif now - as_utc(found.last_seen_at) > idle_limit:
        state = SessionState.IDLE
    if state != SessionState.CURRENT:
        session.delete(found)
        session.commit()
    elif now.replace(second=0, microsecond=0) > as_utc(found.last_seen_at):
        found.last_seen_at = now
        session.commit()
    return state


def end_session(session: Session, staff: StaffUser, token: str | None) -> None:
    """Signing out: the session's row goes, so a copy of its cookie opens nothing afterwards."""
    found = _find_session(session, staff, token)
    if found is not None:
        session.delete(found)


def end_every_session(staff: StaffUser) -> None:
    """Every browser signed in as this person is signed out at its next request."""
    staff.session_token = secrets.token_hex(16)
    staff.sessions.clear()


# Two factors -------------------------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, or one either side for clock drift) whose code this is."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _totp_matches(staff: StaffUser, code: str, now: datetime) -> bool:
    step = _matching_step(staff.totp_secret, code, now) if staff.totp_secret else None
    if step is None or step <= staff.totp_last_step:  # a code already used is not accepted again
        return False
    staff.totp_last_step = step
    return True


def _recovery_hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def _use_recovery_code(staff: StaffUser, code: str, now: datetime) -> bool:
    wanted = _recovery_hash(code)
    for recovery in staff.recovery_codes:
        if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
            recovery.used_at = now
            return True
    return False


def finish_enrolment(session: Session, staff: StaffUser, secret: str, code: str,
                     now: datetime | None = None) -> list[str] | None:
    """Keep the secret once the person proves their app has it; returns the new recovery codes
    (shown once, only their hashes are kept), or None when the code does not match."""
    now = now or now_utc()
    step = _matching_step(secret, code, now)
    if step is None:
        return None
    staff.totp_secret = secret
    staff.totp_last_step = step
    codes = replace_recovery_codes(staff)
    audit.record(session, staff, "staff.two_factor_enrolled", "staff", staff.id, at=now)
    session.commit()
    return codes


def replace_recovery_codes(staff: StaffUser) -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
             for _ in range(RECOVERY_CODE_COUNT)]
    staff.recovery_codes = [RecoveryCode(code_hash=_recovery_hash(code)) for code in codes]
    return codes


def reset_two_factor(session: Session, staff: StaffUser, actor: StaffUser | None) -> None:
    """For a lost phone: enrolment starts again at the next sign-in."""
    staff.totp_secret = ""
    staff.totp_last_step = 0
    staff.recovery_codes = []
    end_every_session(staff)
    audit.record(session, actor, "staff.two_factor_reset", "staff", staff.id)
    session.commit()


# Accounts ----------------------------------------------------------------------------------

def create_staff(session: Session, email: str, role: Role, password: str | None = None,
                 team: Team | None = None, actor: StaffUser | None = None) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email:
        raise StaffError("email_invalid")
    if find_by_email(session, email):
        raise StaffError("email_taken")
    staff = StaffUser(email=email, role=role, team=team or default_team(session), active=True,
                      session_token=secrets.token_hex(16), created_at=now_utc(), password_hash="",
                      totp_secret="", totp_last_step=0)
    if password is not None:
        set_password(staff, password)
    session.add(staff)
    session.flush()
    audit.record(session, actor, "staff.created", "staff", staff.id, f"role={role.value}")
    session.commit()
    return staff


def invite(session: Session, email: str, role: Role, team: Team | None, actor: StaffUser,
           now: datetime | None = None) -> tuple[StaffUser, str]:
    """A new account without a password, and the secret token for its invitation link."""
    now = now or now_utc()
    staff = create_staff(session, email, role, team=team, actor=actor)
    token = secrets.token_urlsafe(32)
    staff.invite_hash = hashlib.sha256(token.encode()).hexdigest()
    staff.invite_expires_at = now + INVITE_LIFETIME
    session.commit()
    return staff, token


def find_by_invite(session: Session, token: str, now: datetime | None = None) -> StaffUser | None:
    now = now or now_utc()
    wanted = hashlib.sha256(token.encode()).hexdigest()
    staff = session.execute(select(StaffUser).where(StaffUser.invite_hash == wanted)).scalar_one_or_none()
    if staff is None or not staff.active or as_utc(staff.invite_expires_at) < now:
        return None
    return staff


def accept_invite(session: Session, staff: StaffUser, password: str) -> None:
    set_password(staff, password)
    staff.invite_hash = None
    staff.invite_expires_at = None
    audit.record(session, staff, "staff.invite_accepted", "staff", staff.id)
    session.commit()


def _active_admins(session: Session) -> int:
    return session.execute(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == Role.ADMIN, StaffUser.active.is_(True))).scalar_one()


def change_role(session: Session, staff: StaffUser, role: Role, actor: StaffUser) -> None:
    if staff.role == Role.ADMIN and role != Role.ADMIN and _active_admins(session) <= 1:
        raise StaffError("last_admin")
    audit.record(session, actor, "staff.role_changed", "staff", staff.id, f"{staff.role.value} -> {role.value}")
    staff.role = role
    end_every_session(staff)  # the new role applies from the next sign-in
    session.commit()


def set_active(session: Session, staff: StaffUser, active: bool, actor: StaffUser) -> None:
    if not active and staff.role == Role.ADMIN and _active_admins(session) <= 1:
        raise StaffError("last_admin")
    staff.active = active
    end_every_session(staff)
    audit.record(session, actor, "staff.enabled" if active else "staff.disabled", "staff", staff.id)
    session.commit()


def move_to_team(session: Session, staff: StaffUser, team: Team, actor: StaffUser) -> None:
    staff.team = team
    audit.record(session, actor, "staff.team_changed", "staff", staff.id, f"team={team.id}")
    session.commit()


def set_on_call_position(session: Session, staff: StaffUser, position: int | None, actor: StaffUser) -> None:
    staff.on_call_position = position
    audit.record(session, actor, "staff.on_call_changed", "staff", staff.id, f"position={position}")
    session.commit()


def all_staff(session: Session) -> list[StaffUser]:
    return list(session.execute(select(StaffUser).order_by(StaffUser.email)).scalars())


def load_signed_in(session: Session, login_id: str) -> StaffUser | None:
    """Flask-Login's user loader: the id carries the session token, so a changed token (new
    password, new role, disabled account) ends the session."""
    staff_id, _, token = login_id.partition(":")
    if not staff_id.isdigit():
        return None
    staff = session.get(StaffUser, int(staff_id))
    if staff is None or not staff.active or not hmac.compare_digest(staff.session_token, token):
        return None
    return staff


# Teams -------------------------------------------------------------------------------------

DEFAULT_TEAM_NAME = "Prevention team"


def default_team(session: Session) -> Team:
    """The team that receives whatever no routing rule claims; created the first time it is needed."""
    team = session.execute(select(Team).where(Team.is_default.is_(True)).order_by(Team.id)).scalars().first()
    if team is None:
        team = session.execute(select(Team).where(Team.name == DEFAULT_TEAM_NAME)).scalar_one_or_none()
        if team is None:
            team = Team(name=DEFAULT_TEAM_NAME, is_default=True)
            session.add(team)
        team.is_default = True
    # No flush here: this runs inside a flush when a new report is routed.
    return team


def create_team(session: Session, name: str, make_default: bool = False, actor: StaffUser | None = None) -> Team:
    name = name.strip()
    if not name:
        raise StaffError("team_name_missing")
    if session.execute(select(Team).where(Team.name == name)).scalar_one_or_none():
        raise StaffError("team_exists")
    if make_default:
        for other in session.execute(select(Team).where(Team.is_default.is_(True))).scalars():
            other.is_default = False
    team = Team(name=name, is_default=make_default)
    session.add(team)
    session.flush()
    audit.record(session, actor, "team.created", "team", team.id)
    session.commit()
    return team


def all_teams(session: Session) -> list[Team]:
    return list(session.execute(select(Team).order_by(Team.name)).scalars())


def team_by_name(session: Session, name: str) -> Team | None:
    return session.execute(select(Team).where(Team.name == name.strip())).scalar_one_or_none()
