"""Forwarding a chat-completions request to a system version's upstream.

`openai:` upstreams (vLLM, Ollama, hosted APIs, another gateway) get the request as it came, with the
upstream's model name and credential, and their stream passed through chunk by chunk. Every other
target kind (`sim:`, `hf:`, `anthropic:`) is called through the engine's Target protocol and its
answer shaped as OpenAI's, streamed in word-sized chunks when the client asked for a stream.
Failures become `UpstreamFailure` with the status and sentence the client gets.

Every call is bounded three ways: each read by `timeout`, the whole call by `deadline` (aiohttp's
total timeout, which also covers reading the body: an upstream trickling a byte a second is cut at the
deadline, not kept alive by each byte), and the answer's size by `max_response_bytes` (a
Content-Length over it is refused before the body is read; a chunked or streamed answer is cut
once it passes it).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import yarl
from aiohttp.http_exceptions import LineTooLong

from redhive.engine.targets.base import Target, TargetOptions, create_target
from redhive.engine.targets.http_transport import shared_tls
from redhive.engine.types import GenerationParams, Message, ToolCall
from redhive.errors import TargetAuthError, TargetError, TransientTargetError

__all__ = ["Reassembly", "Route", "UpstreamFailure", "Upstreams", "engine_refuses"]

_LINE_LIMIT = 4 * 2**20  # the longest stream line taken (a large tool call arrives in one)


@dataclass(frozen=True, slots=True)
class Route:
    """What a public model name of a mission resolves to."""

    model: str
    version_id: str
    target: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)

    @property
    def is_openai(self) -> bool:
        return self.target.startswith("openai:")

    @property
    def upstream_model(self) -> str:
        return self.target.split(":", 1)[1]


class UpstreamFailure(Exception):
    def __init__(self, status: int, message: str, *, kind: str = "upstream_error",
                 retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.retry_after = status, message, kind, retry_after


@dataclass(slots=True)
class _Choice:
    """One choice of a stream (`n` > 1 streams several, told apart by their index)."""

    content: list[str] = field(default_factory=list)
    tool_calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    finish_reason: str | None = None


@dataclass(slots=True)
class Reassembly:
    """A stream put back together: the response a non-streamed call would have returned, one
    choice per index."""

    model: str
    id: str = ""
    choices: dict[int, _Choice] = field(default_factory=dict)
    usage: dict[str, Any] | None = None
    done: bool = False

    def add(self, chunk: dict[str, Any]) -> None:
        self.id = chunk.get("id") or self.id
        self.usage = chunk.get("usage") or self.usage
        for raw in chunk.get("choices") or []:
            choice = self.choices.setdefault(int(raw.get("index") or 0), _Choice())
            delta = raw.get("delta") or {}
            if delta.get("content"):
                choice.content.append(delta["content"])
            for call in delta.get("tool_calls") or []:
                slot = choice.tool_calls.setdefault(call.get("index", 0), {
                    "id": "", "type": "function", "function": {"name": "", "arguments": ""}})
                slot["id"] = call.get("id") or slot["id"]
                function = call.get("function") or {}
                slot["function"]["name"] += function.get("name") or ""
                slot["function"]["arguments"] += function.get("arguments") or ""
            choice.finish_reason = raw.get("finish_reason") or choice.finish_reason

    @property
    def text(self) -> str:
        """Every choice's text (what the answer's policy checks read), one choice a line."""
        return "\n".join("".join(self.choices[i].content) for i in sorted(self.choices))

    def response(self) -> dict[str, Any]:
        choices = []
        for index in sorted(self.choices) or [0]:
            choice = self.choices.get(index) or _Choice()
            message: dict[str, Any] = {"role": "assistant", "content": "".join(choice.content) or None}
            if choice.tool_calls:
                message["tool_calls"] = [choice.tool_calls[i] for i in sorted(choice.tool_calls)]
            choices.append({"index": index, "message": message, "finish_reason": choice.finish_reason})
        out: dict[str, Any] = {"id": self.id, "object": "chat.completion", "model": self.model, "choices": choices}
        if self.usage:
            out["usage"] = self.usage
        return out


#: What an engine upstream (`sim:`, `hf:`, `anthropic:`) is asked in GenerationParams, tools included;
#: any other parameter with a value that changes the answer is refused, never silently ignored.
_ENGINE_NEUTRAL: dict[str, tuple[Any, ...]] = {
    "n": (None, 1), "logprobs": (None, False), "top_logprobs": (None, 0), "logit_bias": (None, {}),
    "presence_penalty": (None, 0, 0.0), "frequency_penalty": (None, 0, 0.0), "response_format": (None,),
    "tool_choice": (None, "auto"), "reasoning_effort": (None,), "modalities": (None, ["text"]),
    "audio": (None,), "prediction": (None,), "web_search_options": (None,),
}


def engine_refuses(body: dict[str, Any]) -> tuple[str, str] | None:
    """(parameter, sentence) when an engine upstream cannot honour the request's parameters."""
    for name, neutral in _ENGINE_NEUTRAL.items():
        value = body.get(name)
        if name == "response_format" and isinstance(value, dict) and value.get("type") == "text":
            continue
        if value not in neutral:
            return name, (f"This model is served through redhive's engine, which cannot honour '{name}': "
                          "leave it out (or use a version with an OpenAI-compatible upstream).")
    return None


