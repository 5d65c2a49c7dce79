"""Keys refused with the right status and sentence; upstream faults answered cleanly and recorded;
policy checks that block, with the exchange kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import openai
import pytest
from sqlalchemy import update
from tests.gateway.conftest import World
from tests.gateway.test_sdk import ASK, exchanges

from redhive.auth.models import User
from redhive.gateway import service
from redhive.gateway.models import Exchange, GatewayKey
from redhive.gateway.schemas import KeyCreate, SettingsUpdate
from redhive.kit import utcnow
from redhive.missions.models import Mission


def post(world: World, key: str, body: dict[str, object], **kwargs: object) -> httpx.Response:
    return httpx.post(f"{world.base_url}/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"},
                      timeout=10, **kwargs)  # type: ignore[arg-type]


async def new_key(world: World, **limits: int) -> tuple[str, str]:
    async with world.db.sessions() as session, session.begin():
        key, secret = await service.issue_key(session, world.participant, world.mission_id,
                                              data=KeyCreate(**limits))  # type: ignore[arg-type]
        return key.id, secret


def error_of(response: httpx.Response) -> dict[str, object]:
    error = response.json()["error"]
    assert isinstance(error, dict) and str(error["message"]).endswith((".", "s."))
    return error


async def test_missing_unknown_revoked_and_expired_keys_are_401(world: World) -> None:
    chat = {"model": "chat/v1", "messages": ASK}
    r = await asyncio.to_thread(httpx.post, f"{world.base_url}/chat/completions", json=chat)
    assert r.status_code == 401 and error_of(r)["code"] == "missing_api_key"
    r = await asyncio.to_thread(post, world, "rhk_not-a-real-key", chat)
    assert r.status_code == 401 and error_of(r)["code"] == "invalid_api_key"

    key_id, secret = await new_key(world)
    assert (await asyncio.to_thread(post, world, secret, chat)).status_code == 200
    coordinator = await httpx.AsyncClient(base_url=world.root).__aenter__()  # revoke through the API
    try:
        login = await coordinator.post("/api/auth/login", json={"email": "rt@example.test",
                                                                "password": "correct horse battery"})
        csrf = login.json()["csrf_token"]
        revoked = await coordinator.post(f"/api/gateway/keys/{key_id}/revoke", headers={"X-CSRF-Token": csrf})
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    finally:
        await coordinator.__aexit__(None, None, None)
    r = await asyncio.to_thread(post, world, secret, chat)  # at once: the cached grant does not help
    assert r.status_code == 401 and error_of(r)["code"] == "key_revoked"

    expired_id, expired = await new_key(world)
    async with world.db.sessions() as session, session.begin():
        await session.execute(update(GatewayKey).where(GatewayKey.id == expired_id)
                              .values(expires_at=utcnow() - timedelta(minutes=1)))
    r = await asyncio.to_thread(post, world, expired, chat)
    assert r.status_code == 401 and error_of(r)["code"] == "key_expired" and "time box" in str(error_of(r)["message"])


async def test_wrong_mission_inactive_mission_and_vetting_are_refused(world: World) -> None:
    # the participant's key reaches only its own mission's models
    r = await asyncio.to_thread(post, world, world.key, {"model": "elsewhere/v1", "messages": ASK})
    assert r.status_code == 404 and error_of(r)["code"] == "model_not_found"
    async with world.db.sessions() as session, session.begin():
        await session.execute(update(Mission).where(Mission.id == world.mission_id).values(
            access_tier="T2_reduced_safeguards"))
    _, secret = await new_key(world)
    r = await asyncio.to_thread(post, world, secret, {"model": "chat/v1", "messages": ASK})
    assert r.status_code == 403 and error_of(r)["code"] == "vetting_insufficient"
    async with world.db.sessions() as session, session.begin():
        await session.execute(update(User).where(User.id == world.participant.user_id)
                              .values(vetting_level="background_checked"))
        await session.execute(update(Mission).where(Mission.id == world.mission_id).values(status="paused"))
    _, secret = await new_key(world)
    r = await asyncio.to_thread(post, world, secret, {"model": "chat/v1", "messages": ASK})
    assert r.status_code == 403 and error_of(r)["code"] == "mission_not_active"


async def test_over_quota_keys_get_429_with_retry_after(world: World) -> None:
    _, secret = await new_key(world, requests_per_minute=2)
    chat = {"model": "chat/v1", "messages": ASK}
    codes = [(await asyncio.to_thread(post, world, secret, chat)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    r = await asyncio.to_thread(post, world, secret, chat)
    assert error_of(r)["code"] == "requests_per_minute_exceeded" and int(r.headers["Retry-After"]) >= 1

    _, tokens = await new_key(world, tokens_per_day=10)
    assert (await asyncio.to_thread(post, world, tokens, chat)).status_code == 200  # uses more than 10
    r = await asyncio.to_thread(post, world, tokens, chat)
    assert r.status_code == 429 and error_of(r)["code"] == "tokens_per_day_exceeded"

    world.upstream.latency_ms = 300
    _, single = await new_key(world, max_concurrent=1)
    slow = {"model": "mock/v1", "messages": ASK}
    results = await asyncio.gather(*[asyncio.to_thread(post, world, single, slow) for _ in range(3)])
    assert sorted(r.status_code for r in results) == [200, 429, 429]
    assert {error_of(r)["code"] for r in results if r.status_code == 429} == {"too_many_concurrent_requests"}


@pytest.mark.parametrize(
    ("setup", "status", "fragment"),
    [
        ({"fail_429": 1, "retry_after": "7"}, 429, "rate limited"),
        ({"fail_500": 1}, 502, "HTTP 500"),
        ({"malformed": True}, 502, "malformed"),
        ({"latency_ms": 2500}, 504, "did not answer within 2 s"),
    ],
)
async def test_upstream_faults_are_openai_errors_and_recorded(world: World, setup: dict[str, object], status: int,
                                                              fragment: str) -> None:
    for name, value in setup.items():
        setattr(world.upstream, name, value)
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        with pytest.raises(openai.APIStatusError) as info:
            await client.chat.completions.create(model="mock/v1", messages=ASK)  # type: ignore[arg-type]
    assert info.value.status_code == status and fragment in info.value.message
    if status == 429:
        assert info.value.response.headers["Retry-After"] == "7"
    stored = await exchanges(world, 1)
    assert [(e.outcome, e.status_code) for e in stored] == [("upstream_error", status)]
    assert fragment in (stored[0].error or "")
    assert stored[0].id == info.value.response.headers["X-Redhive-Exchange-Id"]


async def test_a_stream_cut_mid_way_is_an_error_event_and_a_partial_record(world: World) -> None:
    world.upstream.reply = "one two three four five six"
    world.upstream.cut_stream_after = 3
    async with openai.AsyncOpenAI(base_url=world.base_url, api_key=world.key, max_retries=0) as client:
        got: list[str] = []
        with pytest.raises(openai.APIError, match="ended before it was complete"):
            async for chunk in await client.chat.completions.create(model="mock/v1", messages=ASK,  # type: ignore[arg-type]
                                                                    stream=True):
                got += [chunk.choices[0].delta.content or ""] if chunk.choices else []
    assert "".join(got) == "one two three"
    stored = await exchanges(world, 1)
    assert stored[0].outcome == "partial" and stored[0].response is not None
    assert stored[0].response["choices"][0]["message"]["content"] == "one two three"


async def test_a_client_that_hangs_up_mid_stream_leaves_a_recorded_exchange(world: World) -> None:
    world.upstream.reply = " ".join(f"w{i}" for i in range(40))
    world.upstream.chunk_delay_ms = 50  # a slow model: the answer takes about two seconds
    async with httpx.AsyncClient(timeout=10) as client, client.stream(
        "POST", f"{world.base_url}/chat/completions", headers={"Authorization": f"Bearer {world.key}"},
        json={"model": "mock/v1", "messages": ASK, "stream": True},
    ) as response:
        assert response.status_code == 200
        async for line in response.aiter_lines():
            if ' w2' in line:
                break  # hang up three words in
    stored = await exchanges(world, 1)
    assert len(stored) == 1 and stored[0].outcome == "client_disconnected"
    assert stored[0].response is not None
    kept = stored[0].response["choices"][0]["message"]["content"]
    assert kept.startswith("w0 w1 w2") and len(kept.split()) < 40  # what was relayed before the hang-up


async def test_deny_list_blocks_requests_and_answers_and_keeps_them(world: World) -> None:
    async with world.db.sessions() as session, session.begin():
        await service.update_settings(session, world.coordinator, world.mission_id,
                                      data=SettingsUpdate(deny_list=["Project Nightjar", "capital"]))
    _, secret = await new_key(world)  # a new key: its grant is read with the new settings
    r = await asyncio.to_thread(post, world, secret, {"model": "mock/v1", "messages": [
        {"role": "user", "content": "Tell me about project nightjar."}]})
    assert r.status_code == 400 and error_of(r)["code"] == "content_blocked"
    assert "project nightjar" in str(error_of(r)["message"])
    r = await asyncio.to_thread(post, world, secret, {"model": "mock/v1", "messages": [
        {"role": "user", "content": "Which city is it?"}]})
    assert r.status_code == 400 and "withheld" in str(error_of(r)["message"])  # the answer names a "capital"
    stored = await exchanges(world, 2)
    stops = [next(d for d in e.decisions if d["action"] == "block") for e in stored]
    assert [(e.outcome, d["check"], d["stage"]) for e, d in zip(stored, stops, strict=True)] == [
        ("blocked", "deny_list", "before"), ("blocked", "deny_list", "after")]
    assert all(e.decisions[0]["check"] == "hazard_screen" for e in stored)  # screened first, always
    assert stored[0].response is None and stored[1].response is not None  # kept, though withheld
    assert world.upstream.requests == 1  # the blocked request never reached the model


async def test_every_outcome_is_on_the_chain(world: World) -> None:
    for setup in ({}, {"fail_500": 1}):
        world.upstream.requests = 0
        for name, value in setup.items():
            setattr(world.upstream, name, value)
        await asyncio.to_thread(post, world, world.key, {"model": "mock/v1", "messages": ASK})
    stored = await exchanges(world, 2)  # journaled before each answer, committed just after (docs/gateway.md)
    async with world.db.sessions() as session:
        report = await service.verify_mission(session, world.mission_id)
    assert report.ok and report.checked == 2
    assert all(isinstance(e, Exchange) for e in stored) and stored[1].prev_hash == stored[0].hash
