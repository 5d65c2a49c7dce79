"""The playground endpoint over real HTTP: it streams the reply as server-sent events, records the
exchange with channel "playground" under the page's session, keeps the session's history, and
refuses whoever is not a participant of the mission."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy import select
from tests.gateway.conftest import World
from tests.gateway.test_sdk import exchanges
from tests.platform_fixtures import PASSWORD

from redhive.gateway.models import ExchangeFlag

ASK = [{"role": "user", "content": "What is the capital of France?"}]


@asynccontextmanager
async def login(world: World, email: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    async with httpx.AsyncClient(base_url=world.root, timeout=10) as client:
        r = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield client, r.json()["csrf_token"]


def sse_text(body: str) -> str:
    text = []
    for event in body.split("\n\n"):
        if event.startswith("data: ") and event[6:] != "[DONE]":
            chunk = json.loads(event[6:])
            assert "error" not in chunk, chunk
            text.extend(c["delta"].get("content") or "" for c in chunk["choices"])
    return "".join(text)


async def test_chat_streams_and_is_recorded_as_playground(world: World) -> None:
    async with login(world, "rt@example.test") as (client, csrf):
        url = f"/api/missions/{world.mission_id}/playground/chat"
        headers = {"X-CSRF-Token": csrf, "X-Redhive-Session": "pg-session-1"}
        async with client.stream("POST", url, json={"model": "mock/v1", "messages": ASK}, headers=headers) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            exchange_id = r.headers["x-redhive-exchange-id"]
            events = [line async for line in r.aiter_lines() if line.startswith("data: ")]
        assert len(events) > 2 and events[-1] == "data: [DONE]"  # streamed in pieces, even though not asked to
        assert sse_text("\n\n".join(events)) == "Paris is the capital of France."
        stored = await exchanges(world, 1)
        assert [(e.id, e.channel, e.session_id, e.outcome, e.key_id) for e in stored] == [
            (exchange_id, "playground", "pg-session-1", "ok", None)]
        assert stored[0].response["choices"][0]["message"]["content"] == "Paris is the capital of France."

        history = (await client.get(f"/api/missions/{world.mission_id}/gateway/sessions/pg-session-1")).json()
        assert [h["id"] for h in history] == [exchange_id]
        page = await client.get(f"/missions/{world.mission_id}/playground", params={"session": "pg-session-1"})
        assert page.status_code == 200
        assert exchange_id in page.text and "Paris is the capital of France." in page.text
        assert 'value="chat/v1"' in page.text and 'value="mock/v1"' in page.text

        flagged = await client.post(f"/api/gateway/exchanges/{exchange_id}/flags", json={"note": "leak?"},
                                    headers={"X-CSRF-Token": csrf})
        assert flagged.status_code == 201
    async with world.db.sessions() as session:
        assert (await session.scalars(select(ExchangeFlag.exchange_id))).all() == [exchange_id]


async def test_sim_model_streams_through_the_engine_path(world: World) -> None:
    async with login(world, "rt@example.test") as (client, csrf):
        r = await client.post(f"/api/missions/{world.mission_id}/playground/chat", headers={"X-CSRF-Token": csrf},
                              json={"model": "chat/v1", "messages": ASK})
        assert r.status_code == 200 and sse_text(r.text)


async def test_non_participants_and_missing_csrf_are_refused(world: World) -> None:
    body = {"model": "mock/v1", "messages": ASK}
    async with login(world, "coord@example.test") as (coordinator, csrf):
        r = await coordinator.post(f"/api/missions/{world.mission_id}/playground/chat", json=body,
                                   headers={"X-CSRF-Token": csrf})
        assert r.status_code == 403 and "participants" in r.json()["error"]["message"]
        assert (await coordinator.get(f"/missions/{world.mission_id}/playground")).status_code == 403
    async with login(world, "rt@example.test") as (participant, csrf):
        r = await participant.post(f"/api/missions/{world.mission_id}/playground/chat", json=body)
        assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
        r = await participant.post(f"/api/missions/{world.other_mission_id}/playground/chat", json=body,
                                   headers={"X-CSRF-Token": csrf})
        assert r.status_code in (403, 404)
        r = await participant.post(f"/api/missions/{world.mission_id}/playground/chat", json=body,
                                   headers={"X-CSRF-Token": csrf, "X-Redhive-Session": "not a session id!"})
        assert r.status_code == 400 and "session id" in r.json()["error"]["message"]
    anonymous = httpx.AsyncClient(base_url=world.root)
    async with anonymous:
        assert (await anonymous.post(f"/api/missions/{world.mission_id}/playground/chat", json=body)).status_code == 401
    assert await exchanges(world, 0, timeout=0) == []


async def test_system_prompt_refused_where_the_mission_forbids_it(world: World) -> None:
    async with login(world, "rt@example.test") as (client, csrf):
        async with login(world, "coord@example.test") as (coord, coord_csrf):
            r = await coord.put(f"/api/missions/{world.mission_id}/gateway/settings",
                                json={"allow_system_prompt": False}, headers={"X-CSRF-Token": coord_csrf})
            assert r.status_code == 200, r.text
        page = await client.get(f"/missions/{world.mission_id}/playground")
        assert "does not allow your own system prompt" in page.text and 'id="system"' not in page.text
        r = await client.post(f"/api/missions/{world.mission_id}/playground/chat", headers={"X-CSRF-Token": csrf},
                              json={"model": "mock/v1", "messages": [{"role": "system", "content": "Be terse."}, *ASK]})
        assert r.status_code == 403 and r.json()["error"]["code"] == "system_prompt_not_allowed"
