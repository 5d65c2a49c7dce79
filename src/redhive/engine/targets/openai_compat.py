"""`openai:<model>`: any OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp,
TGI, LiteLLM, hosted APIs, redhive's own gateway), including tool calls.

Base URL and key come from the options (CLI flags) or OPENAI_BASE_URL / OPENAI_API_KEY.
httpx is used directly: one pooled async client per target keeps per-request CPU low.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from redhive.engine.registry import target
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage
from redhive.errors import (
    InvalidInput,
    TargetAuthError,
    TargetRejected,
    TargetUnreachable,
    TransientTargetError,
)

__all__ = ["ConnectionSlots", "OpenAICompatTarget", "parse_retry_after"]

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


class ConnectionSlots:
    """One single-connection httpx client per request in flight, reused LIFO.

    httpcore's pool scans every pooled connection (a liveness check with a system call on each
    idle one) whenever a request starts or ends, so one AsyncClient with n connections costs O(n)
    per request: at 256 in flight that was 6 ms of CPU per request. A client per slot costs the
    same at any concurrency. Clients are created on demand, at most `size`, sharing one TLS context.
    """

    def __init__(self, size: int, factory: Callable[[], httpx.AsyncClient]) -> None:
        self.size = max(1, size)
        self._factory = factory
        self._idle: list[httpx.AsyncClient] = []
        self._clients: list[httpx.AsyncClient] = []
        self._slots = asyncio.Semaphore(self.size)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        async with self._slots:
            if self._idle:
                client = self._idle.pop()
            else:  # fewer than `size` exist: every other one is held by another slot
                client = self._factory()
                self._clients.append(client)
            try:
                yield client
            finally:
                self._idle.append(client)

    @property
    def opened(self) -> int:
        """How many clients (connections) exist."""
        return len(self._clients)

    async def aclose(self) -> None:
        clients, self._clients, self._idle = self._clients, [], []
        for client in clients:
            await client.aclose()


class OpenAICompatTarget(Target):
    def __init__(self, model: str, options: TargetOptions) -> None:
        base_url = options.base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        super().__init__(f"openai:{model}", options)
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        try:
            self._endpoint = httpx.URL(self.url)  # parsed once, not on every request
        except httpx.InvalidURL as exc:
            raise InvalidInput(
                f"The base URL '{base_url}' is not a URL ({exc}): check --base-url or OPENAI_BASE_URL."
            ) from None
        if self._endpoint.scheme not in ("http", "https") or not self._endpoint.host:
            raise InvalidInput(
                f"The base URL '{base_url}' is not an http:// or https:// URL: give the full address in "
                "--base-url or OPENAI_BASE_URL, for example http://localhost:8000/v1."
            )
        key = options.api_key or os.environ.get("OPENAI_API_KEY")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        # The runner owns the overall timeout; httpx's only bounds connecting.
        timeout = httpx.Timeout(None, connect=min(10.0, options.timeout))
        one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        tls = httpx.create_ssl_context()
        self.slots = ConnectionSlots(
            options.concurrency,
            lambda: httpx.AsyncClient(headers=headers, limits=one, timeout=timeout, verify=tls),
        )

    def describe(self) -> dict[str, Any]:
        return {"spec": self.spec, "base_url": self.base_url}

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        body: dict[str, Any] = {"model": self.model, "messages": [m.to_openai() for m in messages]}
        body.update(params.to_openai())
        if tools:
            body["tools"] = list(tools)
        try:
            async with self.slots.client() as client:
                response = await client.post(self._endpoint, json=body)
        except httpx.ConnectError as exc:
            raise TargetUnreachable(
                f"Cannot reach {self.base_url} ({_reason(exc)}): check --base-url and that the server is running."
            ) from None
        except httpx.TimeoutException:
            raise TransientTargetError(f"{self.base_url} timed out.") from None
        except httpx.TransportError as exc:
            raise TransientTargetError(f"The connection to {self.base_url} failed ({_reason(exc)}).") from None
        return self._parse(response)

    def _parse(self, response: httpx.Response) -> Completion:
        status = response.status_code
        if status in (401, 403):
            raise TargetAuthError(
                f"{self.base_url} refused the credentials (HTTP {status}): check --api-key or OPENAI_API_KEY."
            )
        if status == 429 or status >= 500:
            raise TransientTargetError(
                f"{self.base_url} answered HTTP {status}{_detail(response)}.",
                retry_after=parse_retry_after(response.headers.get("retry-after")),
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
        await self.slots.aclose()


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text.split("]")[-1].strip() if text else type(exc).__name__


def _detail(response: httpx.Response) -> str:
    try:
        err = response.json().get("error")
        message = err.get("message") if isinstance(err, dict) else err
    except (ValueError, AttributeError):
        message = None
    return f": {str(message)[:200]}" if message else ""


@target("openai")
def create(model: str, options: TargetOptions) -> Target:
    return OpenAICompatTarget(model, options)


