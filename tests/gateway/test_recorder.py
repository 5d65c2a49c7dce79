"""The recorder's group commit and its chain head: concurrent appends share transactions, and a
second writer on the same database (another server process) neither forks nor breaks the chain;
its journal: what a crashed server answered is recorded at the next start, once and in order."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.gateway.conftest import build_world

from redhive.db.session import Database
from redhive.gateway import journal as journal_module
from redhive.gateway import service
from redhive.gateway.journal import Journal
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


async def test_a_crashed_servers_journal_is_recorded_at_the_next_start(db: Database, tmp_path: Path) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    user = str(tester.user_id)
    folder = tmp_path / "journal"
    committed = draft(mission_id, user, 0)
    await Recorder(db).append(committed)  # committed before the crash: not recorded twice
    crashed = Journal(folder)  # a server answered these, journaled them, and died before committing
    lost = [draft(mission_id, user, n) for n in range(1, 4)]
    for d in [committed, *lost]:
        crashed.write(d)
    os.write(crashed._current.fd, b'{"id": "torn')  # killed in the middle of a write: that request got no answer
    running = Journal(folder)  # a neighbour that is still serving: its journal is left alone
    running.write(draft(mission_id, user, 9))
    crashed._current.unsaved = 1  # as its process left it: not committed, so close() keeps the file
    crashed_path = crashed.paths[0]
    crashed.close()

    restarted = Recorder(db, journal=folder)
    assert await restarted.recover() == 3
    assert await verified(db, mission_id) == (True, 4, [1, 2, 3, 4])
    async with db.sessions() as session:
        ids = list(await session.scalars(select(Exchange.id).order_by(Exchange.seq)))
    assert ids == [committed["id"], *[d["id"] for d in lost]]  # in the order they were answered
    assert not crashed_path.exists() and running.paths[0].exists()
    await restarted.aclose()
    running.close()


async def test_a_journaled_record_returns_before_its_commit_and_is_committed_after(db: Database,
                                                                                  tmp_path: Path) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    recorder = Recorder(db, journal=tmp_path / "journal")
    for n in range(5):
        await recorder.record(draft(mission_id, str(tester.user_id), n))
    journal = recorder._journal
    assert journal is not None and journal.paths[0].stat().st_size > 0  # on file before any commit
    await recorder.drain()
    assert await verified(db, mission_id) == (True, 5, [1, 2, 3, 4, 5])
    await recorder.aclose()
    assert not list((tmp_path / "journal").iterdir())  # everything committed: a clean shutdown leaves none


async def test_a_busy_journal_does_not_grow(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    monkeypatch.setattr(journal_module, "_SEGMENT_BYTES", 2_000)  # a few exchanges a file
    folder = tmp_path / "journal"
    recorder = Recorder(db, journal=folder)
    for n in range(150):  # never idle: each exchange arrives before the one before it is committed
        await recorder.record(draft(mission_id, str(tester.user_id), n))
        if n % 3 == 2:
            await asyncio.sleep(0.004)
        assert len(list(folder.iterdir())) <= 10  # full, committed files go while the load goes on (~25 in all)
    await recorder.drain()
    assert len(list(folder.iterdir())) == 1  # only the file being written
    assert await verified(db, mission_id) == (True, 150, list(range(1, 151)))
    await recorder.aclose()


async def test_exchanges_whose_commit_fails_stay_in_the_journal_for_the_next_start(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    folder = tmp_path / "journal"
    recorder = Recorder(db, journal=folder)

    async def database_gone(*args: Any) -> Any:
        raise OSError("disk I/O error")

    monkeypatch.setattr(recorder, "_write_once", database_gone)
    drafts = [draft(mission_id, str(tester.user_id), n) for n in range(3)]
    for d in drafts:
        await recorder.record(d)  # the answers leave: each is on file
    await recorder.drain()
    assert "3 exchanges could not be committed (disk I/O error)" in caplog.text
    await recorder.aclose()
    assert len(list(folder.iterdir())) == 1  # kept at shutdown, not removed
    restarted = Recorder(db, journal=folder)
    assert await restarted.recover() == 3
    assert await verified(db, mission_id) == (True, 3, [1, 2, 3])
    await restarted.aclose()
    assert not list(folder.iterdir())
