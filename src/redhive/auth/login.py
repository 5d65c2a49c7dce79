"""Logging in and what protects it: the throttle, the second factor (enrolment, confirmation, the
code at login, recovery codes) and the sessions a user can list and revoke. Services take a session,
never commit, and audit every change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record, record_refusal
from redhive.auth import throttle, totp
from redhive.auth.models import RecoveryCode, User, WebSession
from redhive.auth.passwords import verify_password
from redhive.auth.permissions import Actor, require_platform_admin, require_user
from redhive.auth.signals import access_changed
from redhive.auth.throttle import LoginLimits
from redhive.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from redhive.kit import SecretBox, as_utc, utcnow

__all__ = ["TotpStatus", "api_log_in", "code_step", "confirm_totp", "disable_totp", "list_sessions",
           "password_step", "revoke_other_sessions", "revoke_session", "revoke_user_sessions", "start_totp",
           "totp_status"]

WRONG_PASSWORD = "The email or the password is wrong: check both and try again."
WRONG_CODE = ("The code is wrong or was already used: type the current 6-digit code of your authenticator app "
              "(or one of your recovery codes).")
CODE_DUE = ("This account has a second factor: send the current 6-digit code of your authenticator app (or a "
            "recovery code) as `code` with the e-mail and password.")


async def password_step(session: AsyncSession, *, email: str, password: str, address: str,
                        limits: LoginLimits) -> User:
    """Check the password under the throttle. Known and unknown e-mails read the same: one sentence,
    one throttle key, one argon2 verification."""
    await throttle.check(session, email=email, address=address, limits=limits)
    user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        throttle.failed(session, email=email, address=address)
        raise NotAuthenticated(WRONG_PASSWORD)
    if user.totp_enabled_at is None:
        await throttle.succeeded(session, email=email, limits=limits)
    return user


async def code_step(session: AsyncSession, user: User, *, code: str, address: str, limits: LoginLimits,
                    box: SecretBox) -> None:
    """The second factor at login: a fresh TOTP code or an unused recovery code, under the same throttle."""
    await throttle.check(session, email=user.email, address=address, limits=limits)
    secret = totp.decrypt_secret(user, box)
    step = totp.matching_step(secret, code, last_step=user.totp_last_step) if secret else None
    if step is not None:
        user.totp_last_step = step
    elif not await totp.use_recovery_code(session, user, code):
        throttle.failed(session, email=user.email, address=address)
        raise NotAuthenticated(WRONG_CODE)
    await session.flush()
    await throttle.succeeded(session, email=user.email, limits=limits)


async def api_log_in(session: AsyncSession, *, email: str, password: str, code: str | None, address: str,
                     limits: LoginLimits, box: SecretBox) -> User:
    """The JSON API's login: password and, for an account with a second factor, the code in one request."""
    user = await password_step(session, email=email, password=password, address=address, limits=limits)
    if user.totp_enabled_at is not None:
        if not code:
            raise NotAuthenticated(CODE_DUE)
        await code_step(session, user, code=code, address=address, limits=limits, box=box)
    return user


# --- enrolment ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TotpStatus:
    enabled_at: datetime | None
    recovery_codes_left: int


async def _me(session: AsyncSession, actor: Actor) -> User:
    require_user(actor)
    user = await session.get(User, actor.user_id)
    if user is None:
        raise NotAuthenticated("Your account no longer exists: log in again.")
    return user


async def totp_status(session: AsyncSession, actor: Actor) -> TotpStatus:
    user = await _me(session, actor)
    left = await totp.recovery_codes_left(session, user.id) if user.totp_enabled_at else 0
    return TotpStatus(None if user.totp_enabled_at is None else as_utc(user.totp_enabled_at), left)


async def start_totp(session: AsyncSession, actor: Actor, *, box: SecretBox) -> tuple[str, str]:
    """A secret for the authenticator app (the same one until confirmed); returns it and its otpauth URI."""
    user = await _me(session, actor)
    if user.totp_enabled_at is not None:
        raise Conflict("The second factor is already on: turn it off first to move it to another app.")
    secret = totp.decrypt_secret(user, box)
    if secret is None:
        secret = totp.new_secret()
        user.totp_secret_encrypted = box.encrypt(secret)
        await session.flush()
    return secret, totp.provisioning_uri(secret, user.email)


