"""The web application: `create_app(settings)` builds it; the lifespan opens the database,
migrates it and keeps the session factory on `app.state`. Nothing is built at import time."""

from __future__ import annotations

import gc
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from redhive import __version__
from redhive.db.session import Database
from redhive.gateway.app import build_gateway_app
from redhive.gateway.proxy import Gateway, gateway_journal
from redhive.gateway.signing import TranscriptSigner
from redhive.jobs.context import JobResources
from redhive.jobs.executors import check_executor, create_executor
from redhive.kit import SecretBox, logs
from redhive.safeguards.screening import ClassifierOptions, create_classifier
from redhive.settings import Settings
from redhive.web.deps import csrf_protect
from redhive.web.errors import install_error_handlers
from redhive.web.openapi import install_openapi
from redhive.web.operations import PATHS as OPERATIONS_PATHS
from redhive.web.operations import build_operations_app

__all__ = ["create_app", "routers"]


def routers() -> list[APIRouter]:
    """Every domain's JSON routes (under /api) and pages. Add yours here (one line each)."""
    from redhive.auth import pages as auth_pages
    from redhive.auth import routes as auth_routes
    from redhive.disclosure import pages as disclosure_pages
    from redhive.disclosure import routes as disclosure_routes
    from redhive.findings import flaw_pages
    from redhive.findings import pages as findings_pages
    from redhive.findings import routes as findings_routes
    from redhive.gateway import pages as gateway_pages
    from redhive.gateway import playground
    from redhive.gateway import routes as gateway_routes
    from redhive.incidents import pages as incidents_pages
    from redhive.incidents import routes as incidents_routes
    from redhive.jobs import pages as jobs_pages
    from redhive.jobs import routes as jobs_routes
    from redhive.joint import pages as joint_pages
    from redhive.joint import routes as joint_routes
    from redhive.missions import pages as missions_pages
    from redhive.missions import routes as missions_routes
    from redhive.network import pages as network_pages
    from redhive.network import routes as network_routes
    from redhive.notifications import pages as notification_pages
    from redhive.orgs import pages as orgs_pages
    from redhive.orgs import routes as orgs_routes
    from redhive.reports import audience_pages
    from redhive.reports import pages as reports_pages
    from redhive.reports import routes as reports_routes
    from redhive.safeguards import pages as safeguards_pages
    from redhive.safeguards import routes as safeguards_routes
    from redhive.web import pages as web_pages

    return [
        auth_routes.router,
        orgs_routes.router,
        web_pages.router,
        auth_pages.router,
        orgs_pages.router,
        network_routes.router,
        missions_routes.router,
        gateway_routes.router,
        playground.api,
        playground.router,
        gateway_pages.router,
        network_pages.router,
        missions_pages.router,
        findings_routes.router,
        disclosure_routes.router,
        disclosure_pages.router,
        joint_routes.router,
        joint_pages.router,
        incidents_routes.router,
        incidents_pages.router,
        audience_pages.router,
        findings_pages.router,
        flaw_pages.router,
        notification_pages.router,
        notification_pages.api,
        safeguards_routes.router,
        safeguards_pages.router,
        jobs_routes.router,
        jobs_pages.router,
        reports_routes.router,
        reports_pages.router,
    ]


