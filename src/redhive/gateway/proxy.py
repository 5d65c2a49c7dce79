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
import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from redhive.auth import signals
from redhive.db.session import Database
from redhive.gateway import service
from redhive.gateway.limits import Limits
from redhive.gateway.metrics import GatewayMetrics
from redhive.gateway.recorder import Recorder
from redhive.gateway.responses_api import Translated, UnsupportedParameter, response_events, to_chat, to_response
from redhive.gateway.service import Grant
from redhive.gateway.signing import TranscriptSigner
from redhive.gateway.upstream import Reassembly, Route, UpstreamFailure, Upstreams, engine_refuses
from redhive.kit import SecretBox, hash_token, new_id, utcnow
from redhive.safeguards import CheckContext, DenyList, Pipeline
from redhive.safeguards.pipeline import Decision, blocked
from redhive.safeguards.policy import HazardScreen, Standing
from redhive.safeguards.screening import DEFAULT_SPEC, HazardClassifier, create_classifier

__all__ = ["Gateway", "gateway_journal", "openai_error"]

log = logging.getLogger(__name__)
_GRANT_TTL = 2.0  # seconds a resolved key is reused; revocation in this process clears it at once
_JSON = "application/json"


def openai_error(status: int, message: str, kind: str, code: str | None = None,
                 headers: dict[str, str] | None = None, exchange_id: str | None = None,
                 param: str | None = None) -> Response:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    out = dict(headers or {})
    if exchange_id:
        out["X-Redhive-Exchange-Id"] = exchange_id
    return Response(json.dumps(body), status_code=status, media_type=_JSON, headers=out)


