"""Appends exchanges to their mission's chain, with group commit: requests that arrive while a write
is in flight are appended together in the next transaction, in arrival order, so the database cost
per exchange falls as load rises. Each caller still returns only once its record is committed.

One writer per mission in this process; the `(mission_id, seq)` unique key and a locked chain head
make a writer in another process retry rather than fork the chain.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from redhive.db.session import Database
from redhive.gateway.chain import GENESIS, record_hash
from redhive.gateway.models import ChainHead, Exchange

__all__ = ["Recorder"]

_RETRIES = 5
_EXCHANGES, _HEADS = cast(Table, Exchange.__table__), cast(Table, ChainHead.__table__)
_HEAD = select(_HEADS.c.seq, _HEADS.c.hash).with_for_update()

Pending = tuple[dict[str, Any], "asyncio.Future[dict[str, Any]]"]


class Recorder:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: defaultdict[str, list[Pending]] = defaultdict(list)
        self._writers: dict[str, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._heads: dict[str, tuple[int, str]] = {}  # (seq, hash) this writer last committed

    async def append(self, draft: dict[str, Any]) -> dict[str, Any]:
        """Store one exchange (all columns but seq, prev_hash and hash); returns the stored record."""
        mission_id = draft["mission_id"]
        done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[mission_id].append((draft, done))
        writer = self._writers.get(mission_id)
        if writer is None or writer.done():
            self._writers[mission_id] = asyncio.get_running_loop().create_task(self._write_all(mission_id))
        return await asyncio.shield(done)  # a caller that gives up does not cancel the write

    def append_soon(self, draft: dict[str, Any]) -> None:
        """Record from a place that cannot wait (a stream the client dropped): runs to completion
        in its own task, even if the request's task is cancelled."""
        task = asyncio.get_running_loop().create_task(self.append(draft))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for every pending append (shutdown, tests)."""
        while self._background or any(not w.done() for w in self._writers.values()):
            await asyncio.gather(*self._background, *self._writers.values(), return_exceptions=True)

    async def _write_all(self, mission_id: str) -> None:
        while self._pending[mission_id]:
            batch, self._pending[mission_id] = self._pending[mission_id], []
            try:
                records = await self._write(mission_id, [draft for draft, _ in batch])
            except Exception as exc:  # every waiting request learns that its record failed
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), record in zip(batch, records, strict=True):
                if not done.done():
                    done.set_result(record)

    async def _write(self, mission_id: str, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for attempt in range(_RETRIES):
            try:
                return await self._write_once(mission_id, drafts)
            except (IntegrityError, _HeadMoved):  # another process appended first: read the head again
                self._heads.pop(mission_id, None)
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    async def _write_once(self, mission_id: str, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Core statements on one connection, no ORM unit of work. The head this writer last wrote is
        # kept, so a batch is two statements: move the head only if it is still where it was left
        # (compare and set: another process's append makes it fail, and the batch is retried), then
        # one executemany insert. The head's row lock (PostgreSQL) or the write lock (SQLite) holds
        # other writers until the commit.
        async with self.db.engine.begin() as conn:
            known = self._heads.get(mission_id) or await _read_head(conn, mission_id)
            seq, prev = known or (0, GENESIS)
            records = []
            for draft in drafts:
                seq += 1
                record = {**draft, "seq": seq, "prev_hash": prev}
                record["hash"] = prev = record_hash(record)
                records.append(record)
            if known is None:  # a second process inserting the first head too fails on the primary key
                await conn.execute(insert(_HEADS).values(mission_id=mission_id, seq=seq, hash=prev))
            else:
                moved = await conn.execute(update(_HEADS).where(_HEADS.c.mission_id == mission_id,
                                                                _HEADS.c.seq == known[0]).values(seq=seq, hash=prev))
                if moved.rowcount != 1:
                    raise _HeadMoved
            await conn.execute(insert(_EXCHANGES), records)
        self._heads[mission_id] = (seq, prev)
        return records


class _HeadMoved(Exception):
    """The chain head is not where this writer left it: another process appended."""


async def _read_head(conn: AsyncConnection, mission_id: str) -> tuple[int, str] | None:
    row = (await conn.execute(_HEAD.where(_HEADS.c.mission_id == mission_id))).first()
    return None if row is None else (row.seq, row.hash)
