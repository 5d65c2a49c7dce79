"""Conversations stored turn by turn with their attempts, read back in order, exported, and
resumed without duplicates. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from redhive.db.session import Database
from redhive.reports.exports import write_jsonl
from redhive.runs import scan as scans
from redhive.runs import service
from redhive.runs.models import Attempt
from redhive.runs.schemas import StrategyConfig, TargetConfig
from redhive.runs.turns import Turn


def prepare(names: list[str], targets: list[str]) -> scans.PreparedScan:
    strategy = StrategyConfig(names=names, attacker=TargetConfig(spec="sim:attacker"), limits={"max_turns": 6})
    return scans.prepare_scan(targets=[TargetConfig(spec=t) for t in targets], suites=["core"], attacks=None,
                              repeats=1, concurrency=8, params={}, api_key=None, strategy=strategy,
                              judge=TargetConfig(spec="sim:judge"))


async def test_turns_are_stored_and_read_back_in_order(db: Database, tmp_path: Path) -> None:
    prepared = prepare(["crescendo", "tap"], ["sim:guarded", "sim:hardened"])
    result = await scans.execute(db, prepared)
    assert result.status == "completed"
    expected = result.result.counts.attempts
    async with db.session() as session:
        stored = [(a, turns) async for a, turns in service.iter_attempts_with_turns(session, result.run_id)]
        total_turns = await session.scalar(select(func.count()).select_from(Turn).where(Turn.run_id == result.run_id))
        summary = await service.summarise(session, result.run_id)
    assert len(stored) == expected == prepared.plan.size
    assert [a.seq for a, _ in stored] == sorted(a.seq for a, _ in stored)
    assert sum(len(t) for _, t in stored) == total_turns > 0
    for attempt, turns in stored:
        assert turns and [t.idx for t in turns] == list(range(len(turns)))
        assert attempt.response == next(t.content for t in reversed(turns) if t.role == "assistant")
    tap = next(turns for a, turns in stored if a.attack == "tap" and a.target == "sim:guarded")
    assert any(t.note == "pruned (off-topic)" for t in tap) and any("." in t.branch for t in tap)
    guarded = {r.key["attack"]: r for r in summary.attacks if r.key["target"] == "sim:guarded"}
    hardened = {r.key["attack"]: r for r in summary.attacks if r.key["target"] == "sim:hardened"}
    assert guarded["crescendo"].successes == guarded["crescendo"].attempts > 0
    assert guarded["tap"].successes == guarded["tap"].attempts
    assert hardened["crescendo"].successes == hardened["tap"].successes == 0

    out = tmp_path / "run.jsonl"
    assert await write_jsonl(db, result.run_id, out) == expected
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    first_attempt, first_turns = stored[0]
    assert rows[0]["id"] == first_attempt.id
    assert [t["content"] for t in rows[0]["turns"]] == [t.content for t in first_turns]

    async with db.session() as session:
        some = await service.turns_of(session, result.run_id, [first_attempt.id])
    assert [t.idx for t in some[first_attempt.id]] == [t.idx for t in first_turns]


async def test_resume_of_a_multi_turn_run_adds_no_duplicate_turns(db: Database) -> None:
    prepared = prepare(["crescendo"], ["sim:guarded"])
    first = await scans.execute(db, prepared)
    async with db.session() as session:
        before = await session.scalar(select(func.count()).select_from(Turn).where(Turn.run_id == first.run_id))
        doomed = (await session.execute(
            select(Attempt.id).where(Attempt.run_id == first.run_id).order_by(Attempt.seq.desc()).limit(3)
        )).scalars().all()
        for attempt_id in doomed:  # a crash lost these conversations (turns go with their attempt)
            await session.delete(await session.get(Attempt, (first.run_id, attempt_id)))
        await service.finish_run(session, first.run_id, "interrupted")
    async with db.session() as session:
        lost = await session.scalar(select(func.count()).select_from(Turn).where(Turn.run_id == first.run_id))
    assert lost is not None and before is not None and lost < before
    resumed = await scans.execute(db, await scans.prepare_resume(db, first.run_id, None))
    assert resumed.status == "completed" and resumed.result.counts.attempts == 3
    assert resumed.result.skipped == prepared.plan.size - 3
    async with db.session() as session:
        after = await session.scalar(select(func.count()).select_from(Turn).where(Turn.run_id == first.run_id))
        attempts = await service.count_attempts(session, first.run_id)
    assert after == before and attempts == prepared.plan.size
