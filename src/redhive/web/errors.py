"""The one error handler: a RedhiveError (and 404, 405, 422) becomes `{"error": {...}}` JSON under
/api and an HTML page elsewhere; a form that failed re-renders itself through `FormRejected`.

Unexpected exceptions become a 500 with one sentence; the traceback goes to the server log only.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from redhive.errors import NotAuthenticated, RedhiveError, TooManyRequests

__all__ = ["FormRejected", "install_error_handlers", "validation_fields"]

log = logging.getLogger("redhive.web")

_HTTP_SENTENCES = {
    404: "There is nothing at this address: check the link, or start again from the dashboard.",
    405: "This address does not accept that kind of request (HTTP method).",
}


class FormRejected(Exception):
    """Raised by a page route with the re-rendered form: the request dependency rolls the transaction
    back (nothing half stored) and the handler sends the form with its field errors."""

    def __init__(self, response: Response) -> None:
        super().__init__("form rejected")
        self.response = response


def validation_fields(errors: Any) -> dict[str, str]:
    """pydantic errors -> {field: sentence}, the first problem of each field."""
    fields: dict[str, str] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")]
        name = ".".join(loc) or "request"
        if name not in fields:
            fields[name] = _sentence(error)
    return fields


def _sentence(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "This field is required."
    if kind == "string_too_long":
        return f"At most {ctx.get('max_length')} characters."
    if kind == "string_too_short":
        return "This field is required." if ctx.get("min_length") == 1 else \
            f"At least {ctx.get('min_length')} characters."
    if kind == "literal_error":
        return f"Choose one of {ctx.get('expected')}."
    message = str(error.get("msg", "is not valid"))
    message = message.removeprefix("Value error, ")
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _error_response(request: Request, status: int, message: str, kind: str,
                    fields: dict[str, str] | None = None) -> Response:
    if _is_api(request):
        body: dict[str, Any] = {"message": message, "type": kind}
        if fields:
            body["fields"] = fields
        return JSONResponse({"error": body}, status_code=status)
    from redhive.web.templating import render

    return render(request, "error.html", {"status": status, "message": message, "fields": fields or {}},
                  status_code=status)


async def _redhive_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RedhiveError)
    if isinstance(exc, NotAuthenticated) and not _is_api(request) and request.method == "GET":
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    fields = dict(getattr(exc, "fields", {}) or {})
    field = getattr(exc, "field", None)
    if field and field not in fields:
        fields[field] = exc.message
    response = _error_response(request, exc.http_status, exc.message, type(exc).__name__, fields)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = _HTTP_SENTENCES.get(exc.status_code) or str(exc.detail)
    kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
    response = _error_response(request, exc.status_code, message, kind)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = validation_fields(exc.errors())
    message = "Some fields are not valid: " + "; ".join(f"{k}: {v}" for k, v in fields.items())
    return _error_response(request, 422, message, "ValidationFailed", fields)


async def _form_rejected(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormRejected)
    return exc.response


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_response(request, 500, "Something went wrong on our side; the error was logged. "
                           "Try again, and tell the platform admins if it persists.", "InternalError")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RedhiveError, _redhive_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FormRejected, _form_rejected)
    app.add_exception_handler(Exception, _unexpected)
