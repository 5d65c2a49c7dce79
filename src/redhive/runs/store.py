"""The database sink: attempts written in batches, each batch one transaction with the batch's
conversation turns, duplicates ignored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from redhive.db.session import Database
from redhive.engine.records import AttemptRecord
from redhive.runs.models import Attempt
from redhive.runs.turns import Turn

__all__ = ["SqlAttemptSink"]

_table: Table = Attempt.__table__  # type: ignore[assignment]
_turns: Table = Turn.__table__  # type: ignore[assignment]


class SqlAttemptSink:
    def __init__(self, db: Database, run_id: str) -> None:
        self.db = db
        self.run_id = run_id
        insert = sqlite_insert if db.is_sqlite else pg_insert
        self._insert = insert(_table).on_conflict_do_nothing(index_elements=["run_id", "id"])
        self._insert_turns = insert(_turns).on_conflict_do_nothing(index_elements=["run_id", "attempt_id", "idx"])

    async def existing(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        async with self.db.session() as session:
            rows = await session.execute(
                select(Attempt.id).where(Attempt.run_id == self.run_id, Attempt.id.in_(list(ids)))
            )
            return set(rows.scalars())

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        if not records:
            return
        rows = [self._row(r) for r in records]
        turns = [{**t.as_dict(), "idx": t.index, "run_id": self.run_id, "attempt_id": r.id}
                 for r in records for t in r.turns]
        for turn in turns:
            del turn["index"]
        async with self.db.session() as session:  # one transaction: an attempt never lacks its turns
            await session.execute(self._insert, rows)
            if turns:
                await session.execute(self._insert_turns, turns)

    def _row(self, r: AttemptRecord) -> dict[str, Any]:
        row = r.as_dict()
        row["run_id"] = self.run_id
        row["created_at"] = datetime.fromtimestamp(r.created_at, UTC)
        return row
