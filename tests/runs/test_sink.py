"""The attempt sink's driver-level insert: what the ORM reads back is what the engine produced,
whatever the batch size, and a batch written twice is stored once. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from redhive.db.session import Database
from redhive.engine.records import AttemptRecord
from redhive.runs import service
from redhive.runs.models import Attempt
from redhive.runs.schemas import RunConfig, TargetConfig
from redhive.runs.store import SqlAttemptSink, _statement_sizes


def record(i: int, created_at: float) -> AttemptRecord:
    return AttemptRecord(
        id=f"{i:024x}", seq=i, suite="s", probe_id=f"p{i % 7}", risk_area="leak", attack="none",
        target="openai:m", repeat=i // 7, outcome="success" if i % 3 else "refused",
        prompt=f"prompt {i} with 'quotes', %s and ? marks", response=f"reply {i} \u00e9\u4e2d",
        error=None if i % 5 else "boom",
        evidence="", latency_ms=i / 3, input_tokens=i, output_tokens=2 * i, created_at=created_at,
    )


def test_statement_sizes_cover_every_row_with_few_shapes() -> None:
    shapes: set[int] = set()
    for rows in range(0, 1100):
        sizes = _statement_sizes(rows)
        assert sum(sizes) == rows
        shapes.update(sizes)
    assert shapes == {1, 2, 4, 8, 16, 32, 64, 128, 256}


async def test_batches_read_back_exactly_and_duplicates_are_ignored(db: Database) -> None:
    config = RunConfig(targets=[TargetConfig(spec="sim:naive")], suites=["core"], suite_fingerprints={},
                       attacks=["none"], repeats=1, concurrency=1, params={})
    async with db.session() as session:
        run = await service.open_run(session, "probe", config, 1000)
    sink = SqlAttemptSink(db, run.id, fresh=True)
    now = time.time()
    records = [record(i, now + i / 1000) for i in range(1000)]
    await sink.write(records[:1])
    await sink.write(records[1:300])   # 256 + 32 + 8 + 2 + 1
    await sink.write(records[300:])
    await sink.write(records[250:400])  # already stored: ignored, not duplicated
    async with db.session() as session:
        count = await session.scalar(select(func.count()).select_from(Attempt).where(Attempt.run_id == run.id))
        stored = {a.id: a for a in (await session.scalars(select(Attempt).where(Attempt.run_id == run.id)))}
    assert count == 1000
    for r in records:
        a = stored[r.id]
        assert (a.seq, a.probe_id, a.outcome, a.prompt, a.response, a.error, a.input_tokens, a.output_tokens) == (
            r.seq, r.probe_id, r.outcome, r.prompt, r.response, r.error, r.input_tokens, r.output_tokens)
        assert abs(a.latency_ms - r.latency_ms) < 1e-9
        when = a.created_at if a.created_at.tzinfo else a.created_at.replace(tzinfo=UTC)
        assert abs((when - datetime.fromtimestamp(r.created_at, UTC)).total_seconds()) < 1e-5
    assert await SqlAttemptSink(db, run.id).existing([r.id for r in records[:10]]) == {r.id for r in records[:10]}
