"""Bearer secrets (session cookies, API tokens, invitations): random, shown once, stored as a hash.

The tokens carry 256 bits of randomness, so a plain SHA-256 is the right hash (a slow password hash
would only slow every request); passwords use argon2 (redhive.auth.passwords).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["hash_token", "new_token", "tokens_equal"]


def new_token(prefix: str = "") -> str:
    """A URL-safe random token; `prefix` (e.g. `rh_`) makes leaked tokens easy to recognise."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    """Constant-time comparison, for CSRF tokens and the like."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
