"""The recorder's group commit and its chain head: concurrent appends share transactions, and a
second writer on the same database (another server process) neither forks nor breaks the chain."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from tests.gateway.conftest import build_world

from redhive.db.session import Database
from redhive.gateway import service
from redhive.gateway.models import Exchange
from redhive.gateway.recorder import Recorder
from redhive.kit import new_id, utcnow


def draft(mission_id: str, user_id: str, n: int) -> dict[str, Any]:
    return {"id": new_id(), "mission_id": mission_id, "session_id": "s" * 32, "key_id": None, "user_id": user_id,
            "version_id": None, "model": "mock/v1", "channel": "api", "stream": False,
            "request": {"messages": [{"role": "user", "content": f"Hello {n}"}]}, "response": None,
            "outcome": "ok", "status_code": 200, "error": None, "decisions": [], "input_tokens": 1,
            "output_tokens": 1, "started_at": utcnow(), "latency_ms": 1.0}


async def verified(db: Database, mission_id: str) -> tuple[bool, int, list[int]]:
    async with db.sessions() as session:
        report = await service.verify_mission(session, mission_id)
        seqs = list(await session.scalars(select(Exchange.seq).where(Exchange.mission_id == mission_id)
                                          .order_by(Exchange.seq)))
    return report.ok, report.checked, seqs


async def test_concurrent_appends_are_grouped_and_chained(db: Database) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    recorder = Recorder(db)
    writes = 0
    write_once = recorder._write_once

    async def counted(mission: str, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nonlocal writes
        writes += 1
        return await write_once(mission, drafts)

    recorder._write_once = counted  # type: ignore[method-assign]
    stored = await asyncio.gather(*(recorder.append(draft(mission_id, str(tester.user_id), n)) for n in range(50)))
    assert [r["seq"] for r in stored] == list(range(1, 51))  # in arrival order
    assert writes < 50  # some shared a transaction
    assert await verified(db, mission_id) == (True, 50, list(range(1, 51)))


async def test_a_second_writer_on_the_same_database_does_not_fork_the_chain(db: Database) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    first, second = Recorder(db), Recorder(db)  # two server processes, each with its own head
    user = str(tester.user_id)
    for n in range(3):  # alternating: each writer's remembered head is stale every time
        await first.append(draft(mission_id, user, 2 * n))
        await second.append(draft(mission_id, user, 2 * n + 1))
    await asyncio.gather(*(w.append(draft(mission_id, user, 10 + n)) for n in range(20) for w in (first, second)))
    assert await verified(db, mission_id) == (True, 46, list(range(1, 47)))
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Exchange)) == 46
