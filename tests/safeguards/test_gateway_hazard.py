"""Must show (issue 15): through the real gateway, the same surrogate request is blocked for an
unverified member and allowed-and-flagged for a verified one, both exchanges on the verified chain
(`redhive audit verify` passes); a background-checked member without a grant is escalated into the
review queue. Every exchange carries the hazard screen's score and category, whatever happened."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from tests.gateway.test_sdk import exchanges
from tests.safeguards.conftest import SURROGATE, HazardWorld, login
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.gateway.models import Exchange
from redhive.kit import utcnow
from redhive.missions.models import Mission
from redhive.safeguards.models import TrustedAccess


def chat(hw: HazardWorld, who: str, text: str = SURROGATE) -> httpx.Response:
    return httpx.post(f"{hw.gw.base_url}/chat/completions", timeout=30,
                      headers={"Authorization": f"Bearer {hw.keys[who]}"},
                      json={"model": "chat/v1", "messages": [{"role": "user", "content": text}]})


def screen_of(exchange: Exchange, stage: str = "before") -> dict[str, Any]:
    return next(d for d in exchange.decisions if d["check"] == "hazard_screen" and d["stage"] == stage)


async def test_same_request_blocked_unverified_flagged_verified_both_on_the_verified_chain(
        hazard_world: HazardWorld, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    hw = hazard_world
    blocked = await asyncio.to_thread(chat, hw, "una")
    assert blocked.status_code == 400
    assert blocked.json()["error"]["code"] == "content_blocked"
    assert "trusted-access grant" in blocked.json()["error"]["message"]
    allowed = await asyncio.to_thread(chat, hw, "vera")
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["choices"][0]["message"]["content"]

    stored = await exchanges(hw.gw, 2)
    by_id = {e.id: e for e in stored}
    una = by_id[blocked.headers["X-Redhive-Exchange-Id"]]
    vera = by_id[allowed.headers["X-Redhive-Exchange-Id"]]
    assert (una.outcome, vera.outcome) == ("blocked", "ok")
    assert una.request == vera.request  # the same request
    assert screen_of(una)["action"] == "block" and una.response is None  # it never reached the model
    flagged = screen_of(vera)
    assert flagged["action"] == "flag" and flagged["programme"] == "biology"
    for exchange in (una, vera):
        screen = screen_of(exchange)
        assert screen["category"] == "biological" and screen["score"] >= 0.7 and screen["hazard_class"] == "HZ2"
    assert "score" in screen_of(vera, "after")  # the answer is screened and scored too

    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["audit", "verify", hw.gw.mission_id])
    assert result.exit_code == 0, result.output
    assert f"{len(stored)} exchanges, hash chain intact" in result.output


async def test_escalation_is_held_and_lands_in_the_review_queue(hazard_world: HazardWorld) -> None:
    hw = hazard_world
    held = await asyncio.to_thread(chat, hw, "bea")
    assert held.status_code == 400 and held.json()["error"]["code"] == "held_for_review"
    exchange_id = held.headers["X-Redhive-Exchange-Id"]
    assert exchange_id in held.json()["error"]["message"]
    headers = await login(hw.gw.root, "admin@example.test")
    async with httpx.AsyncClient(base_url=hw.gw.root, headers=headers, timeout=30) as client:
        queue = (await client.get("/api/safeguards/escalations")).json()
        assert [e["exchange_id"] for e in queue] == [exchange_id]
        assert queue[0]["category"] == "biological" and queue[0]["requester"] == "Bea" and queue[0]["review"] is None
        r = await client.post(f"/api/safeguards/escalations/{exchange_id}/review", json={"verdict": "concern"})
        assert r.status_code == 400 and "note" in r.json()["error"]["message"]
        r = await client.post(f"/api/safeguards/escalations/{exchange_id}/review",
                              json={"verdict": "concern", "note": "Contacted the member; key revoked."})
        assert r.status_code == 201
        assert (await client.get("/api/safeguards/escalations")).json() == []
        decided = (await client.get("/api/safeguards/escalations", params={"status": "decided"})).json()
        assert decided[0]["review"]["verdict"] == "concern"
        again = await client.post(f"/api/safeguards/escalations/{exchange_id}/review", json={"verdict": "benign"})
        assert again.status_code == 409


async def test_benign_science_passes_and_is_scored_for_everyone(hazard_world: HazardWorld) -> None:
    hw = hazard_world
    for who in ("una", "vera", "bea"):
        r = await asyncio.to_thread(chat, hw, who, "What's the recommended vaccination schedule for a toddler?")
        assert r.status_code == 200, r.text
    stored = await exchanges(hw.gw, 3)
    assert all(screen_of(e)["action"] == "allow" and screen_of(e)["score"] < 0.25 for e in stored)


async def test_the_ceiling_blocks_even_a_granted_member(hazard_world: HazardWorld) -> None:
    hw = hazard_world
    async with hw.gw.db.sessions() as session, session.begin():
        await session.execute(update(Mission).where(Mission.id == hw.gw.mission_id).values(hazard_ceiling="HZ1"))
    await asyncio.sleep(2.1)  # resolved grants are cached for 2 s
    r = await asyncio.to_thread(chat, hw, "vera")
    assert r.status_code == 400 and "hazard ceiling HZ1" in r.json()["error"]["message"]


async def test_an_expired_or_revoked_grant_covers_nothing(hazard_world: HazardWorld) -> None:
    hw = hazard_world
    async with hw.gw.db.sessions() as session, session.begin():
        await session.execute(update(TrustedAccess).where(TrustedAccess.id == hw.vera_access_id)
                              .values(expires_at=utcnow()))
    await asyncio.sleep(2.1)
    r = await asyncio.to_thread(chat, hw, "vera")
    assert r.status_code == 400 and r.json()["error"]["code"] == "content_blocked"
    async with hw.gw.db.sessions() as session:
        found = await session.get(TrustedAccess, hw.vera_access_id)
        assert found is not None and found.status == "granted"  # expired by its clock, not by an edit


async def test_every_exchange_has_a_screen_score_whatever_stopped_it(hazard_world: HazardWorld) -> None:
    """Logging is never switched off: blocked, escalated, flagged, allowed — each record is scored."""
    hw = hazard_world
    for who, text in (("una", SURROGATE), ("bea", SURROGATE), ("vera", SURROGATE), ("una", "Hello there.")):
        await asyncio.to_thread(chat, hw, who, text)
    stored = await exchanges(hw.gw, 4)
    assert sorted(e.outcome for e in stored) == ["blocked", "escalated", "ok", "ok"]
    async with hw.gw.db.sessions() as session:
        rows = (await session.scalars(select(Exchange).where(Exchange.mission_id == hw.gw.mission_id))).all()
    assert all(isinstance(screen_of(e)["score"], float) and screen_of(e)["classifier"] for e in rows)
