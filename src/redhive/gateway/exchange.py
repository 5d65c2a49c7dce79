"""One exchange through the gateway: the call being built (`Call`, what is recorded of it), and the
checks of the request it begins with: the key's standing and the body's JSON, the shape of a chat or
embeddings request, whose limits apply, which conversation it continues, and how a stop is told."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

from redhive.gateway.answers import openai_error
from redhive.gateway.responses_api import Translated
from redhive.gateway.service import Grant
from redhive.gateway.upstream import Route
from redhive.kit import utcnow
from redhive.safeguards import CheckContext
from redhive.safeguards.pipeline import Decision

__all__ = ["RESPONSES_NAME", "Call", "check_body", "check_embeddings", "inputs", "parsed", "principal_of",
           "session_id", "stopped", "with_text"]


@dataclass(slots=True)
class Call:
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


def stopped(stop: Decision, exchange_id: str) -> tuple[str, str, str]:
    """(outcome, error code, sentence) for an exchange a check stopped."""
    where = "request" if stop.stage == "before" else "answer"
    if stop.action == "escalate":
        return "escalated", "held_for_review", (f"The {where} was held for review by the mission's safeguards: "
                                                f"{stop.reason}. A reviewer will look at exchange {exchange_id}.")
    if stop.stage == "before":
        return "blocked", "content_blocked", f"Blocked by the mission's policy: {stop.reason}."
    return "blocked", "content_blocked", f"The answer was withheld by the mission's policy: {stop.reason}."


def principal_of(grant: Grant) -> str:
    """Whose limits apply: the key, or in the playground the participant in that mission."""
    return grant.key_id or f"user:{grant.user_id}:{grant.mission_id}"


def with_text(ctx: CheckContext, text: str) -> CheckContext:
    return CheckContext(ctx.mission_id, ctx.user_id, ctx.vetting_level, ctx.model, ctx.request, text)


#: A chat-completions parameter an engine version refuses, as a Responses request names it.
RESPONSES_NAME = {"logprobs": "top_logprobs", "top_logprobs": "top_logprobs", "reasoning_effort": "reasoning",
                   "response_format": "text", "tool_choice": "tool_choice"}


def parsed(grant: Grant, raw: bytes, what: str) -> Any:
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


def inputs(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def check_embeddings(body: Any, grant: Grant) -> tuple[int, str, str, str, str | None] | None:
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


def check_body(body: Any, grant: Grant) -> tuple[int, str, str, str] | None:
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


def session_id(grant: Grant, body: dict[str, Any]) -> str:
    """Exchanges that share key, model and opening messages (system + first user turn) are one
    conversation: each later request resends that opening."""
    opening: list[Any] = []
    for message in body.get("messages") or []:
        opening.append([message.get("role"), message.get("content")])
        if message.get("role") == "user":
            break
    key = json.dumps([grant.key_id or grant.user_id, body.get("model"), opening], sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()[:32]
