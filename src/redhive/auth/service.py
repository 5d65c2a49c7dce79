"""Accounts: users, passwords, web sessions, API tokens, invitations. Services take a session and an
actor, check permissions and never commit (the request dependency or the CLI scope does)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.models import ApiToken, Invitation, User, WebSession
from redhive.auth.passwords import hash_password
from redhive.auth.permissions import Actor, require, require_platform_admin, require_user
from redhive.auth.schemas import ApiTokenCreate, InvitationCreate, SignupRequest, UserCreate
from redhive.auth.signals import access_changed
from redhive.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from redhive.kit import as_utc, hash_token, new_token, utcnow

__all__ = [
    "accept_invitation",
    "authenticate_password",
    "create_api_token",
    "create_invitation",
    "create_user",
    "end_session",
    "get_invitation",
    "get_user",
    "list_api_tokens",
    "list_users",
    "load_actor",
    "memberships_of",
    "pending_login",
    "register_user",
    "resolve_api_token",
    "resolve_session",
    "revoke_api_token",
    "set_vetting_level",
    "start_session",
]

API_TOKEN_PREFIX = "rh_"
PENDING_SECONDS = 300  # a password-checked login waits this long for its one-time code


_aware = as_utc


async def get_user(session: AsyncSession, user_id: str) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


async def register_user(session: AsyncSession, *, email: str, display_name: str, password: str | None,
                        is_platform_admin: bool = False, vetting_level: str = "self_declared") -> User:
    """Create an account without an authorisation check: for services that already authorised the
    act (accepting an invitation or an application, the demo seed). Duplicate email -> Conflict."""
    email = email.strip().lower()
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"An account with the email {email} already exists: log in, or use another email.",
                       field="email")
    user = User(email=email, display_name=display_name.strip(), is_platform_admin=is_platform_admin,
                vetting_level=vetting_level, is_active=True, created_at=utcnow(),
                password_hash=hash_password(password) if password else None)
    session.add(user)
    await session.flush()
    return user


async def create_user(session: AsyncSession, actor: Actor, *, data: UserCreate) -> User:
    require_platform_admin(actor)
    user = await register_user(session, email=data.email, display_name=data.display_name, password=data.password,
                               is_platform_admin=data.is_platform_admin, vetting_level=data.vetting_level)
    await record(session, actor, "auth.user_created", object_type="user", object_id=user.id,
                 after={"email": user.email, "is_platform_admin": user.is_platform_admin})
    return user


async def set_vetting_level(session: AsyncSession, actor: Actor, *, user_id: str, level: str) -> User:
    require_platform_admin(actor)
    user = await get_user(session, user_id)
    before = user.vetting_level
    user.vetting_level = level
    await session.flush()
    access_changed(session)  # a downgrade holds from the next gateway request, whatever is cached
    await record(session, actor, "auth.vetting_changed", object_type="user", object_id=user.id,
                 before={"vetting_level": before}, after={"vetting_level": level})
    return user


async def authenticate_password(session: AsyncSession, *, email: str, password: str) -> User:
    """Password only, for the CLI (which holds the database anyway), under the web login's throttle."""
    from redhive.auth.login import password_step
    from redhive.auth.throttle import LoginLimits

    return await password_step(session, email=email, password=password, address="", limits=LoginLimits())


async def load_actor(session: AsyncSession, user: User, *, via: str, admin_second_factor: bool = False) -> Actor:
    """The user as an actor. With `admin_second_factor`, a platform admin without a second factor
    acts as an ordinary user until they turn one on (settings.admin_second_factor)."""
    from redhive.orgs.models import Membership

    rows = (await session.execute(select(Membership.org_id, Membership.role)
                                  .where(Membership.user_id == user.id))).all()
    waiting = admin_second_factor and user.is_platform_admin and user.totp_enabled_at is None
    return Actor(user_id=user.id, email=user.email, display_name=user.display_name,
                 is_platform_admin=user.is_platform_admin and not waiting, vetting_level=user.vetting_level,
                 memberships={org_id: role for org_id, role in rows}, via=via, needs_second_factor=waiting)


# --- web sessions ---------------------------------------------------------------------------------

async def start_session(session: AsyncSession, user: User, *, max_age: int, pending: bool = False,
                        user_agent: str = "", address: str = "") -> tuple[WebSession, str]:
    """A new login session; returns it with the cookie token (only its hash is stored). A `pending`
    one waits for the second factor (5 minutes) and is no login until `complete_login`."""
    token = new_token()
    now = utcnow()
    web = WebSession(user_id=user.id, token_hash=hash_token(token), csrf_token=new_token(), created_at=now,
                     expires_at=now + timedelta(seconds=PENDING_SECONDS if pending else max_age),
                     second_factor_pending=pending, user_agent=user_agent[:200], client_address=address[:64])
    session.add(web)
    await session.flush()
    return web, token


async def _live(session: AsyncSession, token: str) -> tuple[User, WebSession] | None:
    web = await session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if web is None or _aware(web.expires_at) <= utcnow():
        return None
    user = await session.get(User, web.user_id)
    if user is None or not user.is_active:
        return None
    return user, web


async def resolve_session(session: AsyncSession, token: str) -> tuple[User, WebSession] | None:
    found = await _live(session, token)
    return None if found is None or found[1].second_factor_pending else found


