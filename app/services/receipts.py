"""Receipt codes: three groups of four Crockford base-32 characters, 60 random bits.

The code is the reporter's only key to their follow-up page, so it is stored only as a
keyed hash (HMAC-SHA256 with the app's secret): a copy of the database alone opens nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford's decoding is forgiving: letters that look like digits read as those digits.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
GROUPS, GROUP_LENGTH = 3, 4


def new_receipt() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return format_receipt(chars)


def format_receipt(chars: str) -> str:
    return "-".join(chars[i:i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normalise_receipt(raw: str) -> str | None:
    """The canonical XXXX-XXXX-XXXX form of what a person typed, or None if it cannot be one."""
    if not isinstance(raw, str):
        return None
    chars = "".join(ch for ch in raw.upper() if ch not in " -\t").translate(_LOOKALIKES)
    if len(chars) != GROUPS * GROUP_LENGTH or any(ch not in ALPHABET for ch in chars):
        return None
    return format_receipt(chars)


def receipt_hash(receipt: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), b"receipt\x00" + receipt.encode(), hashlib.sha256).hexdigest()


def hashes_match(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def derived_receipt(secret_key: str, *parts: str) -> str:
    """A code computed from the parts with the app's secret: the same parts always give the same
    code, and nobody without the secret can tell which."""
    digest = hmac.new(secret_key.encode(), b"derived-receipt\x00" + "\x00".join(parts).encode(), hashlib.sha256)
    value = int.from_bytes(digest.digest()[:8], "big")
    return format_receipt("".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(GROUPS * GROUP_LENGTH)))
