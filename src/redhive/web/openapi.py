"""The OpenAPI document says what the API really does: the security schemes it accepts (a Bearer API
token, or the session cookie with its CSRF header) and, for every operation, the error statuses it can
answer, all in the one error shape `{"error": {"message", "type", "fields"?}}` (web/errors.py).

Which statuses an operation declares follows from how it is built: every operation may meet a bad
Bearer token (401), a malformed body or a refused value (400, 422); an operation that needs a user
may be refused (403) and may name objects that are not there for the caller (404); a state-changing
one may be refused for its CSRF token (403) or clash with stored data (409). Routes add their own
(429 for the login's throttle) with FastAPI's `responses=`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

__all__ = ["ERROR_SCHEMA", "error_responses", "install_openapi"]

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["error"], "title": "Error",
    "properties": {"error": {"type": "object", "required": ["message", "type"], "properties": {
        "message": {"type": "string", "description": "One sentence: what went wrong, why, what to do."},
        "type": {"type": "string", "description": "The error's kind, e.g. NotFound, PermissionDenied."},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Field -> sentence, for input that failed validation."}}}},
}
_WHY = {
    400: "The request is malformed, or a value in it is refused.",
    401: "Not logged in, or the API token is unknown, expired or revoked.",
    403: "The caller's role does not allow this, or the CSRF token of a cookie session is missing or wrong.",
    404: "There is no such object that the caller may see (absent and hidden read the same).",
    409: "The request clashes with stored data or with the object's state.",
    422: "Fields are not valid (each named under `fields`).",
    429: "Too many requests (failed logins for the account or the address): retry after `Retry-After` seconds.",
    502: "The system's upstream model failed.",
    504: "The system's upstream model did not answer in time.",
}
_SAFE = {"GET", "HEAD", "OPTIONS"}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """For a route's `responses=`: these error statuses, in the error shape."""
    return {status: {"description": _WHY[status], "model": None} for status in statuses}


def _needs_user(route: APIRoute) -> bool:
    from redhive.web.deps import current_user

    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if dep.call is current_user:
            return True
        stack.extend(dep.dependencies)
    return False


def _statuses(route: APIRoute, path: str, method: str) -> set[int]:
    out = {400, 401, 422}
    if _needs_user(route):
        out |= {403, 404}
    if "{" in path:
        out.add(404)
    if method not in _SAFE:
        out |= {403, 409}
    return out


def install_openapi(app: FastAPI, *, cookie_name: str) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for unused in ("HTTPValidationError", "ValidationError"):
            components["schemas"].pop(unused, None)
        components["securitySchemes"] = {
            "apiToken": {"type": "http", "scheme": "bearer",
                         "description": "A personal API token (`rh_…`, created on the account page or with "
                                        "POST /api/auth/tokens). No CSRF token needed."},
            "session": {"type": "apiKey", "in": "cookie", "name": cookie_name,
                        "description": "The login session (POST /api/auth/login). State-changing calls must "
                                       "send the session's CSRF token as the `X-CSRF-Token` header."},
        }
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for context in iter_route_contexts(app.routes):
            route, path = context.route, context.path_format
            if not isinstance(route, APIRoute) or not route.include_in_schema or path is None:
                continue
            for method in context.methods or ():
                operation = schema["paths"].get(path, {}).get(method.lower())
                if operation is None:
                    continue
                authenticated = _needs_user(route)
                operation["security"] = ([{"apiToken": []}, {"session": []}] if authenticated
                                         else [{}, {"apiToken": []}, {"session": []}])
                responses = operation.setdefault("responses", {})
                declared = {int(s) for s in responses if str(s).isdigit() and int(s) >= 400}
                wanted = _statuses(route, path, method) | declared
                for status in sorted(wanted):
                    responses[str(status)] = {"description": _WHY.get(status, "An error."), "content": error}
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
