"""What the gateway answers, in OpenAI's shapes: an error (`{"error": {"message", "type", "param",
"code"}}` with the status the SDKs expect), the 413 of a body over the limit, a stream's error event,
and what an answer says: its text and its token usage (the upstream's, else an estimate)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

__all__ = ["JSON", "error_event", "openai_error", "prompt_tokens", "response_text", "too_large", "usage_of"]

JSON = "application/json"


def openai_error(status: int, message: str, kind: str, code: str | None = None,
                 headers: dict[str, str] | None = None, exchange_id: str | None = None,
                 param: str | None = None) -> Response:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    out = dict(headers or {})
    if exchange_id:
        out["X-Redhive-Exchange-Id"] = exchange_id
    return Response(json.dumps(body), status_code=status, media_type=JSON, headers=out)


def response_text(response: dict[str, Any]) -> str:
    parts: list[str] = []
    for choice in response.get("choices") or []:
        message = choice.get("message") or {}
        parts.append(str(message.get("content") or ""))
        parts.extend(str((c.get("function") or {}).get("arguments", "")) for c in message.get("tool_calls") or [])
    return "\n".join(parts)


def prompt_tokens(body: dict[str, Any]) -> int:
    """The request's own tokens, estimated (about four characters a token): what it is charged
    before it is forwarded, and what is recorded when the upstream reports no usage."""
    return sum(len(str(m.get("content") or "")) for m in body.get("messages") or []) // 4 + 1


def usage_of(response: dict[str, Any] | None, body: dict[str, Any]) -> tuple[int, int]:
    usage = (response or {}).get("usage") or {}
    if usage:
        return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    return prompt_tokens(body), len(response_text(response or {})) // 4 + (1 if response else 0)


def too_large(limit: int) -> Response:
    shown = f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit:,} bytes"
    return openai_error(413, f"The request body is larger than the gateway's limit of {shown}: send a shorter "
                        "request (or ask the operator to raise REDHIVE_GATEWAY_MAX_REQUEST_BYTES).",
                        "invalid_request_error", "request_too_large")


def error_event(message: str, kind: str) -> bytes:
    return b"data: " + json.dumps({"error": {"message": message, "type": kind, "code": kind}}).encode() + b"\n\n"
