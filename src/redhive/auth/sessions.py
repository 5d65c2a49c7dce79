"""The session cookie: HttpOnly, SameSite=Lax, Secure outside dev mode; the token inside it is
random and only its hash is stored (auth.models.WebSession)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from redhive.auth import service
from redhive.auth.models import User, WebSession
from redhive.settings import Settings

__all__ = ["clear_session_cookie", "client_address", "log_in"]


async def log_in(session: AsyncSession, response: Response, user: User, settings: Settings, request: Request, *,
                 pending: bool = False) -> WebSession:
    """Start a session (or, `pending`, one that waits for the second factor) and set its cookie."""
    web, token = await service.start_session(session, user, max_age=settings.session_max_age, pending=pending,
                                             user_agent=request.headers.get("user-agent", ""),
                                             address=client_address(request))
    max_age = service.PENDING_SECONDS if pending else settings.session_max_age
    response.set_cookie(settings.session_cookie_name, token, max_age=max_age, httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")
    return web


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (uvicorn applies X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else ""


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(settings.session_cookie_name, path="/", httponly=True, samesite="lax",
                           secure=settings.cookie_secure)
