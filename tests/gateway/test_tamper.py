"""Tampering with the transcript: change one byte, delete one record, swap two records, drop the
newest — `redhive audit verify MISSION` catches each and names the first broken record. And what the
unkeyed chain could not catch (issue 16): someone with database write access re-hashes the whole
chain after a change, or drops the newest record and moves the head back (even to a genuinely signed
older head): the head's signature, the stored checkpoints and the checkpoints an observer kept catch
each."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text, update
from tests.gateway.conftest import World
from tests.gateway.test_sdk import exchanges
from tests.platform_fixtures import PASSWORD
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.gateway import service
from redhive.gateway.chain import GENESIS, record_hash
from redhive.gateway.models import ChainHead, Exchange, TranscriptCheckpoint


async def send(world: World, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        await asyncio.to_thread(httpx.post, f"{world.base_url}/chat/completions", timeout=10,
                                headers={"Authorization": f"Bearer {world.key}"},
                                json={"model": "chat/v1", "messages": [{"role": "user", "content": f"Hello {n}"}]})


async def five_exchanges(world: World) -> list[Exchange]:
    await send(world, 5)
    return await exchanges(world, 5)


def verify(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch, *options: str) -> tuple[int, str]:
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, ["audit", "verify", world.mission_id, *options])
    return result.exit_code, " ".join(result.output.split())


async def test_an_untouched_chain_verifies(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await five_exchanges(world)
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 0 and "5 exchanges, hash chain intact, its head signed by key" in output


async def test_one_changed_byte_is_caught(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():
        changed = update(Exchange).where(Exchange.id == stored[2].id).values(latency_ms=stored[2].latency_ms + 0.001)
        await session.execute(changed)
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "broken at record 3" in output and stored[2].id in output and "content was changed" in output


async def test_a_changed_byte_inside_the_stored_json_is_caught(world: World, db_url: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():  # edit the raw column, as a DBA could
        await session.execute(text("UPDATE gateway_exchanges SET request = REPLACE(CAST(request AS TEXT), "
                                   "'Hello 1', 'Hello 7') WHERE id = :id").bindparams(id=stored[1].id)
                              if world.db.is_sqlite else
                              text("UPDATE gateway_exchanges SET request = CAST(REPLACE(CAST(request AS TEXT), "
                                   "'Hello 1', 'Hello 7') AS JSON) WHERE id = :id").bindparams(id=stored[1].id))
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "broken at record 2" in output


async def test_a_deleted_record_is_caught(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():
        await session.execute(delete(Exchange).where(Exchange.id == stored[1].id))
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "broken at record 2" in output and "missing" in output


async def test_two_swapped_records_are_caught(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():  # swap their places in the order
        await session.execute(update(Exchange).where(Exchange.id == stored[1].id).values(seq=-2))
        await session.execute(update(Exchange).where(Exchange.id == stored[3].id).values(seq=2))
        await session.execute(update(Exchange).where(Exchange.id == stored[1].id).values(seq=4))
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "broken at record 2" in output and stored[3].id in output


async def test_dropping_the_newest_record_is_caught_by_the_head(world: World, db_url: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():
        await session.execute(delete(Exchange).where(Exchange.id == stored[4].id))
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "chain head says 5 records but 4 verify" in output


def test_an_unknown_mission_is_one_sentence(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli, ["audit", "verify", "no-such-mission"])
    assert result.exit_code == 2 and "There is no mission no-such-mission" in result.output


async def rehash_from(world: World, first: int, change: str) -> None:
    """What a DBA could do without the key: change record `first`, recompute every hash from it on
    with the (public, unkeyed) chain function, and move the head to the new last hash."""
    async with world.db.sessions() as session, session.begin():
        rows = list(await session.scalars(select(Exchange).where(Exchange.mission_id == world.mission_id)
                                          .order_by(Exchange.seq)))
        prev = rows[first - 2].hash if first > 1 else GENESIS
        for row in rows[first - 1:]:
            record = {c.name: getattr(row, c.name) for c in Exchange.__table__.columns}
            if row.seq == first:
                record["request"] = {"messages": [{"role": "user", "content": change}]}
            record["prev_hash"] = prev
            prev = record_hash(record)
            await session.execute(update(Exchange).where(Exchange.id == row.id)
                                  .values(request=record["request"], prev_hash=record["prev_hash"], hash=prev))
        await session.execute(update(ChainHead).where(ChainHead.mission_id == world.mission_id).values(hash=prev))


async def test_rehashing_the_whole_chain_is_caught_by_the_heads_signature(world: World, db_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    await rehash_from(world, 3, "Hello, rewritten")
    async with world.db.sessions() as session:  # the unkeyed chain alone is fooled
        assert (await service.verify_mission(session, world.mission_id)).ok
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    # the first record no valid signature vouches for: only the first batch was checkpointed (60 s interval)
    assert code == 1 and f"broken at record 2 (exchange {stored[1].id})" in output, output
    assert "the chain head's signature does not match it" in output


async def test_removing_the_heads_signature_is_caught(world: World, db_url: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    await five_exchanges(world)
    await rehash_from(world, 3, "Hello, rewritten")
    async with world.db.sessions() as session, session.begin():
        await session.execute(update(ChainHead).where(ChainHead.mission_id == world.mission_id)
                              .values(signature=None, key_id=None, signed_at=None))
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "broken at record 2" in output and "the chain head is not signed" in output


@pytest.mark.parametrize("gateway_settings", [{"gateway_upstream_timeout": 2.0, "transcript_checkpoint_interval": 0}])
async def test_with_a_checkpoint_per_commit_a_rewrite_names_the_record_changed(
        world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    await rehash_from(world, 3, "Hello, rewritten")
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and f"broken at record 3 (exchange {stored[2].id})" in output, output
    # one checkpoint per commit; on a loaded machine one commit may carry several exchanges (group commit)
    signed = re.search(r"records (\d+)–(\d+) are not what the stored checkpoint signed", output)
    assert signed and int(signed[1]) <= 3 <= int(signed[2]), output


async def head_row(world: World) -> dict[str, Any]:
    await world.db.engine.dispose()  # nothing cached: read what the server committed
    async with world.db.sessions() as session:
        head = await session.get(ChainHead, world.mission_id)
        assert head is not None and head.signature
        return {"seq": head.seq, "hash": head.hash, "signed_at": head.signed_at, "key_id": head.key_id,
                "signature": head.signature}


async def roll_back(world: World, newest: Exchange, head: dict[str, Any]) -> None:
    async with world.db.sessions() as session, session.begin():
        await session.execute(delete(Exchange).where(Exchange.id == newest.id))
        await session.execute(delete(TranscriptCheckpoint).where(TranscriptCheckpoint.seq >= newest.seq))
        await session.execute(update(ChainHead).where(ChainHead.mission_id == world.mission_id).values(**head))


async def test_rolling_the_head_back_is_caught(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The newest record dropped and the head moved back onto the record before it."""
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():
        await session.execute(delete(Exchange).where(Exchange.id == stored[4].id))
        await session.execute(update(ChainHead).where(ChainHead.mission_id == world.mission_id)
                              .values(seq=4, hash=stored[3].hash))
    async with world.db.sessions() as session:  # the unkeyed chain alone is fooled
        assert (await service.verify_mission(session, world.mission_id)).ok
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "the chain head's signature does not match it" in output, output


