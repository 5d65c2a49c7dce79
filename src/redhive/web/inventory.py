"""Every (method, path) the app answers, flattened across included routers; the authorisation matrix
test checks each one against its expectation table."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

__all__ = ["app_routes"]


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) pairs, HEAD (answered with GET) and static mounts left out."""
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount) or context.path is None:
            continue
        for method in context.methods or ():
            if method != "HEAD":
                found.add((method, context.path))
    return sorted(found, key=lambda pair: (pair[1], pair[0]))
