"""The openai: target against a local mock endpoint: completions, tool calls, retries that honour
Retry-After, and one clear sentence for every way an endpoint can fail -- each through both HTTP
transports (aiohttp, the default, and httpx)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager

import pytest

from redhive.engine import GenerationParams, Message, Plan, Runner, load_suite, parse_attacks
from redhive.engine.records import AttemptRecord
from redhive.engine.resilience import TargetGate
from redhive.engine.sinks import MemorySink
from redhive.engine.targets.base import TargetOptions
from redhive.engine.targets.openai_compat import OpenAICompatTarget
from redhive.engine.types import ToolCall
from redhive.errors import (
    InvalidInput,
    TargetAuthError,
    TargetError,
    TargetRejected,
    TargetUnreachable,
    TransientTargetError,
    is_fatal,
)
from redhive.testing import MockOpenAI

PARAMS = GenerationParams(temperature=0.0, max_tokens=64)
CONVERSATION = (Message("system", "You are a helpful assistant."), Message("user", "Say hello."))


@pytest.fixture(autouse=True)
def _no_inherited_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


#: The transport every test of this module runs through (set by the parametrised fixture below).
HTTP_CLIENT = {"name": "aiohttp"}


@pytest.fixture(autouse=True, params=["aiohttp", "httpx"])
def http_client(request: pytest.FixtureRequest) -> Iterator[str]:
    HTTP_CLIENT["name"] = request.param
    yield request.param
    HTTP_CLIENT["name"] = "aiohttp"


@asynccontextmanager
async def target_for(base_url: str, **options: object) -> AsyncIterator[OpenAICompatTarget]:
    opts: dict[str, object] = {"api_key": "test-key", "max_retries": 3, "timeout": 10.0,
                               "extra": {"http_client": HTTP_CLIENT["name"]}, **options}
    target = OpenAICompatTarget("mock-model", TargetOptions(base_url=base_url, **opts))  # type: ignore[arg-type]
    try:
        yield target
    finally:
        await target.aclose()


class RecordedSleep:
    """Stands in for asyncio.sleep in TargetGate: records each backoff delay, waits for none."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def assert_one_sentence(error: TargetError) -> None:
    text = error.message
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text
    assert str(error) == text


@pytest.fixture
def mock() -> MockOpenAI:
    return MockOpenAI(reply="Hello there!", usage=(21, 3), record=True)


@pytest.fixture
def served(mock: MockOpenAI) -> Iterator[str]:
    with mock.serve() as base_url:
        yield base_url


async def test_plain_completion_with_usage(mock: MockOpenAI, served: str) -> None:
    async with target_for(served) as target:
        completion = await target.generate(CONVERSATION, params=PARAMS)
    assert completion.text == "Hello there!"
    assert (completion.usage.input_tokens, completion.usage.output_tokens) == (21, 3)
    assert completion.finish_reason == "stop" and completion.model == "mock-model"
    assert completion.tool_calls == ()
    [request] = mock.received
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer test-key"
    body = request.json()
    assert body["model"] == "mock-model" and body["temperature"] == 0.0 and body["max_tokens"] == 64
    assert body["messages"] == [{"role": "system", "content": "You are a helpful assistant."},
                                {"role": "user", "content": "Say hello."}]


async def test_tool_calls_are_parsed_and_tools_are_sent(mock: MockOpenAI, served: str) -> None:
    mock.tool_call = ("get_weather", '{"city": "Port Ellery"}')
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]
    async with target_for(served) as target:
        completion = await target.generate(CONVERSATION, params=PARAMS, tools=tools)
    assert completion.tool_calls == (ToolCall("call_mock_1", "get_weather", '{"city": "Port Ellery"}'),)
    assert completion.text == "" and completion.finish_reason == "tool_calls"
    assert mock.received[0].json()["tools"] == tools


async def test_429_is_retried_after_the_servers_retry_after(mock: MockOpenAI, served: str) -> None:
    mock.fail_429, mock.retry_after = 2, "3"
    sleep = RecordedSleep()
    async with target_for(served) as target:
        gate = TargetGate(target, sleep=sleep)
        completion = await gate.generate(CONVERSATION, PARAMS)
    assert completion.text == "Hello there!"
    assert mock.requests == 3 and gate.retries == 2
    assert len(sleep.delays) == 2 and all(d >= 3.0 for d in sleep.delays)


async def test_retry_after_is_waited_for_in_real_time(mock: MockOpenAI, served: str) -> None:
    mock.fail_429, mock.retry_after = 1, "1"
    async with target_for(served) as target:
        gate = TargetGate(target)
        started = time.monotonic()
        completion = await gate.generate(CONVERSATION, PARAMS)
        elapsed = time.monotonic() - started
    assert completion.text == "Hello there!" and mock.requests == 2
    assert elapsed >= 1.0


async def test_429_without_retry_after_backs_off_and_succeeds(mock: MockOpenAI, served: str) -> None:
    mock.fail_429, mock.retry_after = 1, None
    sleep = RecordedSleep()
    async with target_for(served) as target:
        completion = await TargetGate(target, sleep=sleep).generate(CONVERSATION, PARAMS)
    assert completion.text == "Hello there!" and mock.requests == 2
    assert len(sleep.delays) == 1 and 0 <= sleep.delays[0] <= 0.5  # first backoff step, jittered


async def test_500_is_retried_then_succeeds(mock: MockOpenAI, served: str) -> None:
    mock.fail_500 = 2
    sleep = RecordedSleep()
    async with target_for(served) as target:
        gate = TargetGate(target, sleep=sleep)
        completion = await gate.generate(CONVERSATION, PARAMS)
    assert completion.text == "Hello there!" and mock.requests == 3 and gate.retries == 2


