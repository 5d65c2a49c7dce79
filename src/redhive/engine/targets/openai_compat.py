"""`openai:<model>`: any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp,
TGI, LiteLLM, hosted APIs, redhive's own gateway), including tool calls.

Base URL and key come from the options (CLI flags) or OPENAI_BASE_URL / OPENAI_API_KEY (that key only
when no base URL is given: `api_key_for`).
Requests go out through `http_transport`: aiohttp by default, httpx behind a proxy or when the
target option `http_client=httpx` asks for it (docs/decisions.md D1, D7).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from redhive.engine.registry import target
from redhive.engine.targets.base import Target, TargetOptions, api_key_for
from redhive.engine.targets.http_transport import HttpReply, make_transport, url_parts
from redhive.engine.tracing import ATTEMPT_HEADER, current_attempt
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage
from redhive.errors import (
    InvalidInput,
    TargetAuthError,
    TargetRejected,
    TransientTargetError,
)

__all__ = ["OpenAICompatTarget", "parse_retry_after"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class OpenAICompatTarget(Target):
    def __init__(self, model: str, options: TargetOptions) -> None:
        base_url = options.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        super().__init__(f"openai:{model}", options)
        self.model = model
        self._params: GenerationParams | None = None  # the last request's, with `_sampling` its JSON
        self._sampling: dict[str, Any] = {}
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        try:
            scheme, host = url_parts(self.url)
        except ValueError as exc:
            raise InvalidInput(
                f"The base URL '{base_url}' is not a URL ({exc}): check --base-url or OPENAI_BASE_URL."
            ) from None
        if scheme not in ("http", "https") or not host:
            raise InvalidInput(
                f"The base URL '{base_url}' is not an http:// or https:// URL: give the full address in "
                "--base-url or OPENAI_BASE_URL, for example http://localhost:8000/v1."
            )
        key = api_key_for(options, "OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        # The runner owns the overall timeout; the transport's only bounds connecting.
        self.transport = make_transport(self.url, self.base_url, headers, size=options.concurrency,
                                        connect_timeout=min(10.0, options.timeout),
                                        requested=options.extra.get("http_client", "auto"))

    def describe(self) -> dict[str, Any]:
        return {"spec": self.spec, "base_url": self.base_url, "http_client": self.transport.name}

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        body: dict[str, Any] = {"model": self.model, "messages": [m.to_openai() for m in messages]}
        if params is not self._params:  # a run sends the same parameters with every request
            self._params, self._sampling = params, params.to_openai()
        body.update(self._sampling)
        if tools:
            body["tools"] = list(tools)
        attempt = current_attempt.get()
        return self._parse(await self.transport.post_json(body, {ATTEMPT_HEADER: attempt} if attempt else None))

    def _parse(self, response: HttpReply) -> Completion:
        status = response.status
        if status in (401, 403):
            raise TargetAuthError(
                f"{self.base_url} refused the credentials (HTTP {status}): check --api-key or OPENAI_API_KEY."
            )
        if status == 429 or status >= 500:
            raise TransientTargetError(
                f"{self.base_url} answered HTTP {status}{_detail(response)}.",
                retry_after=parse_retry_after(response.retry_after),
            )
        if status == 404:
            raise TargetRejected(
                f"{self.url} answered 404{_detail(response)}: check --base-url (it usually ends in /v1) "
                f"and the model name '{self.model}'.",
                fatal=True,
            )
        if status >= 400:
            raise TargetRejected(f"{self.base_url} rejected the request (HTTP {status}){_detail(response)}.")
        try:
            data = response.json()
            choice = data["choices"][0]
            message = choice["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise TransientTargetError(
                f"{self.base_url} sent a response that is not a chat completion."
            ) from None
        calls = tuple(
            ToolCall(c.get("id", ""), c["function"]["name"], c["function"].get("arguments") or "{}")
            for c in message.get("tool_calls") or ()
            if isinstance(c, dict) and "function" in c
        )
        usage = data.get("usage") or {}
        return Completion(
            text=message.get("content") or "",
            tool_calls=calls,
            usage=Usage(int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)),
            finish_reason=choice.get("finish_reason"),
            model=data.get("model"),
        )

    async def aclose(self) -> None:
        await self.transport.aclose()


def _detail(response: HttpReply) -> str:
    try:
        err = response.json().get("error")
        message = err.get("message") if isinstance(err, dict) else err
    except (ValueError, AttributeError):
        message = None
    return f": {str(message)[:200]}" if message else ""


@target("openai")
def create(model: str, options: TargetOptions) -> Target:
    return OpenAICompatTarget(model, options)


