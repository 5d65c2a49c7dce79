"""The lease the process executing a run holds: a second process resuming the run is refused
rather than redoing the same work (one process per run; to spread a run over processes or
machines, `scan --executor ray`, whose workers each take a shard)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy import update

from redhive.db.session import Database
from redhive.kit import utcnow
from redhive.kit.clock import as_utc
from redhive.runs.models import Run

__all__ = ["LEASE", "hold", "lapsed", "this_process"]

#: How long a run's lease holds without a renewal: the process renews it every third of that, so
#: a lease held by a process that died lapses within it (at once on the same host, see `lapsed`).
LEASE = timedelta(seconds=30)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lapsed(run: Run) -> bool:
    """Whether nobody else holds the run now: no holder, this process, a lease past its time, or
    a holder on this host whose process is gone (a kill -9 leaves its lease behind)."""
    if run.holder is None or run.held_until is None or run.holder == this_process():
        return True
    if as_utc(run.held_until) <= utcnow():
        return True
    host, _, pid = run.holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


@contextlib.asynccontextmanager
async def hold(db: Database, run_id: str) -> AsyncIterator[None]:
    """Renew this process's lease on the run while the block runs."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(LEASE.total_seconds() / 3)
            async with db.session() as session:
                await session.execute(update(Run).where(Run.id == run_id, Run.holder == this_process())
                                      .values(held_until=utcnow() + LEASE).execution_options(synchronize_session=False))

    task = asyncio.create_task(renew())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