class Upstreams:
    """One pooled aiohttp session for `openai:` upstreams and one engine target per other version.

    aiohttp rather than httpx: its C parser and O(1) pool cost a fraction of httpx's CPU per request,
    and httpcore's pool scan grows with the connections open (decision D9; bench/README.md).
    `timeout` bounds the wait for each chunk; `deadline` the whole call, stream included.
    """

    def __init__(self, *, timeout: float = 60.0, deadline: float = 300.0, max_response_bytes: int = 16 * 2**20,
                 connections: int = 512) -> None:
        self.timeout, self.deadline, self.connections = timeout, deadline, connections
        self.max_response_bytes = max_response_bytes
        self._http: aiohttp.ClientSession | None = None
        self._endpoints: dict[tuple[str, str], tuple[yarl.URL, str | None]] = {}
        self._targets: dict[str, Target] = {}

    @property
    def http(self) -> aiohttp.ClientSession:
        """Made on first use: aiohttp wants its session created in the loop that uses it."""
        if self._http is None:
            # total: from sending the request to the last byte of the answer (aiohttp's reads of the
            # body wait under the same timer), one timer per call and none per read
            timeout = aiohttp.ClientTimeout(total=self.deadline, connect=self.timeout,
                                            sock_connect=min(self.timeout, 10.0), sock_read=self.timeout)
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=0, ssl=shared_tls())
            # trust_env off: aiohttp would read the proxy variables and ~/.netrc on every request;
            # _endpoint resolves the proxy once per upstream instead
            self._http = aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False)
        return self._http

    async def aclose(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.close()
        for target in self._targets.values():
            await target.aclose()

    # -- non-streamed ---------------------------------------------------------------------------
    async def complete(self, route: Route, body: dict[str, Any]) -> dict[str, Any]:
        if not route.is_openai:
            return await self._engine_complete(route, body)
        payload = {**body, "model": route.upstream_model, "stream": False}
        return await self._post_json(route, payload, "/chat/completions", "choices")

    async def embed(self, route: Route, body: dict[str, Any]) -> dict[str, Any]:
        """The upstream's `/embeddings` answer, under the mission's model name."""
        payload = {**body, "model": route.upstream_model}
        return await self._post_json(route, payload, "/embeddings", "data")

    async def _post_json(self, route: Route, payload: dict[str, Any], path: str, field: str) -> dict[str, Any]:
        """One JSON answer from the upstream, with the list `field` it must hold, under the mission's
        model name; transport failures and malformed answers become an `UpstreamFailure`."""
        started = time.monotonic()
        try:
            async with self._post(route, payload, path) as response:
                content = await self._read_bounded(response)
        except UpstreamFailure:
            raise
        except Exception as exc:
            raise self._transport_failure(exc, started) from None
        try:
            data = json.loads(content)
        except ValueError:
            raise UpstreamFailure(502, "The upstream model returned a malformed response (not JSON).") from None
        if not isinstance(data, dict) or not isinstance(data.get(field), list):
            what = "choices" if field == "choices" else "embeddings"
            raise UpstreamFailure(502, f"The upstream model returned a malformed response (no {what}).")
        return {**data, "model": route.model}

    async def _read_bounded(self, response: aiohttp.ClientResponse) -> bytes:
        """The whole body, refused unread when its Content-Length is over the limit, and cut as soon
        as a chunked one passes it."""
        limit = self.max_response_bytes
        if response.content_length is not None:
            if response.content_length > limit:
                raise self._too_large()
            return await response.read()  # the parser stops at Content-Length
        chunks, size = [], 0
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > limit:
                raise self._too_large()
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> UpstreamFailure:
        return UpstreamFailure(502, f"The upstream model's answer is larger than the gateway's limit of "
                               f"{_size(self.max_response_bytes)}; ask for a shorter answer (max_tokens), or ask "
                               "the operator to raise REDHIVE_GATEWAY_MAX_RESPONSE_BYTES.",
                               kind="response_too_large")

    def _transport_failure(self, exc: Exception, started: float) -> Exception:
        """What the client is told when the upstream could not be asked or did not answer in time;
        anything but a transport error is returned as it is (a bug to surface, not a 502)."""
        if isinstance(exc, TimeoutError):  # aiohttp's connect, read and total timeouts are TimeoutErrors
            if time.monotonic() - started >= self.deadline * 0.99:
                return UpstreamFailure(504, f"The upstream model did not finish within the gateway's deadline of "
                                       f"{self.deadline:g} s per call.", kind="timeout")
            return UpstreamFailure(504, f"The upstream model did not answer within {self.timeout:g} s.", kind="timeout")
        if isinstance(exc, (aiohttp.ClientError, OSError)):
            return UpstreamFailure(502, f"The upstream model cannot be reached ({type(exc).__name__}).")
        return exc

    @asynccontextmanager
    async def _post(self, route: Route, payload: dict[str, Any],
                    path: str = "/chat/completions") -> AsyncIterator[aiohttp.ClientResponse]:
        """The upstream's answer, its status checked (an error status raises UpstreamFailure)."""
        # No redirects, as with httpx: a redirected POST would come back as a GET.
        url, proxy = self._endpoint(route, path)
        async with self.http.post(url, data=json.dumps(payload).encode(), allow_redirects=False, proxy=proxy,
                                  headers=self._headers(route)) as response:
            if response.status >= 400:
                self._raise_for(response.status, response.headers, await response.read())
            yield response

    # -- streamed -------------------------------------------------------------------------------
    async def stream(self, route: Route, body: dict[str, Any], into: Reassembly) -> AsyncIterator[bytes]:
        """Server-sent events for the client; `into` holds what arrived, complete or not."""
        if not route.is_openai:
            async for event in self._engine_stream(route, body, into):
                yield event
            return
        payload = {**body, "model": route.upstream_model, "stream": True}
        began, started = time.monotonic(), False  # a failure before the first byte is the call's; after, the stream's
        size, limit = 0, self.max_response_bytes
        try:
            async with self._post(route, payload) as response:
                started = True
                while line := await response.content.readline(max_line_length=_LINE_LIMIT):
                    size += len(line)
                    if size > limit:
                        raise self._too_large()
                    if not line.startswith(b"data:"):
                        continue
                    data = line[5:].strip()
                    if data == b"[DONE]":
                        into.done = True
                        yield b"data: [DONE]\n\n"
                        return
                    yield _relayed(data, route, into)
        except UpstreamFailure:
            raise
        except Exception as exc:
            if not started:
                raise self._transport_failure(exc, began) from None
            if isinstance(exc, TimeoutError) and time.monotonic() - began >= self.deadline * 0.99:
                raise UpstreamFailure(504, f"The upstream stream was cut at the gateway's deadline of "
                                      f"{self.deadline:g} s per call.", kind="timeout") from None
            if isinstance(exc, (aiohttp.ClientError, TimeoutError, LineTooLong)):
                raise UpstreamFailure(502, f"The upstream stream broke off ({type(exc).__name__}).",
                                      kind="stream_interrupted") from None
            raise
        raise UpstreamFailure(502, "The upstream stream ended before it was complete.", kind="stream_interrupted")

    # -- engine targets (sim:, hf:, anthropic:) -------------------------------------------------
    def _target(self, route: Route) -> Target:
        target = self._targets.get(route.version_id)
        if target is None:
            options = TargetOptions(base_url=route.base_url, api_key=route.api_key, timeout=self.timeout)
            target = self._targets[route.version_id] = create_target(route.target, options)
        return target

    async def _engine_complete(self, route: Route, body: dict[str, Any]) -> dict[str, Any]:
        messages = [_message(m) for m in body.get("messages") or []]
        try:
            async with asyncio.timeout(self.deadline):
                completion = await self._target(route).generate(messages, params=_params(body),
                                                                 tools=body.get("tools") or None)
        except TimeoutError:
            raise UpstreamFailure(504, f"The upstream model did not finish within the gateway's deadline of "
                                  f"{self.deadline:g} s per call.", kind="timeout") from None
        except TransientTargetError as exc:
            raise UpstreamFailure(503, f"The upstream model is unavailable: {exc.message}",
                                  retry_after=None if exc.retry_after is None else f"{exc.retry_after:g}") from None
        except TargetAuthError:
            raise UpstreamFailure(502, "The upstream model refused the gateway's credentials; tell the "
                                  "mission's coordinator.") from None
        except TargetError as exc:
            raise UpstreamFailure(502, f"The upstream model failed: {exc.message}") from None
        size = len((completion.text or "").encode()) + sum(len(c.arguments.encode()) for c in completion.tool_calls)
        if size > self.max_response_bytes:
            raise self._too_large()
        message: dict[str, Any] = {"role": "assistant", "content": completion.text}
        if completion.tool_calls:
            message["tool_calls"] = [{"id": c.id, "type": "function",
                                      "function": {"name": c.name, "arguments": c.arguments}}
                                     for c in completion.tool_calls]
        return {
            "id": f"chatcmpl-{int(time.time() * 1000):x}", "object": "chat.completion", "created": int(time.time()),
            "model": route.model,
            "choices": [{"index": 0, "message": message,
                         "finish_reason": completion.finish_reason or ("tool_calls" if completion.tool_calls
                                                                       else "stop")}],
            "usage": {"prompt_tokens": completion.usage.input_tokens,
                      "completion_tokens": completion.usage.output_tokens,
                      "total_tokens": completion.usage.input_tokens + completion.usage.output_tokens},
        }

    async def _engine_stream(self, route: Route, body: dict[str, Any], into: Reassembly) -> AsyncIterator[bytes]:
        full = await self._engine_complete(route, body)
        choice = full["choices"][0]
        base = {"id": full["id"], "object": "chat.completion.chunk", "created": full["created"], "model": route.model}
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"content": piece} for piece in re.findall(r"\S+\s*|\s+", choice["message"]["content"] or "")]
        for index, call in enumerate(choice["message"].get("tool_calls") or []):
            deltas.append({"tool_calls": [{"index": index, **call}]})
        chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
        chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({**base, "choices": [], "usage": full["usage"]})
        for chunk in chunks:
            into.add(chunk)
            yield b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"
        into.usage = into.usage or full["usage"]
        into.done = True
        yield b"data: [DONE]\n\n"

    # -- helpers --------------------------------------------------------------------------------
    def _endpoint(self, route: Route, path: str) -> tuple[yarl.URL, str | None]:
        """The endpoint's URL, parsed once, and the proxy the environment names for it
        (HTTP(S)_PROXY / ALL_PROXY minus NO_PROXY, as httpx read them), or None."""
        found = self._endpoints.get((route.base_url or "", path))
        if found is None:
            url = yarl.URL(self._url(route, path))
            proxies = urllib.request.getproxies()
            proxy = proxies.get(url.scheme) or proxies.get("all")
            if proxy and urllib.request.proxy_bypass(url.host or ""):
                proxy = None
            found = self._endpoints[(route.base_url or "", path)] = (url, proxy or None)
        return found

    @staticmethod
    def _url(route: Route, path: str) -> str:
        if not route.base_url:
            raise UpstreamFailure(502, "This system version has no upstream URL; tell the mission's coordinator.")
        return route.base_url.rstrip("/") + path

    @staticmethod
    def _headers(route: Route) -> dict[str, str]:
        return {"Authorization": f"Bearer {route.api_key}"} if route.api_key else {}

    @staticmethod
    def _raise_for(status: int, headers: Mapping[str, str], content: bytes) -> None:
        if status < 400:
            return
        if status == 429:
            raise UpstreamFailure(429, "The upstream model is rate limited; retry later.", kind="rate_limit_error",
                                  retry_after=headers.get("retry-after"))
        if status in (401, 403):
            raise UpstreamFailure(502, "The upstream model refused the gateway's credentials; tell the "
                                  "mission's coordinator.")
        if status >= 500:
            raise UpstreamFailure(502, f"The upstream model failed (HTTP {status}).")
        try:
            message = json.loads(content)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = f"The upstream model rejected the request (HTTP {status})."
        raise UpstreamFailure(status, str(message), kind="invalid_request_error")


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"


def _relayed(data: bytes, route: Route, into: Reassembly) -> bytes:
    """One upstream chunk as the client gets it: under the mission's model name, kept in `into`."""
    try:
        chunk = json.loads(data)
    except ValueError:
        raise UpstreamFailure(502, "The upstream model sent a malformed stream chunk.") from None
    chunk["model"] = route.model
    into.add(chunk)
    return b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"


def _message(raw: dict[str, Any]) -> Message:
    content = raw.get("content")
    if isinstance(content, list):
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    calls = tuple(ToolCall(c.get("id", ""), (c.get("function") or {}).get("name", ""),
                           (c.get("function") or {}).get("arguments", "")) for c in raw.get("tool_calls") or [])
    return Message(raw.get("role", "user"), content, calls, raw.get("tool_call_id"), raw.get("name"))


def _params(body: dict[str, Any]) -> GenerationParams:
    stop = body.get("stop")
    return GenerationParams(temperature=body.get("temperature"), max_tokens=body.get("max_tokens")
                            or body.get("max_completion_tokens"), top_p=body.get("top_p"), seed=body.get("seed"),
                            stop=tuple([stop] if isinstance(stop, str) else stop or ()))
