"""A configurable local OpenAI-compatible chat-completions endpoint, for tests and benchmarks.

    mock = MockOpenAI(reply="Hello.", latency_ms=5, fail_429=2)
    with mock.serve() as base_url:          # "http://127.0.0.1:PORT/v1", in a background thread
        ...                                 # point an openai: target at base_url
    assert mock.requests == 3

Request number i (0-based) is answered, after `latency_ms`, by the first rule that applies:
401 when `unauthorized`; 429 (with `Retry-After`) while i < `fail_429`; 500 while
i < `fail_429 + fail_500`; a body that is not JSON when `malformed`; otherwise a chat completion
carrying `tool_call` when set, else the `reply` text (a string, or a function of the request's
JSON body). A request with `n` > 1 gets that many choices, choice i's text followed by ` #i` for i > 0
(streamed interleaved, as OpenAI does). `POST /v1/embeddings` answers a small vector per input,
derived from its text. Any other path answers 404, as a server does when the base URL lacks `/v1`.
With `trickle_s` the answer (its headers at once, then the body, streamed or not) is sent one byte
at a time, that many seconds apart: an upstream that never trips a per-read timeout.
`peers` holds the client address of every connection a chat request came on.

A fixed reply is serialised once, so serving it costs little more than the HTTP layer: the mock
is light enough to stand in for a model in the throughput benchmark.
`python -m redhive.testing.mock_openai --latency-ms 200` serves one in its own process and
prints its base URL as the first line of stdout.

starlette and uvicorn are development dependencies: they are imported only when an app is built
or served, and the redhive package never imports this module at run time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["DEFAULT_REPLY", "MockOpenAI", "Received", "ReplyFn", "ToolCallFn", "echo_system_prompt", "main",
           "scripted_agent", "sim_reply"]

#: The request's JSON body -> the assistant's reply text.
ReplyFn = Callable[[dict[str, Any]], str]
#: The request's JSON body -> the tool call to answer with (name, JSON arguments), or None.
ToolCallFn = Callable[[dict[str, Any]], "tuple[str, str] | None"]

DEFAULT_REPLY = "I'm sorry, but I can't help with that."
DEFAULT_MODEL = "mock-model"
_JSON = "application/json"
_ERROR_401 = b'{"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error"}}'
_ERROR_429 = b'{"error": {"message": "Rate limit reached, slow down.", "type": "rate_limit_error"}}'
_ERROR_500 = b'{"error": {"message": "The server had an error processing your request.", "type": "server"}}'
_MALFORMED = b'{"id": "chatcmpl-mock", "choices": [{"message": '


def echo_system_prompt(body: dict[str, Any]) -> str:
    """A reply function for a model that leaks: repeats its system prompt and the last user turn."""
    messages = body.get("messages") or []
    system = [str(m.get("content") or "") for m in messages if m.get("role") == "system"]
    user = [str(m.get("content") or "") for m in messages if m.get("role") == "user"]
    return "Sure! My instructions are: " + " ".join(system) + " You asked: " + (user[-1] if user else "")


def sim_reply(model: str) -> ReplyFn:
    """A reply function that answers as the simulated model `model` (naive, guarded, hardened): the
    sims served over HTTP, for tools that speak only the OpenAI API (garak, promptfoo)."""
    from redhive.engine.targets.sim.behaviour import BEHAVIOURS, respond
    from redhive.engine.targets.sim.reading import read
    from redhive.engine.types import Message

    if model not in BEHAVIOURS:
        raise ValueError(f"no simulated model '{model}': use one of {', '.join(sorted(BEHAVIOURS))}")

    def reply(body: dict[str, Any]) -> str:
        messages = [Message(m.get("role", "user"), _text(m.get("content"))) for m in body.get("messages") or ()]
        return respond(model, read(messages))

    return reply


def _text(content: Any) -> str:
    """A message's content: a string, or a list of parts whose text parts are joined."""
    if isinstance(content, list):
        return "".join(str(p.get("text") or "") for p in content if isinstance(p, dict))
    return str(content or "")


