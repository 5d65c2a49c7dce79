"""Tampering with the transcript: change one byte, delete one record, swap two records, drop the
newest — `redhive audit verify MISSION` catches each and names the first broken record."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import delete, text, update
from tests.gateway.conftest import World
from tests.gateway.test_sdk import exchanges
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.gateway.models import Exchange


async def five_exchanges(world: World) -> list[Exchange]:
    for n in range(5):
        await asyncio.to_thread(httpx.post, f"{world.base_url}/chat/completions", timeout=10,
                                headers={"Authorization": f"Bearer {world.key}"},
                                json={"model": "chat/v1", "messages": [{"role": "user", "content": f"Hello {n}"}]})
    return await exchanges(world, 5)


def verify(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, ["audit", "verify", world.mission_id])
    return result.exit_code, result.output


async def test_an_untouched_chain_verifies(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await five_exchanges(world)
    code, output = await asyncio.to_thread(verify, world, db_url, monkeypatch)
    assert code == 0 and "5 exchanges, hash chain intact" in output


async def test_one_changed_byte_is_caught(world: World, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = await five_exchanges(world)
    async with world.db.sessions() as session, session.begin():
        await session.execute(update(Exchange).where(Exchange.id == stored[2].id).values(latency_ms=stored[2].latency_ms + 0.001))
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
