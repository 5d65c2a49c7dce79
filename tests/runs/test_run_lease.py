"""A run is leased to the process executing it: a second process resuming it is refused in one
sentence instead of redoing the same work; a lease whose process is gone (same host) or whose time
has passed is taken over, and of two processes taking one lease at once exactly one wins."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import update

from redhive.db.session import Database
from redhive.errors import Conflict
from redhive.kit import utcnow
from redhive.runs import service
from redhive.runs.lease import this_process
from redhive.runs.models import Run
from redhive.runs.schemas import RunConfig, TargetConfig

CONFIG = RunConfig(targets=[TargetConfig(spec="sim:naive")], suites=["core"], suite_fingerprints={}, attacks=["none"])


async def held_by(db: Database, run_id: str, holder: str | None, seconds: float) -> None:
    async with db.session() as session:
        await session.execute(update(Run).where(Run.id == run_id).values(
            holder=holder, held_until=utcnow() + timedelta(seconds=seconds)))


async def resume(db: Database, run_id: str) -> Run:
    async with db.session() as session:
        return await service.open_run(session, "probe", CONFIG, 1, run_id)


async def test_a_live_holder_is_refused_and_a_gone_one_is_taken_over(db: Database) -> None:
    async with db.session() as session:
        run = await service.open_run(session, "probe", CONFIG, 1)
        run_id = run.id
        assert run.holder == this_process() and run.held_until is not None
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        await held_by(db, run_id, f"{socket.gethostname()}:{other.pid}", 30)
        with pytest.raises(Conflict, match=rf"Run {run_id} is being executed by another process "
                                           rf"\({socket.gethostname()}:{other.pid}\)"):
            await resume(db, run_id)
    finally:
        other.kill()
        other.wait()
    assert (await resume(db, run_id)).holder == this_process()  # its process is gone: taken over at once

    await held_by(db, run_id, "elsewhere.example:4242", 30)  # another host: its lease must lapse first
    with pytest.raises(Conflict, match="elsewhere.example:4242"):
        await resume(db, run_id)
    await held_by(db, run_id, "elsewhere.example:4242", -1)
    assert (await resume(db, run_id)).holder == this_process()
    async with db.session() as session:
        finished = await service.finish_run(session, run_id, "completed")
        assert finished.holder is None and finished.held_until is None


async def test_two_processes_taking_one_lease_at_once_one_wins(db: Database,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    async with db.session() as session:
        run_id = (await service.open_run(session, "probe", CONFIG, 1)).id
    await held_by(db, run_id, "elsewhere.example:1", -1)  # lapsed: both may take it
    read, both_read = service.get_run, asyncio.Barrier(2)

    async def read_then_wait(*args: object) -> Run:  # both read the lapsed holder before either writes
        run = await read(*args)  # type: ignore[arg-type]
        await both_read.wait()
        return run

    names = iter(["host-a.example:1", "host-b.example:2"])
    monkeypatch.setattr(service, "get_run", read_then_wait)
    monkeypatch.setattr(service, "this_process", lambda: next(names))
    outcomes = await asyncio.gather(resume(db, run_id), resume(db, run_id), return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Run"], outcomes
    winner = next(o for o in outcomes if isinstance(o, Run))
    loser = next(o for o in outcomes if isinstance(o, Conflict))
    assert winner.holder in str(loser)