@dataclass(slots=True)
class _Call:
    """One exchange being built."""

    grant: Grant
    body: dict[str, Any]
    route: Route | None
    channel: str
    session_id: str
    id: str
    started: float
    started_at: Any
    #: Tokens counted against the quota before forwarding (the request's estimate), settled later.
    reserved: int = 0
    #: A Responses API call: translated to `body`; answered in the Responses shape.
    api: Translated | None = None
    #: What the policy checks read when `body` holds no messages (an embeddings request's inputs).
    screened: dict[str, Any] | None = None

    @property
    def endpoint(self) -> str:
        """The metrics' endpoint label."""
        if self.channel != "api":
            return self.channel
        return "responses" if self.api is not None else "embeddings" if self.screened is not None else "chat"

    def draft(self, *, outcome: str, status: int, response: dict[str, Any] | None, error: str | None,
              decisions: list[Decision], usage: tuple[int, int]) -> dict[str, Any]:
        return {
            "id": self.id, "mission_id": self.grant.mission_id, "session_id": self.session_id,
            "key_id": self.grant.key_id, "user_id": self.grant.user_id,
            "version_id": self.route.version_id if self.route else None,
            "model": str(self.body.get("model") or "")[:200], "channel": self.channel,
            "stream": bool(self.body.get("stream")), "response": response,
            "request": self.body if self.api is None else {**self.body, "x_redhive_api": self.api.record()},
            "outcome": outcome, "status_code": status, "error": error,
            "decisions": [d.as_dict() for d in decisions], "input_tokens": usage[0], "output_tokens": usage[1],
            "started_at": self.started_at, "latency_ms": round((time.perf_counter() - self.started) * 1000, 3),
        }


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
        self._grants: dict[str, tuple[float, Grant]] = {}
        self._revoked: set[str] = set()  # keys revoked through this process: refused even when cached
        self._resolving: dict[str, asyncio.Task[Grant | None]] = {}
        self._generation = 0  # forget_grants() counts up: a read begun before it is not cached
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
        """The key's grant, read at most 2 s ago. A grant past half its life is re-read in the
        background while it is still served, so under load no request waits for the database; and
        one read per key at a time, however many requests arrive meanwhile."""
        digest = hash_token(token)
        cached = self._grants.get(digest)
        age = time.monotonic() - cached[0] if cached is not None else _GRANT_TTL
        if cached is not None and age < _GRANT_TTL:
            if age >= _GRANT_TTL / 2:
                self._resolve(digest, token)
            return self._checked(cached[1])
        grant = await asyncio.shield(self._resolve(digest, token))  # a caller that hangs up leaves it
        return None if grant is None else self._checked(grant)

    def _resolve(self, digest: str, token: str) -> asyncio.Task[Grant | None]:
        task = self._resolving.get(digest)
        if task is None:
            task = self._resolving[digest] = asyncio.get_running_loop().create_task(self._read(digest, token))
            task.add_done_callback(lambda done: self._resolved(digest, done))
        return task

    def _resolved(self, digest: str, task: asyncio.Task[Grant | None]) -> None:
        if self._resolving.get(digest) is task:  # not a newer read, begun after a forget_grants()
            del self._resolving[digest]

    async def _read(self, digest: str, token: str) -> Grant | None:
        started, generation = time.monotonic(), self._generation
        async with self.db.session() as session:
            grant = await service.resolve_key(session, token, self.box)
        if grant is not None and generation == self._generation:  # not read before a forget_grants()
            self._grants[digest] = (started, grant)
        return grant

    def _checked(self, grant: Grant) -> Grant:
        if grant.key_id in self._revoked and not grant.revoked:
            return dataclasses.replace(grant, revoked=True)
        return grant

    def revoke(self, key_id: str) -> None:
        self._revoked.add(key_id)
        self.forget_grants()

    def forget_grants(self) -> None:
        """After a key is revoked or a mission changes: the next call reads the database again."""
        self._generation += 1
        self._grants.clear()
        self._resolving.clear()

    # -- the request path -------------------------------------------------------------------------
    async def read_body(self, request: Request) -> bytes | Response:
        """The request's body, or 413 as soon as it is known to be over the limit: from its
        Content-Length before a byte is read, or while reading a chunked one (the server discards
        the rest unread)."""
        limit = self.max_request_bytes
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return _too_large(limit)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return _too_large(limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def models(self, grant: Grant) -> Response:
        created = int(time.time())
        data = [{"id": m, "object": "model", "created": created, "owned_by": "redhive"} for m in sorted(grant.routes)]
        return Response(json.dumps({"object": "list", "data": data}), media_type=_JSON)

    def model(self, grant: Grant, model_id: str) -> Response:
        if model_id not in grant.routes:
            return openai_error(404, f"The model '{model_id}' is not part of this mission: GET /v1/models lists the "
                                "models you may use.", "invalid_request_error", "model_not_found")
        found = {"id": model_id, "object": "model", "created": int(time.time()), "owned_by": "redhive"}
        return Response(json.dumps(found), media_type=_JSON)

    async def chat(self, grant: Grant, raw: bytes, *, channel: str, session_hint: str | None = None) -> Response:
        body = _parsed(grant, raw, "a chat-completions request")
        if isinstance(body, Response):
            return body
        return await self._serve(grant, body, channel=channel, session_hint=session_hint)

    async def responses(self, grant: Grant, raw: bytes, *, session_hint: str | None = None) -> Response:
        """`POST /v1/responses`: translated to chat completions (redhive.gateway.responses_api), served
        and recorded as one, and answered as a Response object or the Responses event stream."""
        body = _parsed(grant, raw, "a Responses API request")
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
        body = _parsed(grant, raw, "an embeddings request")
        if isinstance(body, Response):
            return body
        problem = _check_embeddings(body, grant)
        if problem is not None:
            return openai_error(*problem[:4], param=problem[4])
        route = grant.routes[body["model"]]
        principal = _principal(grant)
        await self._seed_tokens(principal, grant)
        texts = _inputs(body["input"])
        estimate = sum(len(t) for t in texts) // 4 + 1
        limited = self.limits.admit(principal, rpm=grant.requests_per_minute, max_concurrent=grant.max_concurrent,
                                    tokens_per_day=grant.tokens_per_day, tokens=estimate)
        if limited is not None:
            return openai_error(429, limited.message, "rate_limit_error", limited.code,
                                headers={"Retry-After": str(limited.retry_after)})
        screened = {"messages": [{"role": "user", "content": t} for t in texts]}
        call = _Call(grant, body, route, "api", session_hint or _session_id(grant, screened), new_id(),
                     time.perf_counter(), utcnow(), estimate, screened=screened)
        try:
            decisions = await self._pipeline(call).run("before", self._context(call))
            if (stop := blocked(decisions)) is not None:
                outcome, code, message = _stopped(stop, call.id)
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
            return Response(json.dumps(response), media_type=_JSON, headers={"X-Redhive-Exchange-Id": call.id})
        finally:
            self.limits.release(principal)

    async def _serve(self, grant: Grant, body: Any, *, channel: str, session_hint: str | None,
                     api: Translated | None = None) -> Response:
        problem = _check_body(body, grant)
        if problem is not None:
            return openai_error(*problem)
        route = grant.routes[body["model"]]
        if not route.is_openai and (refused := engine_refuses(body)) is not None:
            param, message = refused
            if api is not None:  # name it as the client wrote it
                param = _RESPONSES_NAME.get(param, param)
                message = (f"This model is served through redhive's engine, which cannot honour '{param}': leave "
                           "it out (or use a version with an OpenAI-compatible upstream).")
            return openai_error(400, message, "invalid_request_error", "unsupported_parameter", param=param)
        principal = _principal(grant)
        await self._seed_tokens(principal, grant)
        estimate = _prompt_tokens(body)
        limited = self.limits.admit(principal, rpm=grant.requests_per_minute, max_concurrent=grant.max_concurrent,
                                    tokens_per_day=grant.tokens_per_day, tokens=estimate)
        if limited is not None:
            return openai_error(429, limited.message, "rate_limit_error", limited.code,
                                headers={"Retry-After": str(limited.retry_after)})
        call = _Call(grant, body, route, channel, session_hint or _session_id(grant, body), new_id(),
                     time.perf_counter(), utcnow(), estimate, api=api)
        try:
            if body.get("stream"):
                return await self._stream(call, principal)
            return await self._complete(call)
        finally:
            if not body.get("stream"):
                self.limits.release(principal)

    async def _complete(self, call: _Call) -> Response:
        pipeline, ctx = self._pipeline(call), self._context(call)
        decisions = await pipeline.run("before", ctx)
        if (stop := blocked(decisions)) is not None:
            outcome, code, message = _stopped(stop, call.id)
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
        text = _response_text(response)
        decisions += await pipeline.run("after", _with_text(ctx, text))
        if (stop := blocked(decisions)) is not None:
            outcome, code, message = _stopped(stop, call.id)
            await self._record(call, outcome=outcome, status=400, response=response, error=stop.reason,
                               decisions=decisions)
            return openai_error(400, message, "invalid_request_error", code, exchange_id=call.id)
        await self._record(call, outcome="ok", status=200, response=response, error=None, decisions=decisions)
        answer = response if call.api is None else to_response(response, call.api.original,
                                                                response_id=f"resp_{call.id}")
        return Response(json.dumps(answer), media_type=_JSON, headers={"X-Redhive-Exchange-Id": call.id})

    async def _stream(self, call: _Call, principal: str) -> Response:
        pipeline, ctx = self._pipeline(call), self._context(call)
        decisions = await pipeline.run("before", ctx)
        if (stop := blocked(decisions)) is not None:
            self.limits.release(principal)
            outcome, code, message = _stopped(stop, call.id)
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

    async def _relay(self, call: _Call, principal: str, first: bytes, upstream: AsyncIterator[bytes],
                     reassembly: Reassembly, decisions: list[Decision], pipeline: Pipeline,
                     ) -> AsyncGenerator[bytes, None]:
        outcome, status, error = "client_disconnected", 200, None
        try:
            yield first
            async for event in upstream:
                if event == b"data: [DONE]\n\n":
                    after = await pipeline.run("after", _with_text(self._context(call), reassembly.text))
                    decisions += after
                    if (stop := blocked(after)) is not None:
                        outcome, code, message = _stopped(stop, call.id)
                        status, error = 400, stop.reason
                        yield _error_event(message, code)
                        return
                yield event
            outcome = "ok"
        except UpstreamFailure as failure:
            outcome, status, error = "partial", failure.status, failure.message
            yield _error_event(failure.message, failure.kind)
        finally:
            usage = _usage(reassembly.response(), call.body)
            self.metrics.used(call.endpoint, *usage)
            if outcome != "ok":
                self.metrics.cut(call.endpoint, outcome)
            self.limits.release(principal)
            self.limits.add_tokens(principal, sum(usage) - call.reserved)  # the estimate, settled
            # Recorded from its own task: a client that hung up cancels this generator mid-await.
            self.recorder.record_soon(call.draft(outcome=outcome, status=status, response=reassembly.response(),
                                                 error=error, decisions=decisions, usage=usage))

    # -- helpers --------------------------------------------------------------------------------
    async def _record(self, call: _Call, *, outcome: str, status: int, response: dict[str, Any] | None,
                      error: str | None, decisions: list[Decision]) -> None:
        usage = _usage(response, call.body) if response else (0, 0)
        self.metrics.used(call.endpoint, *usage)
        self.limits.add_tokens(_principal(call.grant), sum(usage) - call.reserved)  # the estimate, settled
        await self.recorder.record(call.draft(outcome=outcome, status=status, response=response, error=error,
                                              decisions=decisions, usage=usage))

    async def _seed_tokens(self, principal: str, grant: Grant) -> None:
        today = utcnow().date()
        if self.limits.needs_seed(principal, today):
            async with self.db.session() as session:
                used = await service.tokens_used_today(session, grant.key_id, grant.user_id)
            self.limits.seed(principal, today, used)

    def _pipeline(self, call: _Call) -> Pipeline:
        """The hazard screen first, so that every exchange has its score whatever else stops it."""
        grant = call.grant
        screen = HazardScreen(self.classifier, Standing(grant.vetting_level, grant.access_tier,
                                                        grant.hazard_ceiling, grant.programmes))
        return Pipeline([screen, DenyList(grant.deny_list)] if grant.deny_list else [screen])

    @staticmethod
    def _context(call: _Call) -> CheckContext:
        return CheckContext(call.grant.mission_id, call.grant.user_id, call.grant.vetting_level,
                            str(call.body.get("model")), call.screened or call.body)


def gateway_journal(home: Path, database_url: str) -> Path:
    """The recorder's journal folder: under the server's home, one per database (a journal is
    replayed only into the database its exchanges were meant for)."""
    return home / "gateway-journal" / hashlib.sha256(database_url.encode()).hexdigest()[:16]


def _stopped(stop: Decision, exchange_id: str) -> tuple[str, str, str]:
    """(outcome, error code, sentence) for an exchange a check stopped."""
    where = "request" if stop.stage == "before" else "answer"
    if stop.action == "escalate":
        return "escalated", "held_for_review", (f"The {where} was held for review by the mission's safeguards: "
                                                f"{stop.reason}. A reviewer will look at exchange {exchange_id}.")
    if stop.stage == "before":
        return "blocked", "content_blocked", f"Blocked by the mission's policy: {stop.reason}."
    return "blocked", "content_blocked", f"The answer was withheld by the mission's policy: {stop.reason}."


def _principal(grant: Grant) -> str:
    """Whose limits apply: the key, or in the playground the participant in that mission."""
    return grant.key_id or f"user:{grant.user_id}:{grant.mission_id}"


def _with_text(ctx: CheckContext, text: str) -> CheckContext:
    return CheckContext(ctx.mission_id, ctx.user_id, ctx.vetting_level, ctx.model, ctx.request, text)


#: A chat-completions parameter an engine version refuses, as a Responses request names it.
_RESPONSES_NAME = {"logprobs": "top_logprobs", "top_logprobs": "top_logprobs", "reasoning_effort": "reasoning",
                   "response_format": "text", "tool_choice": "tool_choice"}


def _parsed(grant: Grant, raw: bytes, what: str) -> Any:
    """The request's JSON, or the refusal the caller returns (the key's standing first)."""
    refusal = grant.refusal(utcnow())
    if refusal is not None:
        status, code, message = refusal
        return openai_error(status, message, "invalid_request_error" if status == 401 else "permission_error", code)
    try:
        return json.loads(raw)
    except ValueError:
        return openai_error(400, f"The request body is not JSON: send {what}.", "invalid_request_error",
                            "invalid_json")


def _inputs(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _check_embeddings(body: Any, grant: Grant) -> tuple[int, str, str, str, str | None] | None:
    if not isinstance(body, dict):
        return 400, "The request body must be a JSON object.", "invalid_request_error", "invalid_body", None
    value = body.get("input")
    if not (isinstance(value, str) and value) and not (
            isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        return (400, "'input' must be a non-empty string or list of strings (token arrays cannot be screened, so "
                "the gateway does not take them).", "invalid_request_error", "invalid_input", "input")
    model = body.get("model")
    if not isinstance(model, str) or model not in grant.routes:
        return (404, f"The model '{model}' is not part of this mission: GET /v1/models lists the models you may use.",
                "invalid_request_error", "model_not_found", "model")
    if not grant.routes[model].is_openai:
        return (400, f"The model '{model}' has no embeddings: only versions served by an OpenAI-compatible upstream "
                "offer /v1/embeddings.", "invalid_request_error", "embeddings_not_available", "model")
    return None


def _check_body(body: Any, grant: Grant) -> tuple[int, str, str, str] | None:
    if not isinstance(body, dict):
        return 400, "The request body must be a JSON object.", "invalid_request_error", "invalid_body"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        return (400, "'messages' must be a non-empty list of message objects.", "invalid_request_error",
                "invalid_messages")
    model = body.get("model")
    if not isinstance(model, str) or model not in grant.routes:
        return (404, f"The model '{model}' is not part of this mission: GET /v1/models lists the models you may use.",
                "invalid_request_error", "model_not_found")
    if not grant.allow_system_prompt and any(m.get("role") in ("system", "developer") for m in messages):
        return (403, "This mission does not allow your own system prompt: remove the system message.",
                "permission_error", "system_prompt_not_allowed")
    return None


def _session_id(grant: Grant, body: dict[str, Any]) -> str:
    """Exchanges that share key, model and opening messages (system + first user turn) are one
    conversation: each later request resends that opening."""
    opening: list[Any] = []
    for message in body.get("messages") or []:
        opening.append([message.get("role"), message.get("content")])
        if message.get("role") == "user":
            break
    key = json.dumps([grant.key_id or grant.user_id, body.get("model"), opening], sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _response_text(response: dict[str, Any]) -> str:
    parts: list[str] = []
    for choice in response.get("choices") or []:
        message = choice.get("message") or {}
        parts.append(str(message.get("content") or ""))
        parts.extend(str((c.get("function") or {}).get("arguments", "")) for c in message.get("tool_calls") or [])
    return "\n".join(parts)


def _prompt_tokens(body: dict[str, Any]) -> int:
    """The request's own tokens, estimated (about four characters a token): what it is charged
    before it is forwarded, and what is recorded when the upstream reports no usage."""
    return sum(len(str(m.get("content") or "")) for m in body.get("messages") or []) // 4 + 1


def _usage(response: dict[str, Any] | None, body: dict[str, Any]) -> tuple[int, int]:
    usage = (response or {}).get("usage") or {}
    if usage:
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    return _prompt_tokens(body), len(_response_text(response or {})) // 4 + (1 if response else 0)


def _too_large(limit: int) -> Response:
    shown = f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit:,} bytes"
    return openai_error(413, f"The request body is larger than the gateway's limit of {shown}: send a shorter "
                        "request (or ask the operator to raise REDHIVE_GATEWAY_MAX_REQUEST_BYTES).",
                        "invalid_request_error", "request_too_large")


def _error_event(message: str, kind: str) -> bytes:
    return b"data: " + json.dumps({"error": {"message": message, "type": kind, "code": kind}}).encode() + b"\n\n"