async def test_persistent_500_gives_up_with_a_transient_error(mock: MockOpenAI, served: str) -> None:
    mock.fail_500 = 100
    async with target_for(served, max_retries=2) as target:
        with pytest.raises(TransientTargetError) as caught:
            await TargetGate(target, sleep=RecordedSleep()).generate(CONVERSATION, PARAMS)
    assert mock.requests == 3
    assert "HTTP 500" in caught.value.message and "server had an error" in caught.value.message
    assert_one_sentence(caught.value)


async def test_dead_endpoint_is_unreachable_in_one_sentence() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    async with target_for(base_url) as target:
        with pytest.raises(TargetUnreachable) as direct:
            await target.generate(CONVERSATION, params=PARAMS)
        sleep = RecordedSleep()
        with pytest.raises(TargetUnreachable) as gated:
            await TargetGate(target, sleep=sleep).generate(CONVERSATION, PARAMS)
    message = direct.value.message
    assert message.startswith(f"Cannot reach {base_url}") and "check --base-url" in message
    assert_one_sentence(direct.value)
    assert len(sleep.delays) == 3  # retried (max_retries=3), then reported unchanged
    assert gated.value.message == message
    assert is_fatal(gated.value)


async def test_401_is_an_auth_error_and_is_not_retried(mock: MockOpenAI, served: str) -> None:
    mock.unauthorized = True
    sleep = RecordedSleep()
    async with target_for(served) as target:
        with pytest.raises(TargetAuthError) as caught:
            await TargetGate(target, sleep=sleep).generate(CONVERSATION, PARAMS)
    assert mock.requests == 1 and sleep.delays == []
    assert "credentials" in caught.value.message and "HTTP 401" in caught.value.message
    assert "--api-key" in caught.value.message
    assert_one_sentence(caught.value)
    assert is_fatal(caught.value)


async def test_malformed_json_is_a_transient_error(mock: MockOpenAI, served: str) -> None:
    mock.malformed = True
    async with target_for(served) as target:
        with pytest.raises(TransientTargetError) as caught:
            await target.generate(CONVERSATION, params=PARAMS)
    assert "not a chat completion" in caught.value.message
    assert_one_sentence(caught.value)
    assert not is_fatal(caught.value)


async def test_404_is_fatal_and_points_at_the_base_url(served: str) -> None:
    base_url = served.removesuffix("/v1")  # the common mistake: no /v1
    async with target_for(base_url) as target:
        with pytest.raises(TargetRejected) as caught:
            await TargetGate(target, sleep=RecordedSleep()).generate(CONVERSATION, PARAMS)
    error = caught.value
    assert error.fatal and is_fatal(error)
    assert "404" in error.message and "/v1" in error.message and "mock-model" in error.message
    assert_one_sentence(error)


@pytest.mark.parametrize("base_url", ["localhost:8000/v1", "ftp://example.test/v1"])
def test_a_base_url_that_is_not_http_is_refused_before_any_request(base_url: str) -> None:
    with pytest.raises(InvalidInput, match="not an http:// or https:// URL"):
        OpenAICompatTarget("mock-model", TargetOptions(base_url=base_url))


async def test_key_and_base_url_come_from_the_environment(
    mock: MockOpenAI, served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", served)
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    target = OpenAICompatTarget("mock-model", TargetOptions(extra={"http_client": HTTP_CLIENT["name"]}))
    try:
        assert (await target.generate(CONVERSATION, params=PARAMS)).text == "Hello there!"
    finally:
        await target.aclose()
    assert mock.received[0].headers["authorization"] == "Bearer env-key"


async def test_concurrent_requests_reuse_at_most_concurrency_connections(
    mock: MockOpenAI, served: str, http_client: str
) -> None:
    mock.latency_ms, mock.record = 20, False
    async with target_for(served, concurrency=4) as target:
        assert target.transport.name == http_client
        completions = await asyncio.gather(*(target.generate(CONVERSATION, params=PARAMS) for _ in range(12)))
    assert [c.text for c in completions] == ["Hello there!"] * 12
    assert mock.requests == 12 and len(mock.peers) == 4  # connections the server saw


async def test_one_request_at_a_time_reuses_one_kept_alive_connection(mock: MockOpenAI, served: str) -> None:
    mock.record = False
    async with target_for(served, concurrency=8) as target:
        for _ in range(5):
            assert (await target.generate(CONVERSATION, params=PARAMS)).text == "Hello there!"
    assert mock.requests == 5 and len(mock.peers) == 1


class SlowSink(MemorySink):
    """Takes a while to store each batch, so the periodic flush is often mid-write."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        await asyncio.sleep(self.delay)
        await super().write(records)


async def test_runner_stores_every_attempt_even_when_the_last_flush_is_under_way(
    mock: MockOpenAI, served: str
) -> None:
    """The run ends while the periodic flush is writing: the batch it holds must still be stored."""
    mock.record = False
    plan = Plan([load_suite("core")], parse_attacks(None), ["openai:mock-model"], 1)
    sink = SlowSink(delay=0.3)
    async with target_for(served, concurrency=8) as target:
        runner = Runner(plan, {"openai:mock-model": target}, sink, concurrency=8, batch_size=10_000,
                        flush_interval=0.01)
        result = await runner.run()
    assert result.counts.attempts == plan.size == len(sink.records)
    assert result.counts.error == 0
    assert mock.requests == sum(len(a.probe.prompts) for a in plan)  # each attempt sent once
