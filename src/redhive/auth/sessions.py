"""The session cookie: HttpOnly, SameSite=Lax, Secure outside dev mode; the token inside it is
random and only its hash is stored (auth.models.WebSession)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth import service
from redhive.auth.models import User, WebSession
from redhive.settings import Settings

__all__ = ["clear_session_cookie", "log_in"]


async def log_in(session: AsyncSession, response: Response, user: User, settings: Settings) -> WebSession:
    web, token = await service.start_session(session, user, max_age=settings.session_max_age)
    response.set_cookie(settings.session_cookie_name, token, max_age=settings.session_max_age, httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")
    return web


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True, samesite="lax",
                           secure=settings.cookie_secure)
