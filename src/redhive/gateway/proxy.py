"""The gateway's request path, shared by `/v1` (mission keys) and the playground (logged-in
participants): check the grant and limits, run the policy checks, call the upstream, and record the
exchange — every exchange, whatever happened, before or as the answer leaves.

Errors use OpenAI's shape: `{"error": {"message", "type", "code"}}` with the HTTP status the SDKs
expect (401 key problems, 403 not allowed, 404 unknown model, 413 too large, 429 limits, 400 blocked
or malformed, 502/504 upstream failures).

Every limit holds before the work it bounds: the body is read only up to `max_request_bytes`, and
the request's own tokens (estimated from its text) are counted against the key's daily quota before
it is forwarded, then settled to what the upstream reports.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from redhive.auth import signals
from redhive.db.session import Database
from redhive.gateway import service
from redhive.gateway.answers import JSON, error_event, openai_error, prompt_tokens, response_text, too_large, usage_of
from redhive.gateway.exchange import (
    RESPONSES_NAME,
    Call,
    check_body,
    check_embeddings,
    inputs,
    parsed,
    principal_of,
    session_id,
    stopped,
    with_text,
)
from redhive.gateway.grant_cache import GrantCache
from redhive.gateway.limits import Limits
from redhive.gateway.metrics import GatewayMetrics
from redhive.gateway.recorder import Recorder
from redhive.gateway.responses_api import Translated, UnsupportedParameter, response_events, to_chat, to_response
from redhive.gateway.service import Grant
from redhive.gateway.signing import TranscriptSigner
from redhive.gateway.upstream import Reassembly, UpstreamFailure, Upstreams, engine_refuses
from redhive.kit import SecretBox, new_id, utcnow
from redhive.safeguards import CheckContext, DenyList, Pipeline
from redhive.safeguards.pipeline import Decision, blocked
from redhive.safeguards.policy import HazardScreen, Standing
from redhive.safeguards.screening import DEFAULT_SPEC, HazardClassifier, create_classifier

__all__ = ["Gateway", "gateway_journal"]

log = logging.getLogger(__name__)


class Gateway:
    def __init__(self, db: Database, box: SecretBox, *, upstream_timeout: float = 60.0, call_deadline: float = 300.0,
                 max_request_bytes: int = 8 * 2**20, max_response_bytes: int = 16 * 2**20,
                 journal: Path | None = None, classifier: HazardClassifier | None = None,
                 signer: TranscriptSigner | None = None, checkpoint_every: float = 60.0) -> None:
        self.db, self.box = db, box
        self.max_request_bytes = max_request_bytes
        #: Screens every request and answer (redhive.safeguards.policy); never switched off.
        self.classifier = classifier or create_classifier(DEFAULT_SPEC)
        self._warming: asyncio.Task[Any] | None = None
        self.recorder = Recorder(db, journal=journal, signer=signer, checkpoint_every=checkpoint_every)
        self.upstreams = Upstreams(timeout=upstream_timeout, deadline=call_deadline,
                                   max_response_bytes=max_response_bytes)
        self.limits = Limits()
        self.metrics = GatewayMetrics()
        self.grants = GrantCache(db, box)
        signals.on_access_change(self.forget_grants)  # a vetting downgrade, a paused mission: at once

    async def start(self) -> None:
        """Before serving: record what a server that stopped left in its journal, and load (or train)
        the hazard classifier in the background (the first screened request waits for it)."""
        await self.recorder.recover()
        self._warming = asyncio.get_running_loop().create_task(self._warm())

    async def _warm(self) -> None:
        try:
            await self.classifier.screen(["warm-up"])
        except Exception as exc:  # each request retries, and a classifier that fails blocks (fail closed)
            log.error("The hazard classifier %s could not be loaded: %s", self.classifier.name, exc)

    async def aclose(self) -> None:
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
        await self.classifier.aclose()
        await self.recorder.aclose()
        await self.upstreams.aclose()

    # -- who is calling ---------------------------------------------------------------------------
    async def grant_for_key(self, token: str) -> Grant | None:
        """The key's grant (redhive.gateway.grant_cache): read at most 2 s ago."""
        return await self.grants.get(token)

    def revoke(self, key_id: str) -> None:
        self.grants.revoke(key_id)

    def forget_grants(self) -> None:
        """After a key is revoked or a mission changes: the next call reads the database again."""
        self.grants.forget()

    # -- the request path -------------------------------------------------------------------------
    async def read_body(self, request: Request) -> bytes | Response:
        """The request's body, or 413 as soon as it is known to be over the limit: from its
        Content-Length before a byte is read, or while reading a chunked one (the server discards
        the rest unread)."""
        limit = self.max_request_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return too_large(limit)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return too_large(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def models(self, grant: Grant) -> Response:
        created = int(time.time())
        data = [{"id": m, "object": "model", "created": created, "owned_by": "redhive"} for m in sorted(grant.routes)]
        return Response(json.dumps({"object": "list", "data": data}), media_type=JSON)

    def model(self, grant: Grant, model_id: str) -> Response:
        if model_id not in grant.routes:
            return openai_error(404, f"The model '{model_id}' is not part of this mission: GET /v1/models lists the "
                                "models you may use.", "invalid_request_error", "model_not_found")
        found = {"id": model_id, "object": "model", "created": int(time.time()), "owned_by": "redhive"}
        return Response(json.dumps(found), media_type=JSON)

    async def chat(self, grant: Grant, raw: bytes, *, channel: str, session_hint: str | None = None) -> Response:
        body = parsed(grant, raw, "a chat-completions request")
        if isinstance(body, Response):
            return body
        return await self._serve(grant, body, channel=channel, session_hint=session_hint)

    async def responses(self, grant: Grant, raw: bytes, *, session_hint: str | None = None) -> Response:
        """`POST /v1/responses`: translated to chat completions (redhive.gateway.responses_api), served
        and recorded as one, and answered as a Response object or the Responses event stream."""
        body = parsed(grant, raw, "a Responses API request")
        if isinstance(body, Response):
            return body
        if not isinstance(body, dict):
            return openai_error(400, "The request body must be a JSON object.", "invalid_request_error",
                                "invalid_body")
        try:
            translated = to_chat(body)
        except UnsupportedParameter as exc:
            return openai_error(400, exc.message, "invalid_request_error", "unsupported_parameter", param=exc.param)
        return await self._serve(grant, translated.chat, channel="api", session_hint=session_hint, api=translated)

    async def embeddings(self, grant: Grant, raw: bytes, *, session_hint: str | None = None) -> Response:
        """`POST /v1/embeddings`, for versions whose upstream is OpenAI-compatible: the inputs are
        screened like a request's messages, limits apply, and the exchange is recorded."""
        body = parsed(grant, raw, "an embeddings request")
        if isinstance(body, Response):
            return body
        problem = check_embeddings(body, grant)
        if problem is not None:
            return openai_error(*problem[:4], param=problem[4])
        route = grant.routes[body["model"]]
        principal = principal_of(grant)
        await self._seed_tokens(principal, grant)
        texts = inputs(body["input"])
        estimate = sum(len(t) for t in texts) // 4 + 1
        limited = self.limits.admit(principal, rpm=grant.requests_per_minute, max_concurrent=grant.max_concurrent,
                                    tokens_per_day=grant.tokens_per_day, tokens=estimate)
        if limited is not None:
            return openai_error(429, limited.message, "rate_limit_error", limited.code,
                                headers={"Retry-After": str(limited.retry_after)})
        screened = {"messages": [{"role": "user", "content": t} for t in texts]}
        call = Call(grant, body, route, "api", session_hint or session_id(grant, screened), new_id(),
                     time.perf_counter(), utcnow(), estimate, screened=screened)
        try:
            decisions = await self._pipeline(call).run("before", self._context(call))
            if (stop := blocked(decisions)) is not None:
                outcome, code, message = stopped(stop, call.id)
                await self._record(call, outcome=outcome, status=400, response=None, error=stop.reason,
                                   decisions=decisions)
                return openai_error(400, message, "invalid_request_error", code, exchange_id=call.id)
            try:
                response = await self.upstreams.embed(route, body)
            except UpstreamFailure as failure:
                await self._record(call, outcome="upstream_error", status=failure.status, response=None,
                                   error=failure.message, decisions=decisions)
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
                return openai_error(failure.status, failure.message, failure.kind, headers=headers,
                                    exchange_id=call.id)
            await self._record(call, outcome="ok", status=200, response=response, error=None, decisions=decisions)
            return Response(json.dumps(response), media_type=JSON, headers={"X-Redhive-Exchange-Id": call.id})
        finally:
            self.limits.release(principal)

    async def _serve(self, grant: Grant, body: Any, *, channel: str, session_hint: str | None,
                     api: Translated | None = None) -> Response:
        problem = check_body(body, grant)
        if problem is not None:
            return openai_error(*problem)
        route = grant.routes[body["model"]]
        if not route.is_openai and (refused := engine_refuses(body)) is not None:
            param, message = refused
            if api is not None:  # name it as the client wrote it
                param = RESPONSES_NAME.get(param, param)
                message = (f"This model is served through redhive's engine, which cannot honour '{param}': leave "
                           "it out (or use a version with an OpenAI-compatible upstream).")
            return openai_error(400, message, "invalid_request_error", "unsupported_parameter", param=param)
        principal = principal_of(grant)
        await self._seed_tokens(principal, grant)
        estimate = prompt_tokens(body)
        limited = self.limits.admit(principal, rpm=grant.requests_per_minute, max_concurrent=grant.max_concurrent,
                                    tokens_per_day=grant.tokens_per_day, tokens=estimate)
        if limited is not None:
            return openai_error(429, limited.message, "rate_limit_error", limited.code,
                                headers={"Retry-After": str(limited.retry_after)})
        call = Call(grant, body, route, channel, session_hint or session_id(grant, body), new_id(),
                     time.perf_counter(), utcnow(), estimate, api=api)
        try:
            if body.get("stream"):
                return await self._stream(call, principal)
            return await self._complete(call)
        finally:
            if not body.get("stream"):
                self.limits.release(principal)

    async def _complete(self, call: Call) -> Response:
        pipeline, ctx = self._pipeline(call), self._context(call)
        decisions = await pipeline.run("before", ctx)
        if (stop := blocked(decisions)) is not None:
            outcome, code, message = stopped(stop, call.id)
            await self._record(call, outcome=outcome, status=400, response=None, error=stop.reason,
                               decisions=decisions)
            return openai_error(400, message, "invalid_request_error", code, exchange_id=call.id)
        assert call.route is not None
        try:
            response = await self.upstreams.complete(call.route, call.body)
        except UpstreamFailure as failure:
            await self._record(call, outcome="upstream_error", status=failure.status, response=None,
                               error=failure.message, decisions=decisions)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return openai_error(failure.status, failure.message, failure.kind, headers=headers, exchange_id=call.id)
        text = response_text(response)
        decisions += await pipeline.run("after", with_text(ctx, text))
        if (stop := blocked(decisions)) is not None:
            outcome, code, message = stopped(stop, call.id)
            await self._record(call, outcome=outcome, status=400, response=response, error=stop.reason,
                               decisions=decisions)
            return openai_error(400, message, "invalid_request_error", code, exchange_id=call.id)
        await self._record(call, outcome="ok", status=200, response=response, error=None, decisions=decisions)
        answer = response if call.api is None else to_response(response, call.api.original,
                                                                response_id=f"resp_{call.id}")
        return Response(json.dumps(answer), media_type=JSON, headers={"X-Redhive-Exchange-Id": call.id})

    async def _stream(self, call: Call, principal: str) -> Response:
        pipeline, ctx = self._pipeline(call), self._context(call)
        decisions = await pipeline.run("before", ctx)
        if (stop := blocked(decisions)) is not None:
            self.limits.release(principal)
            outcome, code, message = stopped(stop, call.id)
            await self._record(call, outcome=outcome, status=400, response=None, error=stop.reason,
                               decisions=decisions)
            return openai_error(400, message, "invalid_request_error", code, exchange_id=call.id)
        assert call.route is not None
        reassembly = Reassembly(call.route.model)
        upstream = self.upstreams.stream(call.route, call.body, reassembly)
        try:
            first = await upstream.__anext__()
        except (UpstreamFailure, StopAsyncIteration) as exc:
            failure = exc if isinstance(exc, UpstreamFailure) else UpstreamFailure(502, "The upstream sent nothing.")
            self.limits.release(principal)
            await self._record(call, outcome="upstream_error", status=failure.status, response=None,
                               error=failure.message, decisions=decisions)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else None
            return openai_error(failure.status, failure.message, failure.kind, headers=headers, exchange_id=call.id)
        relay = self._relay(call, principal, first, upstream, reassembly, decisions, pipeline)
        events = relay if call.api is None else response_events(relay, call.api.original,
                                                                response_id=f"resp_{call.id}")
        return StreamingResponse(events, media_type="text/event-stream",
                                 headers={"X-Redhive-Exchange-Id": call.id, "Cache-Control": "no-cache"})

    async def _relay(self, call: Call, principal: str, first: bytes, upstream: AsyncIterator[bytes],
                     reassembly: Reassembly, decisions: list[Decision], pipeline: Pipeline,
                     ) -> AsyncGenerator[bytes, None]:
        outcome, status, error = "client_disconnected", 200, None
        try:
            yield first
            async for event in upstream:
                if event == b"data: [DONE]\n\n":
                    after = await pipeline.run("after", with_text(self._context(call), reassembly.text))
                    decisions += after
                    if (stop := blocked(after)) is not None:
                        outcome, code, message = stopped(stop, call.id)
                        status, error = 400, stop.reason
                        yield error_event(message, code)
                        return
                yield event
            outcome = "ok"
        except UpstreamFailure as failure:
            outcome, status, error = "partial", failure.status, failure.message
            yield error_event(failure.message, failure.kind)
        finally:
            usage = usage_of(reassembly.response(), call.body)
            self.metrics.used(call.endpoint, *usage)
            if outcome != "ok":
                self.metrics.cut(call.endpoint, outcome)
            self.limits.release(principal)
            self.limits.add_tokens(principal, sum(usage) - call.reserved)  # the estimate, settled
            # Recorded from its own task: a client that hung up cancels this generator mid-await.
            self.recorder.record_soon(call.draft(outcome=outcome, status=status, response=reassembly.response(),
                                                 error=error, decisions=decisions, usage=usage))

    # -- helpers --------------------------------------------------------------------------------
    async def _record(self, call: Call, *, outcome: str, status: int, response: dict[str, Any] | None,
                      error: str | None, decisions: list[Decision]) -> None:
        usage = usage_of(response, call.body) if response else (0, 0)
        self.metrics.used(call.endpoint, *usage)
        self.limits.add_tokens(principal_of(call.grant), sum(usage) - call.reserved)  # the estimate, settled
        await self.recorder.record(call.draft(outcome=outcome, status=status, response=response, error=error,
                                              decisions=decisions, usage=usage))

    async def _seed_tokens(self, principal: str, grant: Grant) -> None:
        today = utcnow().date()
        if self.limits.needs_seed(principal, today):
            async with self.db.session() as session:
                used = await service.tokens_used_today(session, grant.key_id, grant.user_id)
            self.limits.seed(principal, today, used)

    def _pipeline(self, call: Call) -> Pipeline:
        """The hazard screen first, so that every exchange has its score whatever else stops it."""
        grant = call.grant
        screen = HazardScreen(self.classifier, Standing(grant.vetting_level, grant.access_tier,
                                                        grant.hazard_ceiling, grant.programmes))
        return Pipeline([screen, DenyList(grant.deny_list)] if grant.deny_list else [screen])

    @staticmethod
    def _context(call: Call) -> CheckContext:
        return CheckContext(call.grant.mission_id, call.grant.user_id, call.grant.vetting_level,
                            str(call.body.get("model")), call.screened or call.body)


def gateway_journal(home: Path, database_url: str) -> Path:
    """The recorder's journal folder: under the server's home, one per database (a journal is
    replayed only into the database its exchanges were meant for)."""
    return home / "gateway-journal" / hashlib.sha256(database_url.encode()).hexdigest()[:16]
