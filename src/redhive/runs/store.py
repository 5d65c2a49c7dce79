"""The database sink: attempts written in batches, each batch one transaction with the batch's
conversation turns, duplicates ignored.

Attempt rows go in as multi-row `INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING` statements with
positional parameters straight to the driver (the same text on SQLite and PostgreSQL but for the
placeholder): SQLAlchemy's compiled insert processed every row's parameters in Python and cost
more than the rest of the engine's bookkeeping per attempt (bench/README.md, decision D11).
created_at goes through the column type's own bind processor, so what is stored is exactly what
the ORM would store."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Dialect

from redhive.db.session import Database
from redhive.engine.records import AttemptRecord
from redhive.runs.models import Attempt
from redhive.runs.turns import Turn

__all__ = ["SqlAttemptSink"]

_table: Table = Attempt.__table__  # type: ignore[assignment]
_turns: Table = Turn.__table__  # type: ignore[assignment]


class SqlAttemptSink:
    def __init__(self, db: Database, run_id: str, *, fresh: bool = False) -> None:
        """`fresh`: the run was created just now, so nothing of it is stored yet and `existing`
        need not ask the database (a resumed run asks, chunk by chunk)."""
        self.db = db
        self.run_id = run_id
        self.fresh = fresh
        self._insert_turns = db.insert(_turns).on_conflict_do_nothing(index_elements=["run_id", "attempt_id", "idx"])
        self._sql, self._to_created_at = _attempt_insert(db.engine.dialect)

    async def existing(self, ids: Sequence[str]) -> set[str]:
        if not ids or self.fresh:
            return set()
        async with self.db.session() as session:
            rows = await session.execute(
                select(Attempt.id).where(Attempt.run_id == self.run_id, Attempt.id.in_(list(ids)))
            )
            return set(rows.scalars())

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        if not records:
            return
        run_id, created_at = self.run_id, self._to_created_at
        rows = [(run_id, r.id, r.seq, r.suite, r.probe_id, r.risk_area, r.kind, r.attack, r.target, r.repeat, r.outcome,
                 r.prompt, r.response, r.error, r.evidence, r.latency_ms, r.input_tokens, r.output_tokens,
                 created_at(datetime.fromtimestamp(r.created_at, UTC))) for r in records]
        turns = [{**t.as_dict(), "idx": t.index, "run_id": self.run_id, "attempt_id": r.id}
                 for r in records for t in r.turns]
        for turn in turns:
            del turn["index"]
        async with self.db.session() as session:  # one transaction: an attempt never lacks its turns
            connection = await session.connection()
            start = 0
            for size in _statement_sizes(len(rows)):
                chunk = rows[start:start + size]
                start += size
                await connection.exec_driver_sql(self._sql(size), tuple(itertools.chain.from_iterable(chunk)))
            if turns:
                await session.execute(self._insert_turns, turns)


#: Rows per INSERT: 19 parameters each stays far below SQLite's (32,766) and PostgreSQL's (65,535) limits.
_ROWS_PER_STATEMENT = 256
#: The attempts table's columns in the order `SqlAttemptSink.write` builds its tuples.
_COLUMNS = ("run_id", "id", "seq", "suite", "probe_id", "risk_area", "kind", "attack", "target", "repeat", "outcome",
            "prompt", "response", "error", "evidence", "latency_ms", "input_tokens", "output_tokens", "created_at")


def _statement_sizes(rows: int) -> list[int]:
    """Rows per statement: full statements, then the rest in powers of two. Only nine statement
    shapes ever exist, so the driver's cache of prepared statements (each a large program at
    256 rows) stays small whatever the batch sizes are."""
    full, rest = divmod(rows, _ROWS_PER_STATEMENT)
    return [_ROWS_PER_STATEMENT] * full + [1 << bit for bit in reversed(range(rest.bit_length())) if rest >> bit & 1]


def _attempt_insert(dialect: Dialect) -> tuple[Callable[[int], str], Callable[[datetime], Any]]:
    """For `dialect`: the insert of n attempt rows as one statement (one VALUES list: the driver
    steps once per batch, not once per row, so the writer thread does not hand the GIL back and
    forth with the event loop on every row), and the created_at conversion it needs."""
    assert set(_COLUMNS) == set(_table.columns.keys()), "the attempts table and _COLUMNS disagree"
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    head = f"INSERT INTO {_table.name} ({', '.join(_COLUMNS)}) VALUES "
    one = "(" + ", ".join([mark] * len(_COLUMNS)) + ")"

    @functools.lru_cache(maxsize=16)
    def sql(rows: int) -> str:
        return head + ", ".join([one] * rows) + " ON CONFLICT (run_id, id) DO NOTHING"

    process = _table.c.created_at.type.bind_processor(dialect)  # SQLite: text; PostgreSQL: as is
    return sql, process or (lambda value: value)
