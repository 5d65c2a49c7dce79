"""Which HTTP transport an openai: target uses: aiohttp by default, httpx behind a proxy or when
asked for; a bad choice is one sentence before any request."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from redhive.engine import GenerationParams, Message
from redhive.engine.targets.base import TargetOptions, create_target
from redhive.engine.targets.http_transport import choose_transport
from redhive.engine.targets.openai_compat import OpenAICompatTarget
from redhive.errors import InvalidInput, TargetUnreachable
from redhive.testing import MockOpenAI

PARAMS = GenerationParams(max_tokens=16)
CONVERSATION = (Message("user", "Say hello."),)
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy",
              "no_proxy")


@pytest.fixture(autouse=True)
def _no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*PROXY_VARS, "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def mock() -> MockOpenAI:
    return MockOpenAI(reply="Hello there!")


@pytest.fixture
def served(mock: MockOpenAI) -> Iterator[str]:
    with mock.serve() as base_url:
        yield base_url


def dead_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def openai(base_url: str, **extra: object) -> OpenAICompatTarget:
    target = create_target("openai:mock-model", TargetOptions(base_url=base_url, api_key="k", extra=extra))
    assert isinstance(target, OpenAICompatTarget)
    return target


def test_aiohttp_is_the_default_and_is_recorded_with_the_run() -> None:
    target = openai("http://127.0.0.1:8000/v1")
    assert target.transport.name == "aiohttp"
    assert target.describe()["http_client"] == "aiohttp"
    assert openai("https://api.example.test/v1").transport.name == "aiohttp"


@pytest.mark.parametrize("name", ["httpx", "HTTPX", "aiohttp"])
def test_the_http_client_option_picks_the_transport(name: str) -> None:
    assert openai("http://127.0.0.1:8000/v1", http_client=name).transport.name == name.lower()


def test_an_unknown_http_client_is_one_sentence() -> None:
    with pytest.raises(InvalidInput) as caught:
        openai("http://127.0.0.1:8000/v1", http_client="curl")
    message = caught.value.message
    assert "http_client=curl" in message and "auto, aiohttp, httpx" in message and "\n" not in message


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_in_the_environment_selects_httpx(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "http://proxy.example.test:3128")
    assert choose_transport("http://10.0.0.5:8000/v1/chat/completions") == "httpx"
    assert openai("http://10.0.0.5:8000/v1").transport.name == "httpx"


def test_a_proxy_for_the_other_scheme_or_a_bypassed_host_keeps_aiohttp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    assert choose_transport("http://10.0.0.5:8000/v1/chat/completions") == "aiohttp"
    assert choose_transport("https://api.example.test/v1/chat/completions") == "httpx"
    monkeypatch.setenv("NO_PROXY", "api.example.test")
    assert choose_transport("https://api.example.test/v1/chat/completions") == "aiohttp"


async def test_requests_really_go_through_the_proxy(
    mock: MockOpenAI, served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy that does not answer: the target fails to reach it and the endpoint sees nothing."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{dead_port()}")
    target = openai(served)
    try:
        assert target.transport.name == "httpx"
        with pytest.raises(TargetUnreachable):
            await target.generate(CONVERSATION, params=PARAMS)
    finally:
        await target.aclose()
    assert mock.requests == 0
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = openai(served)
    try:
        assert direct.transport.name == "aiohttp"
        assert (await direct.generate(CONVERSATION, params=PARAMS)).text == "Hello there!"
    finally:
        await direct.aclose()
    assert mock.requests == 1


async def test_a_target_that_never_sent_a_request_closes_cleanly() -> None:
    await openai("http://127.0.0.1:8000/v1").aclose()
