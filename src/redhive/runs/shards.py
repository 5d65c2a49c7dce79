"""A run split into shards that separate processes execute into one shared database.

A shard is a span of the plan's attempt numbers (`Plan.span`). A worker rebuilds the run from its
stored configuration, as `--resume` does, and runs the one runner (`scan.run_part`) on its span
with the run's limits, retries and scoring. Its sink asks which attempts are stored before
executing a chunk, so a shard whose worker died runs again from where the database says it
stopped; the attempts' primary key (run, attempt id = hash of suite, probe, attack, target,
repeat) and `ON CONFLICT DO NOTHING` keep any attempt from being stored twice, whoever writes it.

Nothing here imports Ray: `ray_executor` dispatches these functions to Ray workers."""

from __future__ import annotations

import dataclasses
import itertools
import os
from dataclasses import dataclass, field

from redhive.db.session import Database
from redhive.engine.runner import RunnerResult
from redhive.errors import RedhiveError
from redhive.runs.store import SqlAttemptSink

__all__ = ["ShardOutcome", "merge", "run_shard", "spans"]

#: Shards per worker at most: a retried shard resumes from the database, so a dead worker costs
#: only what it had not written, whatever the shard's size; more shards per worker only balance
#: workers of unequal speed, and each costs its start (the run reopened) and its end (the last
#: round runs part-empty).
SHARDS_PER_WORKER = 2
#: A shard holds at least this many rounds of the run's concurrency.
ROUNDS_PER_SHARD = 16


@dataclass(slots=True)
class ShardOutcome:
    span: tuple[int, int]
    pid: int  # the worker process that ran it
    result: RunnerResult = field(default_factory=RunnerResult)
    error: RedhiveError | None = None  # a fatal target failure, or a run that cannot be reopened
    interrupted: bool = False


def spans(plan_size: int, workers: int, concurrency: int) -> list[tuple[int, int]]:
    """Contiguous (first seq, end seq) spans covering the plan, as many for every worker (an odd
    one out would run alone at the end): one each, up to SHARDS_PER_WORKER each while every shard
    keeps ROUNDS_PER_SHARD rounds of `concurrency`."""
    if plan_size <= 0:
        return []
    per_worker = min(SHARDS_PER_WORKER, max(1, plan_size // (workers * concurrency * ROUNDS_PER_SHARD)))
    count = min(plan_size, workers * per_worker)
    edges = [plan_size * i // count for i in range(count + 1)]
    return list(itertools.pairwise(edges))


async def run_shard(url: str, busy_timeout: float, run_id: str, span: tuple[int, int],
                    api_key: str | None, workers: int = 1) -> ShardOutcome:
    """Execute what the database lacks of `span` of run `run_id` (in the worker's process), with
    the run's limits; a requests-per-minute quota is the account's, so each of the `workers` gets
    its share of it."""
    from redhive.runs.scan import build_targets, prepare_resume, run_part

    outcome = ShardOutcome(span, os.getpid())
    db = Database(url, busy_timeout=busy_timeout)
    try:
        prepared = await prepare_resume(db, run_id, api_key, rpm_share=workers)
        plan = dataclasses.replace(prepared.plan, span=span)
        targets = build_targets(prepared.config, api_key)
        part = await run_part(prepared, run_id, plan, targets, SqlAttemptSink(db, run_id))
        outcome.result, outcome.error = part.result, part.error
        outcome.interrupted = part.status == "interrupted"
    except RedhiveError as exc:
        outcome.error = exc
    finally:
        await db.dispose()
    return outcome


def merge(total: RunnerResult, part: RunnerResult) -> None:
    """Add one shard's counts to the run's."""
    total.outcomes.update(part.outcomes)
    total.skipped += part.skipped
    total.usage.add(part.usage)
    total.retries += part.retries
