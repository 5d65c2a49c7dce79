"""Login throttling: failed logins (a wrong password or a wrong one-time code) are counted per account
and per client address in a sliding window; past the limit every attempt, the right password included,
is refused with 429 and Retry-After until the oldest counted failure leaves the window.

The account key is the SHA-256 of the e-mail as typed (lower-cased), whether or not an account has it,
so the throttle answers the same for known and unknown e-mails. Failures are written even though the
refused login rolls its transaction back (db.hooks.keep_on_rollback)."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.models import LoginFailure
from redhive.db.hooks import keep_on_rollback
from redhive.errors import TooManyRequests
from redhive.kit import as_utc, utcnow

__all__ = ["LoginLimits", "check", "failed", "succeeded"]


@dataclass(frozen=True)
class LoginLimits:
    per_account: int = 10
    per_address: int = 50
    window_seconds: int = 900


def _keys(email: str, address: str) -> list[tuple[str, str]]:
    out = [("account", hashlib.sha256(f"account:{email.strip().lower()}".encode()).hexdigest())]
    if address:
        out.append(("address", hashlib.sha256(f"address:{address}".encode()).hexdigest()))
    return out


async def check(session: AsyncSession, *, email: str, address: str, limits: LoginLimits,
                now: datetime | None = None) -> None:
    """Raise TooManyRequests while the account or the address is over its limit."""
    now = now or utcnow()
    since = now - timedelta(seconds=limits.window_seconds)
    for kind, key in _keys(email, address):
        limit = limits.per_account if kind == "account" else limits.per_address
        recent = (await session.scalars(select(LoginFailure.at).where(LoginFailure.key_hash == key,
                                                                      LoginFailure.at > since)
                                        .order_by(LoginFailure.at.desc()).limit(limit))).all()
        if len(recent) >= limit:
            lifts = as_utc(recent[-1]) + timedelta(seconds=limits.window_seconds)
            wait = max(1, math.ceil((lifts - now).total_seconds()))
            whom = "this account" if kind == "account" else "your address"
            raise TooManyRequests(f"Too many failed logins for {whom}: wait {math.ceil(wait / 60)} minute(s) and try "
                                  "again (or reset the password with a platform admin).", retry_after=wait)


def failed(session: AsyncSession, *, email: str, address: str, now: datetime | None = None) -> None:
    """Count one failure against the account and the address (kept if the transaction rolls back)."""
    at = now or utcnow()
    for _, key in _keys(email, address):
        keep_on_rollback(session, LoginFailure(key_hash=key, at=at))


async def succeeded(session: AsyncSession, *, email: str, limits: LoginLimits, now: datetime | None = None) -> None:
    """A full login clears the account's failures (never the address's: logging in to one's own account
    must not reset a guesser's count) and drops failures older than the window."""
    (_, account), = _keys(email, "")
    since = (now or utcnow()) - timedelta(seconds=limits.window_seconds)
    await session.execute(delete(LoginFailure).where(LoginFailure.key_hash == account))
    await session.execute(delete(LoginFailure).where(LoginFailure.at <= since))
