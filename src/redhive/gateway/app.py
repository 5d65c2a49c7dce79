"""The OpenAI-compatible surface, mounted at `/v1`: a lean Starlette app (no session, CSRF or page
machinery on the hot path) over `Gateway`. Authentication is the mission key as a Bearer token.
Every answer is counted in the gateway's metrics (a stream when its last byte has left)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from redhive.gateway.answers import openai_error
from redhive.gateway.proxy import Gateway
from redhive.gateway.service import Grant

__all__ = ["build_gateway_app"]


def build_gateway_app(gateway: Callable[[], Gateway]) -> Starlette:
    async def grant_of(request: Request) -> Grant | Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return openai_error(401, "No API key: send your mission key as 'Authorization: Bearer rhk_…'.",
                                "invalid_request_error", "missing_api_key")
        grant = await gateway().grant_for_key(token.strip())
        if grant is None:
            return openai_error(401, "This API key is not a redhive mission key: check it, or ask the mission's "
                                "coordinator for one.", "invalid_request_error", "invalid_api_key")
        return grant

    async def models(request: Request) -> Response:
        grant = await grant_of(request)
        if isinstance(grant, Response):
            return grant
        refusal = grant.refusal_now()
        if refusal is not None:
            status, code, message = refusal
            return openai_error(status, message, "invalid_request_error" if status == 401 else "permission_error",
                                code)
        if "model_id" in request.path_params:
            return gateway().model(grant, request.path_params["model_id"])
        return gateway().models(grant)

    async def chat(request: Request) -> Response:
        grant = await grant_of(request)
        if isinstance(grant, Response):
            return grant
        raw = await gateway().read_body(request)
        if isinstance(raw, Response):
            return raw
        hint = request.headers.get("x-redhive-session") or None
        if request.url.path.endswith("/responses"):
            return await gateway().responses(grant, raw, session_hint=hint)
        if request.url.path.endswith("/embeddings"):
            return await gateway().embeddings(grant, raw, session_hint=hint)
        return await gateway().chat(grant, raw, channel="api", session_hint=hint)

    async def not_found(request: Request, exc: Exception) -> Response:
        return openai_error(404, f"The gateway has no endpoint {request.url.path}: it serves /v1/models, "
                            "/v1/models/{model}, /v1/chat/completions, /v1/responses and /v1/embeddings.",
                            "invalid_request_error", "unknown_url")

    async def not_allowed(request: Request, exc: Exception) -> Response:
        return openai_error(405, f"{request.method} is not allowed on {request.url.path}.",
                            "invalid_request_error", "method_not_allowed")

    def measured(endpoint: str, handler: Callable[[Request], Awaitable[Response]],
                 ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            started = time.perf_counter()
            response = await handler(request)
            metrics = gateway().metrics
            if isinstance(response, StreamingResponse):
                response.body_iterator = _timed(response.body_iterator, lambda: metrics.answered(
                    endpoint, response.status_code, time.perf_counter() - started))
            else:
                metrics.answered(endpoint, response.status_code, time.perf_counter() - started,
                                 _error_code(response))
            return response
        return run

    return Starlette(
        routes=[Route("/models", measured("models", models), methods=["GET"]),
                Route("/models/{model_id:path}", measured("models", models), methods=["GET"]),
                Route("/chat/completions", measured("chat", chat), methods=["POST"]),
                Route("/responses", measured("responses", chat), methods=["POST"]),
                Route("/embeddings", measured("embeddings", chat), methods=["POST"])],
        exception_handlers={404: not_found, 405: not_allowed},
    )


async def _timed(body: AsyncIterable[str | bytes | memoryview], done: Callable[[], None],
                 ) -> AsyncIterator[str | bytes | memoryview]:
    try:
        async for part in body:
            yield part
    finally:
        done()
        close = getattr(body, "aclose", None)
        if close is not None:
            await close()  # the relay records the exchange when it is closed


def _error_code(response: Response) -> str | None:
    if response.status_code < 400:
        return None
    try:
        return str(json.loads(bytes(response.body))["error"]["code"] or response.status_code)
    except (ValueError, KeyError, TypeError):
        return str(response.status_code)
