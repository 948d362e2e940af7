"""Slowing down sign-in guesses without letting anyone lock a colleague out.

NIST SP 800-63B §5.2.2 asks for rate limiting rather than a lock: a lock triggered by failures
alone lets any stranger shut a staff member (or every admin) out by typing wrong passwords, and
tells them which e-mails have accounts. So each failure makes the next try wait longer (per
account and per client), the wait never grows past an hour, and nothing is ever locked: an
admin disables an account only on purpose.

The account's counter is keyed by the e-mail as typed, whether or not an account has it, so an
unknown e-mail is slowed down exactly like a known one and the answer tells nothing. Counters
live in the rate limiter's storage (memory, or Redis with RATELIMIT_STORAGE_URI), never in the
database; their keys are keyed hashes, so even that storage holds no e-mail or client address.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits.storage import Storage, storage_from_string

# Failures are forgotten a day after the first one (the storage's expiry).
FAILURES_REMEMBERED = timedelta(days=1)
# Mistyping happens: no wait for the first few failures of an account...
ACCOUNT_FREE_FAILURES = 5
# ...and more for a client, which may be an office of several people behind one address.
CLIENT_FREE_FAILURES = 20
LONGEST_WAIT = timedelta(hours=1)
# The account holder is told by e-mail when the waits begin: someone may be guessing.
WARN_HOLDER_AT_FAILURE = ACCOUNT_FREE_FAILURES


def wait_after(failures: int, free_failures: int) -> timedelta:
    """The wait before the next try: none for the free failures, then 1, 2, 4... minutes, at most an hour."""
    if failures < free_failures:
        return timedelta(0)
    doublings = min(failures - free_failures, 6)  # 64 minutes: past the longest wait already
    return min(timedelta(minutes=2 ** doublings), LONGEST_WAIT)


def minutes_to_wait(wait: timedelta) -> int:
    """What a person is told: whole minutes, rounded up (never "wait 0 minutes")."""
    return max(1, math.ceil(wait.total_seconds() / 60))


@dataclass(frozen=True)
class _Counter:
    """One throttled thing (an account's e-mail, or a client): its failures and the moment before
    which no try is checked, both kept as whole numbers in the limiter's storage."""

    storage: Storage
    key: str
    free_failures: int

    def wait(self, now: datetime) -> timedelta:
        not_before = self.storage.get(self.key + ":not-before")
        return max(timedelta(0), timedelta(seconds=not_before - now.timestamp())) if not_before else timedelta(0)

    def fail(self, now: datetime) -> tuple[int, timedelta]:
        expiry = int(FAILURES_REMEMBERED.total_seconds())  # whole seconds: Redis refuses 86400.0
        failures = self.storage.incr(self.key + ":failures", expiry)
        wait = wait_after(failures, self.free_failures)
        self.storage.clear(self.key + ":not-before")
        if wait:
            self.storage.incr(self.key + ":not-before", expiry, amount=int((now + wait).timestamp()))
        return failures, wait

    def forget(self) -> None:
        self.storage.clear(self.key + ":failures")
        self.storage.clear(self.key + ":not-before")


@dataclass(frozen=True)
class SignInAttempts:
    """The counters one sign-in attempt is checked against: the e-mail typed, and the client."""

    account: _Counter
    client: _Counter

    def wait(self, now: datetime) -> timedelta:
        return max(self.account.wait(now), self.client.wait(now))

    def failed(self, now: datetime) -> tuple[int, timedelta]:
        """Count a failure; returns the account's failures so far and the wait it now faces."""
        account_failures, account_wait = self.account.fail(now)
        _, client_wait = self.client.fail(now)
        return account_failures, max(account_wait, client_wait)

    def succeeded(self) -> None:
        """Both factors right: the account starts afresh. The client's count stays: one good
        account must not buy a client unlimited guesses at the others."""
        self.account.forget()


class SignInThrottle:
    def __init__(self, storage: Storage, secret_key: str):
        self.storage = storage
        self._secret = secret_key.encode()

    @classmethod
    def from_uri(cls, storage_uri: str, secret_key: str) -> SignInThrottle:
        return cls(storage_from_string(storage_uri), secret_key)

    def _key(self, kind: str, value: str) -> str:
        digest = hmac.new(self._secret, f"sign-in\x00{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()
        return f"noticed:sign-in:{kind}:{digest[:32]}"

    def account(self, email: str) -> _Counter:
        return _Counter(self.storage, self._key("account", email.strip().lower()), ACCOUNT_FREE_FAILURES)

    def attempts(self, email: str, client: str) -> SignInAttempts:
        return SignInAttempts(self.account(email), _Counter(self.storage, self._key("client", client),
                                                            CLIENT_FREE_FAILURES))