async def test_rolling_back_to_a_genuinely_signed_older_head_is_caught_by_a_kept_checkpoint(
        world: World, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The attacker saved the head row (a valid signature) when it covered four records, and puts
    it back after dropping the fifth (and any stored checkpoint of it); an observer had fetched the
    checkpoints after the fifth and kept them."""
    await send(world, 4)
    await exchanges(world, 4)
    saved = await head_row(world)
    await send(world, 1, start=4)
    stored = await exchanges(world, 5)
    kept, key = tmp_path / "observer-checkpoints.json", tmp_path / "transcript.pub"
    async with httpx.AsyncClient(base_url=world.root, timeout=10) as observer:
        login = await observer.post("/api/auth/login", json={"email": "coord@example.test", "password": PASSWORD})
        assert login.status_code == 200
        fetched = await observer.get(f"/api/missions/{world.mission_id}/gateway/checkpoints")
    assert fetched.status_code == 200 and fetched.json()["checkpoints"][-1]["seq"] == 5
    kept.write_text(fetched.text, encoding="utf-8")
    key.write_text(fetched.json()["public_key_pem"], encoding="utf-8")
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--checkpoint", str(kept),
                                           "--public-key", str(key))
    assert code == 0 and "5 exchanges, hash chain intact" in output, output  # before: they agree

    await roll_back(world, stored[4], saved)
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch, "--checkpoint", str(kept),
                                           "--public-key", str(key))
    assert code == 1 and "broken at record 5" in output, output
    assert ("the checkpoint in observer-checkpoints.json signed at" in output and "covers 5 records, but the chain "
            "ends at record 4: the newest records were removed and the head moved back" in output)


@pytest.mark.parametrize("gateway_settings", [{"gateway_upstream_timeout": 2.0, "transcript_checkpoint_interval": 0}])
async def test_the_stored_checkpoints_catch_a_roll_back_they_cover(world: World, db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    await send(world, 4)
    await exchanges(world, 4)
    saved = await head_row(world)
    await send(world, 1, start=4)
    stored = await exchanges(world, 5)
    async with world.db.sessions() as session, session.begin():  # the rows of the checkpoint of 5 are left
        await session.execute(delete(Exchange).where(Exchange.id == stored[4].id))
        await session.execute(update(ChainHead).where(ChainHead.mission_id == world.mission_id).values(**saved))
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 1 and "broken at record 5" in output and "the stored checkpoint signed at" in output, output