async def pending_login(session: AsyncSession, token: str) -> User:
    """The user whose password was right and whose second factor is due (the code page)."""
    found = await _live(session, token)
    if found is None or not found[1].second_factor_pending:
        raise NotAuthenticated("Your login waited too long for its code (or never started): log in again.")
    return found[0]


async def end_session(session: AsyncSession, token: str) -> None:
    web = await session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if web is not None:
        await session.delete(web)
        await session.flush()


# --- API tokens -----------------------------------------------------------------------------------

async def create_api_token(session: AsyncSession, actor: Actor, *, data: ApiTokenCreate) -> tuple[ApiToken, str]:
    require_user(actor)
    assert actor.user_id is not None
    token = new_token(API_TOKEN_PREFIX)
    now = utcnow()
    row = ApiToken(user_id=actor.user_id, name=data.name, token_hash=hash_token(token), prefix=token[:10],
                   created_at=now, revoked_at=None, last_used_at=None,
                   expires_at=now + timedelta(days=data.expires_in_days) if data.expires_in_days else None)
    session.add(row)
    await session.flush()
    await record(session, actor, "auth.token_created", object_type="api_token", object_id=row.id,
                 after={"name": row.name, "prefix": row.prefix})
    return row, token


async def list_api_tokens(session: AsyncSession, actor: Actor) -> Sequence[ApiToken]:
    require_user(actor)
    return (await session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id)
                                  .order_by(ApiToken.created_at.desc()))).all()


async def revoke_api_token(session: AsyncSession, actor: Actor, *, token_id: str) -> ApiToken:
    require_user(actor)
    row = await session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.user_id and not actor.is_platform_admin):
        raise NotFound(f"You have no API token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        await session.flush()
        await record(session, actor, "auth.token_revoked", object_type="api_token", object_id=row.id)
    return row


async def resolve_api_token(session: AsyncSession, token: str) -> User | None:
    row = await session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and _aware(row.expires_at) <= now):
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    await session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return user


# --- invitations ----------------------------------------------------------------------------------

async def create_invitation(session: AsyncSession, actor: Actor, *,
                            data: InvitationCreate) -> tuple[Invitation, str]:
    """Org admins invite into their organisation (with a role); platform admins invite anyone."""
    if data.org_id is None:
        require_platform_admin(actor)
        if data.role is not None:
            raise InvalidInput("A role needs an organisation: choose the organisation too.", field="role")
    else:
        require(actor, "members.manage", data.org_id)
        if data.role is None:
            raise InvalidInput("Choose the role the invited person will have.", field="role")
    if await session.scalar(select(User.id).where(User.email == data.email)) is not None:
        raise Conflict(f"{data.email} already has an account: add them as a member instead.", field="email")
    token = new_token()
    now = utcnow()
    invitation = Invitation(email=data.email, token_hash=hash_token(token), org_id=data.org_id, role=data.role,
                            invited_by_id=actor.user_id, created_at=now,
                            expires_at=now + timedelta(days=data.expires_in_days))
    session.add(invitation)
    await session.flush()
    await record(session, actor, "auth.invitation_created", object_type="invitation", object_id=invitation.id,
                 org_id=data.org_id, after={"email": data.email, "role": data.role})
    return invitation, token


async def get_invitation(session: AsyncSession, *, token: str) -> Invitation:
    """The open invitation behind a sign-up link; expired or used ones are refused with a reason."""
    invitation = await session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        raise InvalidInput("This invitation link is not valid: check that you copied all of it.", field="token")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already used: log in with the account it created.", field="token")
    if _aware(invitation.expires_at) <= utcnow():
        raise InvalidInput(f"This invitation expired on {_aware(invitation.expires_at):%Y-%m-%d %H:%M} UTC: "
                           "ask the person who invited you for a new one.", field="token")
    return invitation


async def accept_invitation(session: AsyncSession, *, data: SignupRequest) -> User:
    """Sign up through an invitation: creates the account and, for an org invitation, the membership."""
    from redhive.orgs.models import Membership

    invitation = await get_invitation(session, token=data.token)
    user = await register_user(session, email=invitation.email, display_name=data.display_name,
                               password=data.password)
    invitation.accepted_at = utcnow()
    invitation.accepted_user_id = user.id
    if invitation.org_id is not None and invitation.role is not None:
        session.add(Membership(user_id=user.id, org_id=invitation.org_id, role=invitation.role,
                               created_at=utcnow()))
    await session.flush()
    actor = Actor(user_id=user.id, email=user.email, display_name=user.display_name)
    await record(session, actor, "auth.invitation_accepted", object_type="invitation", object_id=invitation.id,
                 org_id=invitation.org_id, after={"user_id": user.id, "role": invitation.role})
    return user


async def list_users(session: AsyncSession, actor: Actor) -> Sequence[User]:
    require_platform_admin(actor)
    return (await session.scalars(select(User).order_by(User.display_name))).all()


async def memberships_of(session: AsyncSession, actor: Actor) -> list[tuple[str, str, str, str]]:
    """(org id, org name, org kind, role) for each of the actor's memberships."""
    from redhive.orgs.models import Membership, Organization

    require_user(actor)
    rows = (await session.execute(
        select(Organization.id, Organization.name, Organization.kind, Membership.role)
        .join(Membership, Membership.org_id == Organization.id)
        .where(Membership.user_id == actor.user_id).order_by(Organization.name))).all()
    return [(a, b, c, d) for a, b, c, d in rows]
