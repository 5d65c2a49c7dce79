"""Appends exchanges to their mission's chain: one writer at a time per mission in this process,
and the `(mission_id, seq)` unique key plus a locked chain head for any other writer."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from redhive.db.session import Database
from redhive.gateway.chain import GENESIS, record_hash
from redhive.gateway.models import ChainHead, Exchange

__all__ = ["Recorder"]


class Recorder:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._background: set[asyncio.Task[Any]] = set()

    async def append(self, draft: dict[str, Any]) -> dict[str, Any]:
        """Store one exchange (all columns but seq, prev_hash and hash); returns the stored record."""
        mission_id = draft["mission_id"]
        async with self._locks[mission_id]:
            for attempt in range(5):
                try:
                    return await self._append_once(mission_id, draft)
                except IntegrityError:  # another process appended first: read the new head, retry
                    if attempt == 4:
                        raise
        raise AssertionError("unreachable")

    def append_soon(self, draft: dict[str, Any]) -> None:
        """Record from a place that cannot wait (a stream the client dropped): runs to completion
        in its own task, even if the request's task is cancelled."""
        task = asyncio.get_running_loop().create_task(self.append(draft))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for background appends (shutdown, tests)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def _append_once(self, mission_id: str, draft: dict[str, Any]) -> dict[str, Any]:
        # Not db.session(): an IntegrityError must reach append() as itself, to retry.
        async with self.db.sessions() as session, session.begin():
            head = await session.scalar(
                select(ChainHead).where(ChainHead.mission_id == mission_id).with_for_update()
            )
            seq, prev = (head.seq + 1, head.hash) if head is not None else (1, GENESIS)
            record = {**draft, "seq": seq, "prev_hash": prev}
            record["hash"] = record_hash(record)
            session.add(Exchange(**record))
            if head is None:
                session.add(ChainHead(mission_id=mission_id, seq=seq, hash=record["hash"]))
            else:
                head.seq, head.hash = seq, record["hash"]
            await session.flush()
        return record
