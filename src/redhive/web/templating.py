"""Jinja2 templates with the shared layout: every page gets the actor, the CSRF token, the flash
messages and the navigation through `render()`."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse, RedirectResponse, Response

from redhive.auth.permissions import ANONYMOUS, Actor
from redhive.kit import new_token

__all__ = ["TEMPLATES", "flash", "redirect", "render"]

# autoescape=True, not select_autoescape(): every page escapes, whatever its template's file name ends with
TEMPLATES = Jinja2Templates(env=Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                                            autoescape=True))
FLASH_COOKIE = "redhive_flash"


def _sign(request: Request, text: str) -> str:
    key = request.app.state.secret_key.encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def flash(request: Request, response: Response, message: str, category: str = "success") -> None:
    """A one-sentence message shown once on the next page (e.g. after a redirect)."""
    payload = f"{category}:{message}"
    response.set_cookie(FLASH_COOKIE, quote(payload) + "." + _sign(request, payload), httponly=True,
                        samesite="lax", max_age=60)


def _take_flash(request: Request) -> list[tuple[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw or "." not in raw:
        return []
    quoted, signature = raw.rsplit(".", 1)
    payload = unquote(quoted)
    if not hmac.compare_digest(signature, _sign(request, payload)):
        return []
    category, _, message = payload.partition(":")
    return [(category if category in {"success", "error", "info"} else "info", message)]


def redirect(request: Request, url: str, message: str | None = None, category: str = "success") -> Response:
    """303 See Other after a successful form post, with an optional flash message."""
    response = RedirectResponse(url, status_code=303)
    if message:
        flash(request, response, message, category)
    return response


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    from redhive.web.deps import ANON_CSRF_COOKIE

    actor: Actor = getattr(request.state, "actor", None) or ANONYMOUS
    csrf = getattr(request.state, "csrf_token", "") if actor.via == "session" else ""
    new_anon = ""
    if not csrf:
        csrf = request.cookies.get(ANON_CSRF_COOKIE) or ""
        if not csrf:
            csrf = new_anon = new_token()
    messages = _take_flash(request)
    from redhive import __version__

    full = {"request": request, "actor": actor, "csrf_token": csrf, "messages": messages, "version": __version__,
            "unread_notifications": getattr(request.state, "unread_notifications", 0),
            "errors": {}, "values": {}, **(context or {})}
    response = TEMPLATES.TemplateResponse(request, template, full, status_code=status_code)
    if messages:
        response.delete_cookie(FLASH_COOKIE)
    if new_anon:
        settings = request.app.state.settings
        response.set_cookie(ANON_CSRF_COOKIE, new_anon, httponly=True, samesite="lax",
                            secure=settings.cookie_secure)
    return response
