"""Gateway limits hold before the work they bound (issue 16): a request body over the limit is 413
before the rest of it is read, and is neither forwarded nor counted; a request's own tokens count
against the key's quota before it is forwarded; a call has one deadline however steadily its
upstream trickles; an answer over the size limit is refused or cut. Each runs through the real
server against a real local upstream (redhive.testing.MockOpenAI)."""

from __future__ import annotations

import asyncio
import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest
from tests.gateway.conftest import World
from tests.gateway.test_keys_and_faults import error_of, new_key
from tests.gateway.test_sdk import ASK, exchanges

from redhive.gateway import service

MB = 2**20


@pytest.fixture
def gateway_settings() -> dict[str, object]:
    # the default request limit (8 MiB); a 3 s deadline over 2 s reads; answers up to 64 KiB
    return {"gateway_upstream_timeout": 2.0, "gateway_call_deadline": 3.0, "gateway_max_response_bytes": 64 * 1024}


def post(world: World, key: str, body: dict[str, object], timeout: float = 30) -> httpx.Response:
    return httpx.post(f"{world.base_url}/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"},
                      timeout=timeout)


async def tokens_used(world: World, key_id: str) -> int:
    async with world.db.sessions() as session:
        return await service.tokens_used_today(session, key_id, world.participant.user_id or "")


async def test_a_20_mb_request_is_413_and_neither_forwarded_nor_counted(world: World) -> None:
    key_id, secret = await new_key(world, tokens_per_day=200_000)
    huge = {"model": "mock/v1", "messages": [{"role": "user", "content": "tell me " * (20 * MB // 8)}]}
    r = await asyncio.to_thread(post, world, secret, huge, timeout=60)
    assert r.status_code == 413, r.text[:300]
    assert error_of(r)["code"] == "request_too_large" and "limit of 8 MiB" in str(error_of(r)["message"])
    assert world.upstream.requests == 0  # nothing forwarded
    assert await exchanges(world, 0) == [] and await tokens_used(world, key_id) == 0  # nothing recorded or counted
    # nor counted in the server's own tally: ~5.2 M tokens would have spent the 200 k quota
    assert (await asyncio.to_thread(post, world, secret, {"model": "mock/v1", "messages": ASK})).status_code == 200
    stored = await exchanges(world, 1)
    assert [(e.outcome, e.input_tokens) for e in stored] == [("ok", 12)] and world.upstream.requests == 1


def raw_request(world: World, head: str, first: bytes) -> bytes:
    """Send the head and the first part of a body that is never finished; return what the server
    answers (the 413 must come while the client still has most of the body to send)."""
    url = urlsplit(world.root)
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=20) as sock:
        sock.sendall(head.encode() + first)
        answer = sock.recv(65536)
    return answer


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_a_200_mb_body_is_refused_before_it_is_read(world: World, chunked: bool) -> None:
    prefix = b'{"model": "mock/v1", "messages": [{"role": "user", "content": "' + b"x" * (9 * MB)
    common = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer {world.key}\r\n"
              "Content-Type: application/json\r\n")
    if chunked:  # 9 MB sent in 1 MB chunks, never the last chunk
        head = common + "Transfer-Encoding: chunked\r\n\r\n"
        body = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n"
                        for part in (prefix[i:i + MB] for i in range(0, len(prefix), MB)))
    else:  # 200 MB announced, 64 KB sent
        head, body = common + f"Content-Length: {200 * MB}\r\n\r\n", prefix[:64 * 1024]
    answer = await asyncio.to_thread(raw_request, world, head, body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"request_too_large" in answer and world.upstream.requests == 0


async def test_the_requests_own_tokens_count_against_the_quota_before_it_is_forwarded(world: World) -> None:
    key_id, secret = await new_key(world, tokens_per_day=1_000)
    long = {"model": "mock/v1", "messages": [{"role": "user", "content": "word " * 1_600}]}  # ~2,000 tokens
    r = await asyncio.to_thread(post, world, secret, long)
    assert r.status_code == 429 and error_of(r)["code"] == "tokens_per_day_exceeded", r.text
    assert "about 2,001 tokens" in str(error_of(r)["message"]) and int(r.headers["Retry-After"]) >= 1
    assert world.upstream.requests == 0 and await exchanges(world, 0) == []
    # a request that fits is forwarded, and charged what the upstream reports (12 + 9), not its estimate
    assert (await asyncio.to_thread(post, world, secret, {"model": "mock/v1", "messages": ASK})).status_code == 200
    await exchanges(world, 1)
    assert await tokens_used(world, key_id) == 21
    fits = {"model": "mock/v1", "messages": [{"role": "user", "content": "word " * 780}]}  # 976: 21 + 976 fits
    assert (await asyncio.to_thread(post, world, secret, fits)).status_code == 200


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "stream"])
async def test_a_trickling_upstream_is_cut_at_the_calls_deadline(world: World, stream: bool) -> None:
    """A byte a second never trips the 2 s read timeout; the 3 s deadline ends the call. (Before,
    the call lasted as long as the trickle: minutes.)"""
    world.upstream.trickle_s = 1.0
    r = await asyncio.to_thread(post, world, world.key, {"model": "mock/v1", "messages": ASK, "stream": stream},
                                timeout=30)
    assert r.status_code == 504 and error_of(r)["type"] == "timeout", r.text
    assert "deadline of 3 s" in str(error_of(r)["message"])
    stored = await exchanges(world, 1)
    assert [(e.outcome, e.status_code) for e in stored] == [("upstream_error", 504)]
    assert "deadline" in (stored[0].error or "")


async def test_a_stream_that_keeps_coming_is_cut_at_the_deadline(world: World) -> None:
    world.upstream.reply = " ".join(f"w{i}" for i in range(60))
    world.upstream.chunk_delay_ms = 500  # each chunk well within the read timeout; the whole: 30 s
    events: list[dict[str, object]] = []
    async with httpx.AsyncClient(timeout=30) as client, client.stream(
        "POST", f"{world.base_url}/chat/completions", headers={"Authorization": f"Bearer {world.key}"},
        json={"model": "mock/v1", "messages": ASK, "stream": True},
    ) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                events.append(json.loads(line[6:]))
    assert "error" in events[-1] and "deadline of 3 s" in str(events[-1]["error"]), events[-1]
    assert 2 <= len(events) < 20  # some words arrived, then the cut
    stored = await exchanges(world, 1)
    assert [(e.outcome, e.status_code) for e in stored] == [("partial", 504)]


async def test_an_answer_over_the_size_limit_is_refused(world: World) -> None:
    world.upstream.reply = "big " * 25_000  # 100 KB against a 64 KiB limit
    r = await asyncio.to_thread(post, world, world.key, {"model": "mock/v1", "messages": ASK})
    assert r.status_code == 502 and "limit of 65,536 bytes" in str(error_of(r)["message"]), r.text
    async with httpx.AsyncClient(timeout=30) as client, client.stream(
        "POST", f"{world.base_url}/chat/completions", headers={"Authorization": f"Bearer {world.key}"},
        json={"model": "mock/v1", "messages": ASK, "stream": True},
    ) as response:
        lines = [line async for line in response.aiter_lines() if line.startswith("data: ")]
    assert "response_too_large" in lines[-1]
    relayed = sum(len(line) for line in lines)
    assert relayed < 2 * 64 * 1024  # cut near the limit, not relayed whole
    stored = await exchanges(world, 2)
    assert [(e.outcome, e.status_code) for e in stored] == [("upstream_error", 502), ("partial", 502)]