def make_gateway(settings: Settings, db: Database, box: SecretBox, classifier: Any,
                 signer: TranscriptSigner) -> Gateway:
    """The gateway as the settings configure it (the server's, and a job worker's of its own)."""
    return Gateway(db, box, upstream_timeout=settings.gateway_upstream_timeout,
                   call_deadline=settings.gateway_call_deadline,
                   max_request_bytes=settings.gateway_max_request_bytes,
                   max_response_bytes=settings.gateway_max_response_bytes,
                   journal=gateway_journal(settings.home, db.url), classifier=classifier, signer=signer,
                   checkpoint_every=settings.transcript_checkpoint_interval)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    secret_key = settings.resolved_secret_key()  # refuse a bad secret before serving anything
    # and a hazard classifier that does not exist (it loads, or trains, once the server has started)
    classifier = create_classifier(settings.hazard_classifier, ClassifierOptions(cache_dir=settings.resolved_cache()))
    signer = TranscriptSigner.load_or_create(settings.resolved_signing_key())  # outside the database
    check_executor(settings.jobs_executor)  # refused before serving, like a bad secret

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.resolved_database_url(), busy_timeout=settings.db_busy_timeout)
        await db.ensure_schema()
        app.state.db = db
        app.state.sessions = db.sessions
        app.state.gateway = make_gateway(settings, db, app.state.secret_box, classifier, signer)
        await app.state.gateway.start()
        app.state.jobs = create_executor(settings.jobs_executor, db, JobResources(
            gateway=app.state.gateway, box=app.state.secret_box, settings=settings),
            lease_seconds=settings.jobs_lease_seconds, concurrency=settings.jobs_concurrency)
        await app.state.jobs.start()
        gc.freeze()  # what start-up built lives as long as the app: full collections stop scanning it
        try:
            yield
        finally:
            await app.state.jobs.aclose()
            await app.state.gateway.aclose()
            await db.dispose()

    app = FastAPI(title="redhive", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", dependencies=[Depends(csrf_protect)],
                  description="Collaborative AI red teaming: organisations, AI systems, the expert network.")
    app.state.settings = settings
    app.state.secret_key = secret_key
    app.state.secret_box = SecretBox(secret_key)
    install_error_handlers(app)
    for router in routers():
        app.include_router(router)
    install_openapi(app, cookie_name=settings.session_cookie_name)
    gateway_app = build_gateway_app(lambda: app.state.gateway)
    app.mount("/v1", gateway_app, name="gateway")
    _mount_api_docs(app)
    app.add_middleware(_SecurityHeaders)
    app.add_middleware(_GatewayFirst, gateway=gateway_app, operations=build_operations_app(lambda: app.state))
    app.add_middleware(_RequestIds)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "web" / "static"), name="static")
    return app


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
     b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
]


class _SecurityHeaders:
    """Pages never run in frames, never load from elsewhere, never leak URLs (invitation tokens) in
    Referer. Plain ASGI, and not on the gateway's `/v1` (JSON for machines, its hot path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(n, v) for n, v in _SECURITY_HEADERS if n not in present]]
            await send(message)

        await self.app(scope, receive, with_headers)


class _RequestIds:
    """Every HTTP request gets an id, the client's `X-Request-Id` when it is a plain token: every log
    record written while it is answered carries it (redhive.kit.logs), and the answer echoes it, so a
    user's report, the gateway's logs and a log shipper meet on one id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-request-id"), None)
        rid = given if given is not None and logs.valid_request_id(given) else uuid.uuid4().hex
        token = logs.request_id.set(rid)

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*[(n, v) for n, v in message.get("headers", []) if n.lower() != b"x-request-id"],
                                      (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        finally:
            logs.request_id.reset(token)


class _GatewayFirst:
    """`/v1/…` straight to the gateway's app, as its Mount would pass it: FastAPI's router would first
    try every platform route, about a tenth of a gateway call's CPU (bench/README.md). Likewise
    `/healthz`, `/readyz` and `/metrics` to the operations app (redhive.web.operations): for
    machines, outside the platform's session and API-token dependencies."""

    def __init__(self, app: ASGIApp, gateway: ASGIApp, operations: ASGIApp) -> None:
        self.app, self.gateway, self.operations = app, gateway, operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root = scope.get("root_path", "")
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(root + "/v1/"):
            await self.gateway({**scope, "app_root_path": scope.get("app_root_path", root),
                                "root_path": root + "/v1"}, receive, send)
            return
        if scope["type"] == "http" and path.removeprefix(root) in OPERATIONS_PATHS:
            await self.operations(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _mount_api_docs(app: FastAPI) -> None:
    """Swagger UI 5 at /api/docs from the static files fastapi-offline ships (it reads OpenAPI 3.1,
    which FastAPI writes; the Swagger UI 4 of swagger-ui-bundle could not): no CDN, so it works on
    air-gapped machines."""
    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html
    from starlette.responses import HTMLResponse

    assets = "/api/docs/assets"

    async def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="redhive API",
                                   swagger_js_url=f"{assets}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{assets}/swagger-ui.css",
                                   swagger_favicon_url=f"{assets}/favicon.png")

    app.add_api_route("/api/docs", api_docs, methods=["GET"], include_in_schema=False)
    app.mount(assets, StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"),
              name="api-docs-assets")
