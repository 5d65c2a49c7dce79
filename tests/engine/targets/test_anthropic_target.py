"""The `anthropic:` target against a local stand-in for the Messages API (http.server in a thread on
127.0.0.1), so the real SDK sends real HTTP without any network."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from redhive.engine.resilience import TargetGate
from redhive.engine.targets.anthropic import DEFAULT_MAX_TOKENS, to_anthropic_messages, to_anthropic_tools
from redhive.engine.targets.base import Target, TargetOptions, create_target
from redhive.engine.types import GenerationParams, Message, ToolCall
from redhive.errors import (
    OptionalDependencyMissing,
    TargetAuthError,
    TargetRejected,
    TargetUnreachable,
    TransientTargetError,
)

KEY = "test-key-not-secret"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def message_body(content: list[dict[str, Any]], stop_reason: str = "end_turn") -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 5},
    }


@dataclass
class FakeMessagesAPI:
    """Answers POST /v1/messages with the queued replies, in order, and records each request."""

    url: str = ""
    replies: list[tuple[int, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def reply(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.replies.append((status, headers or {}, body))


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}}


@pytest.fixture
def api() -> Iterator[FakeMessagesAPI]:
    state = FakeMessagesAPI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("content-length") or 0)
            state.requests.append({
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": json.loads(self.rfile.read(length) or b"{}"),
            })
            status, headers, body = (
                state.replies.pop(0) if state.replies else (500, {}, error_body("api_error", "no reply queued"))
            )
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("connection", "close")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # A short poll interval keeps shutdown() (which waits for one poll) quick.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
async def claude(api: FakeMessagesAPI) -> AsyncIterator[Target]:
    pytest.importorskip("anthropic")
    target = create_target("anthropic:claude-test", TargetOptions(base_url=api.url, api_key=KEY))
    try:
        yield target
    finally:
        await target.aclose()


def sent_key(request: dict[str, Any]) -> str | None:
    """The API key a request carried: SDK releases send it as x-api-key or as a bearer token."""
    headers = request["headers"]
    bearer = headers.get("authorization", "")
    return headers.get("x-api-key") or (bearer.removeprefix("Bearer ") if bearer else None)


def free_port() -> int:
    """A port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.anthropic
async def test_plain_answer_maps_system_turns_and_usage(api: FakeMessagesAPI, claude: Target) -> None:
    api.reply(200, message_body([{"type": "text", "text": "Hello from the stand-in."}]))
    messages = [Message("system", "You are terse."), Message("user", "Hi"),
                Message("assistant", "Hello."), Message("user", "Again?")]

    completion = await claude.generate(messages, params=GenerationParams(temperature=0.2, stop=("END",)))

    assert completion.text == "Hello from the stand-in."
    assert completion.tool_calls == ()
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (12, 5)
    assert completion.finish_reason == "end_turn"
    assert completion.model == "claude-test"
    (request,) = api.requests
    assert request["path"] == "/v1/messages"
    assert sent_key(request) == KEY
    body = request["body"]
    assert body["model"] == "claude-test"
    assert body["system"] == "You are terse."
    assert [turn["role"] for turn in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][0]["content"] == [{"type": "text", "text": "Hi"}]
    assert body["max_tokens"] == DEFAULT_MAX_TOKENS
    assert body["temperature"] == 0.2
    assert body["stop_sequences"] == ["END"]
    assert "tools" not in body


@pytest.mark.anthropic
async def test_tool_use_answer_becomes_tool_calls(api: FakeMessagesAPI, claude: Target) -> None:
    api.reply(200, message_body([
        {"type": "text", "text": "Let me check."},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Lyon"}},
    ], stop_reason="tool_use"))

    completion = await claude.generate([Message("user", "Weather in Lyon?")],
                                       params=GenerationParams(max_tokens=50), tools=[WEATHER_TOOL])

    assert completion.text == "Let me check."
    assert completion.finish_reason == "tool_use"
    (call,) = completion.tool_calls
    assert (call.id, call.name, json.loads(call.arguments)) == ("toolu_1", "get_weather", {"city": "Lyon"})
    body = api.requests[0]["body"]
    assert body["max_tokens"] == 50
    assert body["tools"] == [{
        "name": "get_weather",
        "description": "Weather for a city.",
        "input_schema": WEATHER_TOOL["function"]["parameters"],  # type: ignore[index]
    }]


