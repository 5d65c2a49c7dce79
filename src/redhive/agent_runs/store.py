"""The episode sink: finished episodes are turned into rows at once (the trace is not kept in
memory) and written in batches, each batch one transaction, duplicates ignored."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from redhive.agent_runs.models import AgentEpisode
from redhive.db.session import Database
from redhive.engine.agentic.facts import EpisodeFacts
from redhive.engine.agentic.state import canonical_json
from redhive.engine.agentic.trace import Episode

__all__ = ["EpisodeStore", "episode_row"]

_table: Table = AgentEpisode.__table__  # type: ignore[assignment]


def episode_row(run_id: str, seq: int, ep: Episode) -> dict[str, Any]:
    return {
        "run_id": run_id, "monitor_mode": ep.monitor_mode, "id": ep.id, "seq": seq, "env": ep.env,
        "user_task": ep.user_task, "injection_task": ep.injection_task, "attack": ep.attack, "target": ep.target,
        "repeat": ep.repeat, "status": ep.status, "utility": ep.utility, "injection_success": ep.injection_success,
        "steps": len(ep.steps), "duration_ms": ep.duration_ms, "facts": EpisodeFacts.of(ep).to_dict(),
        "trace": canonical_json(ep.to_dict()), "seal": ep.seal,
        "created_at": datetime.fromtimestamp(ep.started_at or 0, UTC),
    }


class EpisodeStore:
    """`add(episode)` from the scan's callback; a background task writes every `interval` seconds
    or every `batch` episodes, so a killed process loses at most the last fraction of a second."""

    def __init__(self, db: Database, run_id: str, *, first_seq: int = 0, batch: int = 64,
                 interval: float = 0.2) -> None:
        self.db = db
        self.run_id = run_id
        self.batch = batch
        self.interval = interval
        self.written = 0
        self._seq = first_seq
        self._rows: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        insert = sqlite_insert if db.is_sqlite else pg_insert
        self._insert = insert(_table).on_conflict_do_nothing(index_elements=["run_id", "monitor_mode", "id"])

    def add(self, ep: Episode) -> None:
        self._rows.append(episode_row(self.run_id, self._seq, ep))
        self._seq += 1
        if len(self._rows) >= self.batch:
            self._wake.set()

    async def flush(self) -> None:
        async with self._lock:
            rows, self._rows = self._rows, []
            if not rows:
                return
            async with self.db.session() as session:
                await session.execute(self._insert, rows)
            self.written += len(rows)

    async def __aenter__(self) -> EpisodeStore:
        self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Stop the writer between batches, never inside one (a cancelled write would hold the
        # database's lock), then write what is left: what finished is kept, even on Ctrl-C.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self.flush()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except TimeoutError:
                pass
            self._wake.clear()
            await asyncio.shield(self.flush())