async def confirm_totp(session: AsyncSession, actor: Actor, *, code: str, box: SecretBox) -> list[str]:
    """Turn the second factor on with a code from the app; returns the recovery codes (shown once)."""
    user = await _me(session, actor)
    if user.totp_enabled_at is not None:
        raise Conflict("The second factor is already on.")
    secret = totp.decrypt_secret(user, box)
    if secret is None:
        raise InvalidInput("Start the set-up first: open the second-factor page and scan its QR code.", field="code")
    step = totp.matching_step(secret, code, last_step=None)
    if step is None:
        raise InvalidInput("This code does not match: check that the app shows redhive's entry and type its "
                           "current 6-digit code (the phone's clock must be right).", field="code")
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    codes = await totp.new_recovery_codes(session, user)
    await record(session, actor, "auth.totp_enabled", object_type="user", object_id=user.id)
    access_changed(session)  # a platform admin's powers start now
    return codes


async def disable_totp(session: AsyncSession, actor: Actor, *, code: str, box: SecretBox) -> None:
    """Turn the second factor off, with a current code or a recovery code."""
    user = await _me(session, actor)
    if user.totp_enabled_at is None:
        raise Conflict("The second factor is not on.")
    secret = totp.decrypt_secret(user, box)
    step = totp.matching_step(secret, code, last_step=user.totp_last_step) if secret else None
    if step is None and not await totp.use_recovery_code(session, user, code):
        raise InvalidInput(WRONG_CODE, field="code")
    user.totp_secret_encrypted, user.totp_enabled_at, user.totp_last_step = None, None, None
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    await session.flush()
    await record(session, actor, "auth.totp_disabled", object_type="user", object_id=user.id)
    access_changed(session)


# --- sessions -------------------------------------------------------------------------------------

async def list_sessions(session: AsyncSession, actor: Actor) -> Sequence[WebSession]:
    """The actor's live logins, newest first."""
    require_user(actor)
    return (await session.scalars(select(WebSession).where(
        WebSession.user_id == actor.user_id, WebSession.second_factor_pending.is_(False),
        WebSession.expires_at > utcnow()).order_by(WebSession.created_at.desc()))).all()


async def revoke_session(session: AsyncSession, actor: Actor, *, session_id: str) -> None:
    """End one of the actor's sessions (platform admins: anyone's); it is refused from the next request."""
    require_user(actor)
    row = await session.get(WebSession, session_id)
    if row is None or (row.user_id != actor.user_id and not actor.is_platform_admin):
        if row is not None:
            record_refusal(session, actor, "auth.session_revoke_refused", object_type="web_session",
                           object_id=session_id)
        raise NotFound(f"You have no session {session_id}.")
    await session.delete(row)
    await session.flush()
    await record(session, actor, "auth.session_revoked", object_type="user", object_id=row.user_id,
                 after={"session_id": session_id})


async def _end_sessions(session: AsyncSession, user_id: str, keep: str | None) -> int:
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep is not None:
        query = query.where(WebSession.id != keep)
    result = await session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


async def revoke_other_sessions(session: AsyncSession, actor: Actor, *, keep: str | None) -> int:
    """Log the actor out everywhere but here (`keep`: the current session, None from an API token)."""
    require_user(actor)
    assert actor.user_id is not None
    count = await _end_sessions(session, actor.user_id, keep)
    await record(session, actor, "auth.sessions_revoked", object_type="user", object_id=actor.user_id,
                 after={"count": count, "kept_current": keep is not None})
    return count


async def revoke_user_sessions(session: AsyncSession, actor: Actor, *, user_id: str) -> int:
    """A platform admin logs someone out everywhere (a lost laptop, a departure)."""
    require_platform_admin(actor)
    if await session.get(User, user_id) is None:
        raise NotFound(f"There is no user {user_id}.")
    count = await _end_sessions(session, user_id, None)
    await record(session, actor, "auth.sessions_revoked", object_type="user", object_id=user_id,
                 after={"count": count, "by_admin": True})
    return count
