"""The database sink: attempts written in batches, each batch one transaction, duplicates ignored."""

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

__all__ = ["SqlAttemptSink"]

_table: Table = Attempt.__table__  # type: ignore[assignment]


class SqlAttemptSink:
    def __init__(self, db: Database, run_id: str) -> None:
        self.db = db
        self.run_id = run_id
        insert = sqlite_insert if db.is_sqlite else pg_insert
        self._insert = insert(_table).on_conflict_do_nothing(index_elements=["run_id", "id"])

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
        async with self.db.session() as session:
            await session.execute(self._insert, rows)

    def _row(self, r: AttemptRecord) -> dict[str, Any]:
        row = r.as_dict()
        row["run_id"] = self.run_id
        row["created_at"] = datetime.fromtimestamp(r.created_at, UTC)
        return row
