"""The TOTP second factor (RFC 6238 with pyotp: 6 digits, 30-second steps, one step of clock drift
either way) and its recovery codes. The secret is kept encrypted with the server's key; each step is
accepted once; recovery codes are random, shown once and stored as SHA-256."""

from __future__ import annotations

import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.models import RecoveryCode, User
from redhive.kit import SecretBox, hash_token, tokens_equal, utcnow

__all__ = ["ISSUER", "RECOVERY_CODES", "decrypt_secret", "matching_step", "new_recovery_codes", "new_secret",
           "provisioning_uri", "qr_svg", "recovery_codes_left", "use_recovery_code"]

ISSUER = "redhive"
RECOVERY_CODES = 10
STEP = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI authenticator apps read (from the QR code, or typed)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no image files, no external service)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, light="#fff", title="Scan with your authenticator app"))


def _normalise(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).lower()


def matching_step(secret: str, code: str, *, last_step: int | None, now: datetime | None = None) -> int | None:
    """The time step whose code this is (now, or one step either side), if it was not used before."""
    code = _normalise(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((now or utcnow()).timestamp()) // STEP
    for step in (current, current - 1, current + 1):
        if (last_step is None or step > last_step) and tokens_equal(totp.at(step * STEP), code):
            return step
    return None


def decrypt_secret(user: User, box: SecretBox) -> str | None:
    return box.decrypt(user.totp_secret_encrypted) if user.totp_secret_encrypted else None


async def new_recovery_codes(session: AsyncSession, user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; returns them (the only time they are shown)."""
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    now = utcnow()
    session.add_all([RecoveryCode(user_id=user.id, code_hash=hash_token(_normalise(c)), created_at=now,
                                  used_at=None) for c in codes])
    await session.flush()
    return codes


async def use_recovery_code(session: AsyncSession, user: User, code: str) -> bool:
    """Spend one unused recovery code; False when it is not one of the user's or was used."""
    row = await session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                          RecoveryCode.code_hash == hash_token(_normalise(code)),
                                                          RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = utcnow()
    await session.flush()
    return True


async def recovery_codes_left(session: AsyncSession, user_id: str) -> int:
    return int(await session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0)
