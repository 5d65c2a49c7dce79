"""The episode sink of the one runner: an agent run's finished episodes written in batches, each
batch one transaction, duplicates ignored; a resumed run asks which ids of a mode are stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, func, select

from redhive.db.session import Database
from redhive.engine.agentic.facts import EpisodeFacts
from redhive.engine.agentic.state import canonical_json
from redhive.engine.agentic.trace import Episode
from redhive.runs.models import AgentEpisode

__all__ = ["SqlEpisodeSink", "episode_row"]

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


class SqlEpisodeSink:
    """The episodes of one monitor mode of `run_id`; `seq` numbers them in the order they finish,
    after what the run holds already, or (`seq` = [first, end), a shard's range: `runs.shards`)
    after what the run holds in that range, so shards written at once by separate processes
    never number two episodes alike."""

    def __init__(self, db: Database, run_id: str, monitor_mode: str, *, seq: tuple[int, int] | None = None) -> None:
        self.db = db
        self.run_id = run_id
        self.monitor_mode = monitor_mode
        self.range = seq
        self._seq: int | None = None
        self._insert = db.insert(_table).on_conflict_do_nothing(index_elements=["run_id", "monitor_mode", "id"])

    async def existing(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        async with self.db.session() as session:
            rows = await session.execute(select(AgentEpisode.id).where(
                AgentEpisode.run_id == self.run_id, AgentEpisode.monitor_mode == self.monitor_mode,
                AgentEpisode.id.in_(list(ids))))
            return set(rows.scalars())

    async def write(self, records: Sequence[Episode]) -> None:
        if not records:
            return
        async with self.db.session() as session:  # one transaction per batch
            if self._seq is None:
                stored = select(func.count()).select_from(AgentEpisode).where(AgentEpisode.run_id == self.run_id)
                if self.range is not None:
                    first, end = self.range
                    stored = stored.where(AgentEpisode.seq >= first, AgentEpisode.seq < end)
                self._seq = int(await session.scalar(stored) or 0) + (self.range[0] if self.range else 0)
            rows = [episode_row(self.run_id, self._seq + n, ep) for n, ep in enumerate(records)]
            self._seq += len(rows)
            await session.execute(self._insert, rows)
