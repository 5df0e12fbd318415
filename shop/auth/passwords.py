"""Password hashing with stdlib scrypt and constant-time verification."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets

# scrypt's cost is 2**cost; each hash records its own parameters, so a change of cost
# keeps old hashes valid. Test environments may lower it (SHOP_PASSWORD_HASH_COST=12).
_COST = int(os.environ.get("SHOP_PASSWORD_HASH_COST", "14"))
if not 10 <= _COST <= 20:
    raise SystemExit(f"SHOP_PASSWORD_HASH_COST must be between 10 and 20, not {_COST}")
_N, _R, _P = 2**_COST, 8, 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_PREFIX = "scrypt"


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$<salt>$<key>`` with a random salt (base64 fields)."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _derive(password, salt, _N, _R, _P)
    return "$".join([_PREFIX, str(_N), str(_R), str(_P), _b64(salt), _b64(key)])


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; the comparison is constant-time."""
    try:
        prefix, n, r, p, salt, key = encoded.split("$")
        if prefix != _PREFIX:
            return False
        expected = base64.b64decode(key)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against when the email is unknown, so timings look alike."""
    return hash_password(secrets.token_urlsafe(16))


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=_KEY_BYTES)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
