"""Request dependencies: the transaction (the only place routes get a database session), the actor
(session cookie or Bearer API token) and CSRF protection for every state-changing request.

    async def my_route(session: SessionDep, actor: ActorDep) -> ...:
        return await service.verb(session, actor, ...)

`get_session` commits when the route returns and rolls back when it raises — before the response
is sent (scope="function"), so a failed commit is reported, never a success that was not stored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth import service as auth
from redhive.auth.permissions import ANONYMOUS, Actor, require_user
from redhive.errors import PermissionDenied
from redhive.kit import SecretBox, tokens_equal
from redhive.settings import Settings

__all__ = ["ActorDep", "SecretBoxDep", "SessionDep", "SettingsDep", "UserDep", "csrf_protect", "get_session"]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
#: Double-submit cookie that protects the anonymous forms (login, sign-up, apply).
ANON_CSRF_COOKIE = "redhive_csrf"


RACE = ("Someone else changed the same data at the same moment (a duplicate was stored first): "
        "reload the page and try again.")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request. A unique constraint that a concurrent request won (the services'
    own checks passed for both) is a Conflict; a database failure one sentence (DatabaseError)."""
    from redhive.db.hooks import settle

    factory = request.app.state.sessions
    async with factory() as session:
        try:
            yield session
        except BaseException as exc:
            await session.rollback()
            await settle(factory, session, committed=False)
            _raise_as_redhive_error(exc, request)
            raise
        try:
            await session.commit()
        except Exception as exc:
            await session.rollback()
            await settle(factory, session, committed=False)
            _raise_as_redhive_error(exc, request)
            raise
        await settle(factory, session, committed=True)


def _raise_as_redhive_error(exc: BaseException, request: Request) -> None:
    from sqlalchemy.exc import DBAPIError, IntegrityError

    from redhive.db.session import describe_db_error
    from redhive.errors import Conflict

    if isinstance(exc, IntegrityError):
        raise Conflict(RACE) from None
    if isinstance(exc, DBAPIError):
        raise describe_db_error(exc, request.app.state.db.url) from None


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_secret_box(request: Request) -> SecretBox:
    box: SecretBox = request.app.state.secret_box
    return box


SettingsDep = Annotated[Settings, Depends(get_settings)]
SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]


async def current_actor(request: Request, session: SessionDep) -> Actor:
    """Who sends this request: a Bearer API token, else the session cookie, else anonymous.
    The session's CSRF token is kept on request.state for templates and the CSRF check."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    actor = ANONYMOUS
    settings: Settings = request.app.state.settings
    strict = settings.requires_admin_second_factor
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = await auth.resolve_api_token(session, header[7:].strip())
        if user is None:
            from redhive.errors import NotAuthenticated

            raise NotAuthenticated("The API token is unknown, expired or revoked: create a new one on your "
                                   "account page.")
        actor = await auth.load_actor(session, user, via="token", admin_second_factor=strict)
    else:
        cookie = request.cookies.get(settings.session_cookie_name)
        found = await auth.resolve_session(session, cookie) if cookie else None
        if found is not None:
            user, web = found
            request.state.csrf_token = web.csrf_token
            request.state.web_session_id = web.id
            actor = await auth.load_actor(session, user, via="session", admin_second_factor=strict)
            from redhive.notifications.service import unread_count

            request.state.unread_notifications = await unread_count(session, actor)  # the layout's badge
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


async def current_user(actor: ActorDep) -> Actor:
    """The actor, who must be logged in (401 otherwise)."""
    require_user(actor)
    return actor


UserDep = Annotated[Actor, Depends(current_user)]


async def _sent_csrf_token(request: Request) -> str:
    sent = request.headers.get(CSRF_HEADER, "")
    content_type = request.headers.get("content-type", "")
    if not sent and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD, "")
        sent = value if isinstance(value, str) else ""
    return sent


async def csrf_protect(request: Request, actor: ActorDep) -> None:
    """Applied to every route (app-level dependency). State-changing requests that ride on the session
    cookie must carry the session's CSRF token (form field or X-CSRF-Token header); anonymous form
    posts must echo the double-submit cookie. Bearer-token calls carry no ambient authority."""
    if request.method in SAFE_METHODS or actor.via == "token":
        return
    if actor.via == "session":
        expected = getattr(request.state, "csrf_token", "")
    else:
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            return
        expected = request.cookies.get(ANON_CSRF_COOKIE, "")
    sent = await _sent_csrf_token(request)
    if not expected or not sent or not tokens_equal(sent, expected):
        raise PermissionDenied("This form is out of date or was sent from another site (its CSRF token is "
                               "missing or wrong): reload the page and send it again.")
