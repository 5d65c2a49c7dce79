"""What a container platform and Prometheus ask of the server: `/healthz` (the process serves),
`/readyz` (the database answers, its schema is at the head revision, the gateway is started), and
`/metrics` (the gateway's Prometheus metrics; with `REDHIVE_METRICS_TOKEN` set, only for that
bearer token). A small Starlette app the server hands these three paths to before its own routing,
as it does `/v1`: no session, CSRF or API-token machinery (a Prometheus bearer token is no redhive
API token), and no database read for `/healthz`."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from redhive.db.session import HEAD_REVISION
from redhive.errors import RedhiveError
from redhive.gateway.metrics import CONTENT_TYPE

__all__ = ["PATHS", "build_operations_app"]

PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_READY_TIMEOUT = 5.0  # seconds the database may take to answer before the server is called not ready


def build_operations_app(state: Callable[[], Any]) -> Starlette:
    """`state()` is the platform app's state (settings, db, gateway), read on each request."""

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        now = state()
        checks: dict[str, str] = {"gateway": "ok" if getattr(now, "gateway", None) is not None else "not started"}
        try:
            async with asyncio.timeout(_READY_TIMEOUT):
                revision = await now.db.revision()
            checks["database"] = "ok" if revision == HEAD_REVISION else (
                f"schema at {revision or 'no revision'}, not {HEAD_REVISION}: run the migrations "
                "(redhive admin migrate)")
        except TimeoutError:
            checks["database"] = f"did not answer within {_READY_TIMEOUT:g} s"
        except RedhiveError as exc:
            checks["database"] = exc.message
        except AttributeError:
            checks["database"] = "not opened yet"
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                            status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        now = state()
        token = now.settings.metrics_token
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return JSONResponse({"error": "Send the metrics token as 'Authorization: Bearer …' "
                                              "(REDHIVE_METRICS_TOKEN)."}, status_code=401)
        return Response(now.gateway.metrics.render(), media_type=CONTENT_TYPE)

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"]),
                             Route("/metrics", metrics, methods=["GET"])])