def scripted_agent(steps: int, tool: str = "list_files", arguments: str = "{}") -> ToolCallFn:
    """A tool-calling agent: calls `tool` until the conversation holds `steps` tool results, then
    answers with the reply text (for agent-loop benchmarks and tests)."""

    def call(body: dict[str, Any]) -> tuple[str, str] | None:
        done = sum(1 for m in body.get("messages") or () if m.get("role") == "tool")
        return (tool, arguments) if done < steps else None

    return call


@dataclass(slots=True, frozen=True)
class Received:
    """One request the mock received (kept only when `record` is set)."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class MockOpenAI:
    """Behaviour of one mock endpoint; attributes may be changed between requests."""

    reply: str | ReplyFn = DEFAULT_REPLY
    latency_ms: float = 0.0
    fail_429: int = 0
    retry_after: str | None = "1"
    fail_500: int = 0
    unauthorized: bool = False
    malformed: bool = False
    #: (function name, JSON arguments): answer with this tool call instead of text; or a function
    #: of the request's JSON body returning such a pair, or None for a text reply (an agent).
    tool_call: tuple[str, str] | ToolCallFn | None = None
    model: str = DEFAULT_MODEL
    #: Usage reported with every completion: (prompt_tokens, completion_tokens).
    usage: tuple[int, int] = (12, 9)
    #: Keep every request in `received` (tests); off for benchmarks.
    record: bool = False
    #: For `"stream": true` requests: stop after this many content chunks, without `[DONE]` (a cut stream).
    cut_stream_after: int | None = None
    #: For streams: seconds between chunks (a slow model, so a client can hang up mid-answer).
    chunk_delay_ms: float = 0.0
    #: Send the body one byte at a time, this many seconds apart (a trickling upstream).
    trickle_s: float = 0.0
    requests: int = field(default=0, init=False)
    #: wall-clock time (time.time()) of the first chat request: start-up benches compare it across processes
    first_request_at: float | None = field(default=None, init=False)
    #: (host, port) of every client connection a chat request arrived on: how many were opened.
    peers: set[tuple[str, int]] = field(default_factory=set, init=False)
    received: list[Received] = field(default_factory=list, init=False)
    _cache: tuple[tuple[Any, ...], bytes] | None = field(default=None, init=False, repr=False)

    # -- responses -----------------------------------------------------------------------------

    def completion_body(self, text: str | None = None, model: str | None = None,
                        tool_call: tuple[str, str] | None = None) -> bytes:
        """A chat-completion body; the fixed-reply one is serialised once and reused."""
        key = (self.reply, self.tool_call, self.model, self.usage)
        fixed = text is None and model is None and tool_call is None
        if fixed and self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        reply = text if text is not None else self.reply if isinstance(self.reply, str) else ""
        message: dict[str, Any] = {"role": "assistant", "content": reply}
        finish = "stop"
        call = tool_call if tool_call is not None else None if callable(self.tool_call) else self.tool_call
        if call is not None:
            name, arguments = call
            message = {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_mock_1", "type": "function", "function": {"name": name, "arguments": arguments}}
            ]}
            finish = "tool_calls"
        body = json.dumps({
            "id": "chatcmpl-mock", "object": "chat.completion", "created": 1_700_000_000,
            "model": model or self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": self.usage[0], "completion_tokens": self.usage[1],
                      "total_tokens": self.usage[0] + self.usage[1]},
        }).encode()
        if fixed:
            self._cache = (key, body)
        return body

    async def _chat(self, request: Request) -> Response:
        response = await self._answer(request)
        return self._trickled(response) if self.trickle_s else response

    def _trickled(self, response: Response) -> Response:
        from starlette.responses import StreamingResponse

        delay = self.trickle_s
        headers = {} if isinstance(response, StreamingResponse) else {"Content-Length": str(len(response.body))}

        async def one_byte_at_a_time() -> Any:
            parts = response.body_iterator if isinstance(response, StreamingResponse) else _once(response.body)
            async for part in parts:
                for byte in part.encode() if isinstance(part, str) else bytes(part):
                    yield bytes([byte])
                    await asyncio.sleep(delay)

        return StreamingResponse(one_byte_at_a_time(), response.status_code, headers=headers,
                                 media_type=response.media_type)

    async def _answer(self, request: Request) -> Response:
        from starlette.responses import Response

        raw = await request.body()
        index = self.requests
        self.requests += 1
        if self.first_request_at is None:
            self.first_request_at = time.time()
        if request.client is not None:
            self.peers.add((request.client.host, request.client.port))
        if self.record:
            self.received.append(Received(request.url.path, dict(request.headers), raw))
        if self.latency_ms > 0:
            await asyncio.sleep(self.latency_ms / 1000)
        if self.unauthorized:
            return Response(_ERROR_401, 401, media_type=_JSON)
        if index < self.fail_429:
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else None
            return Response(_ERROR_429, 429, headers=headers, media_type=_JSON)
        if index < self.fail_429 + self.fail_500:
            return Response(_ERROR_500, 500, media_type=_JSON)
        if self.malformed:
            return Response(_MALFORMED, 200, media_type=_JSON)
        if callable(self.reply) or callable(self.tool_call) or b'"stream"' in raw:
            try:
                payload = json.loads(raw)
            except ValueError:
                return Response(b'{"error": {"message": "The body is not JSON."}}', 400, media_type=_JSON)
            call = self.tool_call(payload) if callable(self.tool_call) else None
            text = self.reply(payload) if callable(self.reply) else None
            body = self.completion_body(text, payload.get("model"), call)
            if int(payload.get("n") or 1) > 1:
                body = _with_choices(body, int(payload["n"]))
            if payload.get("stream"):
                return self._stream(json.loads(body), payload)
            return Response(body, 200, media_type=_JSON)
        return Response(self.completion_body(), 200, media_type=_JSON)

    def _stream(self, full: dict[str, Any], payload: dict[str, Any]) -> Response:
        """The completion as server-sent chunks, as OpenAI streams it (word by word, tool calls whole)."""
        from starlette.responses import StreamingResponse

        base = {"id": full["id"], "object": "chat.completion.chunk", "created": full["created"], "model": full["model"]}
        per_choice: list[list[dict[str, Any]]] = []
        for choice in full["choices"]:
            message = choice["message"]
            deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
            words = (message.get("content") or "").split(" ")
            deltas += [{"content": w if i == 0 else " " + w} for i, w in enumerate(words) if message.get("content")]
            for index, call in enumerate(message.get("tool_calls") or []):
                deltas.append({"tool_calls": [{"index": index, **call}]})
            per_choice.append([{**base, "choices": [{"index": choice["index"], "delta": d, "finish_reason": None}]}
                               for d in deltas])
        chunks = [c for step in range(max(map(len, per_choice))) for c in
                  (one[step] for one in per_choice if step < len(one))]  # interleaved, as OpenAI sends them
        cut, delay = self.cut_stream_after, self.chunk_delay_ms / 1000

        async def events() -> Any:
            for number, chunk in enumerate(chunks):
                if cut is not None and number > cut:
                    return  # the connection ends mid-answer: no finish_reason, no [DONE]
                if delay and number:
                    await asyncio.sleep(delay)
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            for choice in full["choices"]:
                last = {**base, "choices": [{"index": choice["index"], "delta": {},
                                             "finish_reason": choice["finish_reason"]}]}
                yield f"data: {json.dumps(last)}\n\n".encode()
            if (payload.get("stream_options") or {}).get("include_usage"):
                yield f"data: {json.dumps({**base, 'choices': [], 'usage': full['usage']})}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    async def _models(self, request: Request) -> Response:
        from starlette.responses import Response

        body = json.dumps({"object": "list", "data": [{"id": self.model, "object": "model"}]})
        return Response(body, 200, media_type=_JSON)

    async def _embeddings(self, request: Request) -> Response:
        from starlette.responses import Response

        raw = await request.body()
        self.requests += 1
        if self.record:
            self.received.append(Received(request.url.path, dict(request.headers), raw))
        payload = json.loads(raw)
        inputs = [payload["input"]] if isinstance(payload["input"], str) else payload["input"]
        data = [{"object": "embedding", "index": i, "embedding": _vector(str(text))} for i, text in enumerate(inputs)]
        tokens = sum(len(str(t).split()) for t in inputs)
        body = {"object": "list", "data": data, "model": payload.get("model") or self.model,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        return Response(json.dumps(body), 200, media_type=_JSON)

    async def _stats(self, request: Request) -> Response:
        from starlette.responses import Response

        stats = {"requests": self.requests, "first_request_at": self.first_request_at}
        return Response(json.dumps(stats), 200, media_type=_JSON)

    # -- serving -------------------------------------------------------------------------------

    def app(self) -> Starlette:
        """The ASGI app: POST /v1/chat/completions, GET /v1/models, POST /v1/embeddings, GET /_mock/stats."""
        from starlette.applications import Starlette
        from starlette.routing import Route

        return Starlette(routes=[
            Route("/v1/chat/completions", self._chat, methods=["POST"]),
            Route("/v1/models", self._models, methods=["GET"]),
            Route("/v1/embeddings", self._embeddings, methods=["POST"]),
            Route("/_mock/stats", self._stats, methods=["GET"]),
        ])

    @contextmanager
    def serve(self, *, startup_timeout: float = 10.0) -> Iterator[str]:
        """Serve on 127.0.0.1 on a free port in a background thread; yields the base URL (…/v1)
        and stops the server, closing its connections, on exit."""
        import uvicorn

        sock = _listening_socket()
        port = sock.getsockname()[1]
        server = uvicorn.Server(_config(self.app()))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                                  name=f"mock-openai-{port}")
        thread.start()
        try:
            deadline = time.monotonic() + startup_timeout
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"The mock OpenAI server on port {port} did not start.")
                time.sleep(0.005)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            server.should_exit = True
            thread.join(timeout=startup_timeout)
            sock.close()

    def serve_forever(self, host: str = "127.0.0.1", port: int = 0, *, announce: bool = True) -> None:
        """Serve in this thread until SIGINT/SIGTERM; prints the base URL first when `announce`."""
        import uvicorn

        sock = _listening_socket(host, port)
        if announce:
            print(f"http://{host}:{sock.getsockname()[1]}/v1", flush=True)
        try:
            uvicorn.Server(_config(self.app())).run(sockets=[sock])
        finally:
            sock.close()


def _with_choices(body: bytes, n: int) -> bytes:
    full = json.loads(body)
    first = full["choices"][0]
    choices = [first]
    for index in range(1, n):
        message = dict(first["message"])
        if message.get("content"):
            message["content"] = f"{message['content']} #{index}"
        choices.append({**first, "index": index, "message": message})
    return json.dumps({**full, "choices": choices}).encode()


def _vector(text: str, size: int = 8) -> list[float]:
    """A deterministic unit-free vector for a text: the same text always embeds the same."""
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255 - 0.5, 6) for b in digest[:size]]


async def _once(body: bytes | memoryview) -> Any:
    yield bytes(body)


def _listening_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    # Listening before the server starts: connections made meanwhile wait in the backlog.
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
    # without it Nagle's algorithm meets delayed ACKs and a kept-alive request waits 40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _config(app: Starlette) -> Any:
    import uvicorn

    return uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="off",
                          timeout_graceful_shutdown=2, timeout_keep_alive=120, backlog=2048)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m redhive.testing.mock_openai",
                                     description="Serve a mock OpenAI-compatible chat-completions endpoint.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--reply", default=DEFAULT_REPLY, help="fixed reply text")
    parser.add_argument("--echo", action="store_true", help="reply with the system prompt (a leaking model)")
    parser.add_argument("--sim", default=None, help="reply as this simulated model (naive, guarded, hardened)")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--fail-429", type=int, default=0)
    parser.add_argument("--retry-after", default="1")
    parser.add_argument("--fail-500", type=int, default=0)
    parser.add_argument("--unauthorized", action="store_true")
    parser.add_argument("--malformed", action="store_true")
    parser.add_argument("--agent-steps", type=int, default=None,
                        help="act as a tool-calling agent: call list_files this many times, then answer")
    args = parser.parse_args(argv)
    reply: str | ReplyFn = sim_reply(args.sim) if args.sim else echo_system_prompt if args.echo else args.reply
    mock = MockOpenAI(reply=reply, latency_ms=args.latency_ms,
                      fail_429=args.fail_429, retry_after=args.retry_after, fail_500=args.fail_500,
                      unauthorized=args.unauthorized, malformed=args.malformed,
                      tool_call=None if args.agent_steps is None else scripted_agent(args.agent_steps))
    try:
        mock.serve_forever(args.host, args.port)
    except KeyboardInterrupt:  # SIGINT: uvicorn re-raises it after a clean shutdown
        pass


if __name__ == "__main__":
    main()