@pytest.mark.anthropic
async def test_tool_results_are_sent_back_as_tool_result_blocks(api: FakeMessagesAPI, claude: Target) -> None:
    api.reply(200, message_body([{"type": "text", "text": "Sunny in Lyon."}]))
    messages = [
        Message("user", "Weather in Lyon?"),
        Message("assistant", None, tool_calls=(ToolCall("toolu_1", "get_weather", '{"city": "Lyon"}'),)),
        Message("tool", "sunny, 24 C", tool_call_id="toolu_1"),
    ]

    completion = await claude.generate(messages, params=GenerationParams(), tools=[WEATHER_TOOL])

    assert completion.text == "Sunny in Lyon."
    turns = api.requests[0]["body"]["messages"]
    assert turns[1] == {"role": "assistant", "content": [
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Lyon"}}]}
    assert turns[2] == {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny, 24 C"}]}


@pytest.mark.anthropic
async def test_401_is_an_auth_error(api: FakeMessagesAPI, claude: Target) -> None:
    api.reply(401, error_body("authentication_error", "invalid x-api-key"))
    with pytest.raises(TargetAuthError, match="refused the credentials"):
        await claude.generate([Message("user", "Hi")], params=GenerationParams())


@pytest.mark.anthropic
async def test_429_is_transient_with_retry_after_and_the_sdk_does_not_retry(
    api: FakeMessagesAPI, claude: Target
) -> None:
    api.reply(429, error_body("rate_limit_error", "slow down"), {"retry-after": "7"})
    with pytest.raises(TransientTargetError) as caught:
        await claude.generate([Message("user", "Hi")], params=GenerationParams())
    assert caught.value.retry_after == 7.0
    assert "slow down" in str(caught.value)
    assert len(api.requests) == 1  # max_retries=0: retrying is the TargetGate's job


@pytest.mark.anthropic
@pytest.mark.parametrize(
    ("status", "kind", "error", "fatal"),
    [
        (500, "api_error", TransientTargetError, None),
        (529, "overloaded_error", TransientTargetError, None),
        (404, "not_found_error", TargetRejected, True),
        (400, "invalid_request_error", TargetRejected, False),
        (403, "permission_error", TargetAuthError, None),
    ],
)
async def test_status_codes_map_to_the_error_tree(
    api: FakeMessagesAPI, claude: Target, status: int, kind: str, error: type[Exception], fatal: bool | None
) -> None:
    api.reply(status, error_body(kind, "stand-in error"))
    with pytest.raises(error) as caught:
        await claude.generate([Message("user", "Hi")], params=GenerationParams())
    if fatal is not None:
        assert isinstance(caught.value, TargetRejected) and caught.value.fatal is fatal


@pytest.mark.anthropic
async def test_gate_retries_a_429_then_succeeds(api: FakeMessagesAPI, claude: Target) -> None:
    api.reply(429, error_body("rate_limit_error", "slow down"), {"retry-after": "2"})
    api.reply(200, message_body([{"type": "text", "text": "ok"}]))
    waits: list[float] = []

    async def record_sleep(delay: float) -> None:
        waits.append(delay)

    gate = TargetGate(claude, sleep=record_sleep)
    completion = await gate.generate([Message("user", "Hi")], GenerationParams())

    assert completion.text == "ok"
    assert gate.retries == 1 and len(api.requests) == 2
    assert waits and waits[0] >= 2.0


@pytest.mark.anthropic
async def test_connection_refused_is_unreachable() -> None:
    pytest.importorskip("anthropic")
    target = create_target("anthropic:claude-test",
                           TargetOptions(base_url=f"http://127.0.0.1:{free_port()}", api_key=KEY))
    try:
        with pytest.raises(TargetUnreachable, match="Cannot reach"):
            await target.generate([Message("user", "Hi")], params=GenerationParams())
    finally:
        await target.aclose()


@pytest.mark.anthropic
async def test_key_comes_from_the_environment(api: FakeMessagesAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """ANTHROPIC_API_KEY goes with ANTHROPIC_BASE_URL (or Anthropic's own endpoint)."""
    pytest.importorskip("anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "env-key-not-secret")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    api.reply(200, message_body([{"type": "text", "text": "ok"}]))
    target = create_target("anthropic:claude-test", TargetOptions())
    try:
        await target.generate([Message("user", "Hi")], params=GenerationParams())
    finally:
        await target.aclose()
    assert sent_key(api.requests[0]) == "env-key-not-secret"
    assert "env-key-not-secret" not in json.dumps(target.describe())


@pytest.mark.anthropic
def test_the_environments_key_is_never_sent_to_a_base_url_given_explicitly(
        api: FakeMessagesAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("anthropic")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "env-key-not-secret")
    with pytest.raises(TargetAuthError, match="--api-key-env"):
        create_target("anthropic:claude-test", TargetOptions(base_url=api.url))
    monkeypatch.setenv("ENDPOINT_KEY", "endpoint-key")
    target = create_target("anthropic:claude-test", TargetOptions(base_url=api.url, api_key_env="ENDPOINT_KEY"))
    assert target.client.api_key == "endpoint-key"


@pytest.mark.anthropic
def test_no_key_anywhere_is_an_auth_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    pytest.importorskip("anthropic")
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE", "ANTHROPIC_IDENTITY_TOKEN",
                 "ANTHROPIC_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path))  # no profile on disk either
    with pytest.raises(TargetAuthError, match="ANTHROPIC_API_KEY"):
        create_target("anthropic:claude-test", TargetOptions(base_url="http://127.0.0.1:1"))


def test_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "anthropic", None)  # `import anthropic` now raises ImportError
    with pytest.raises(OptionalDependencyMissing, match=r"redhive\[anthropic\]"):
        create_target("anthropic:claude-test", TargetOptions(api_key=KEY))


def test_message_and_tool_mapping_needs_no_sdk() -> None:
    system, turns = to_anthropic_messages([
        Message("system", "one"), Message("system", "two"), Message("user", "a"), Message("user", "b"),
    ])
    assert system == "one\n\ntwo"
    assert turns == [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]
    native = {"name": "lookup", "input_schema": {"type": "object", "properties": {}}}
    bare = {"type": "function", "function": {"name": "noop"}}
    assert to_anthropic_tools([native, bare]) == [
        native, {"name": "noop", "input_schema": {"type": "object", "properties": {}}}
    ]
