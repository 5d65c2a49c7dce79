"""A run split into shards that separate processes execute into one shared database.

A shard is a span of a plan's indices: of the attempt numbers of a probe run (`Plan.span`), or of
one monitor mode's episodes of an agent run (`plan_episodes`' order). A worker rebuilds the run
from its stored configuration, as `--resume` does, and runs the one runner on its span with the
run's limits, retries and scoring (`scan.run_part`, `agent_scan.run_part`). Its sink asks which
records are stored before executing a chunk, so a shard whose worker died runs again from where
the database says it stopped; the primary keys (run, attempt id) and (run, monitor mode, episode
id) with `ON CONFLICT DO NOTHING` keep any record from being stored twice, whoever writes it.

Nothing here imports Ray: `ray_executor` dispatches these functions to Ray workers."""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redhive.db.session import Database
from redhive.engine.execution import RunnerResult
from redhive.errors import RedhiveError
from redhive.runs import queries
from redhive.runs.lifecycle import ScanResult
from redhive.runs.store import SqlAttemptSink

if TYPE_CHECKING:
    from redhive.runs.agent_scan import PreparedAgentScan
    from redhive.runs.scan import PreparedScan

__all__ = ["Shard", "ShardFn", "ShardOutcome", "Sharded", "agent_work", "merge", "probe_work", "run_agent_shard",
           "run_shard", "spans"]

#: Shards per worker at most: a retried shard resumes from the database, so a dead worker costs
#: only what it had not written, whatever the shard's size; more shards per worker only balance
#: workers of unequal speed, and each costs its start (the run reopened) and its end (the last
#: round runs part-empty).
SHARDS_PER_WORKER = 2
#: A shard holds at least this many rounds of the run's concurrency.
ROUNDS_PER_SHARD = 16


@dataclass(frozen=True, slots=True)
class Shard:
    """Plan indices [first, end) of a probe run, or of one monitor mode of an agent run."""

    span: tuple[int, int]
    mode: str | None = None  # an agent run's monitor mode
    #: an agent shard's first episode `seq`: its mode's offset plus the span's start, so the
    #: shards of one run number their episodes in disjoint ranges
    seq: int = 0


@dataclass(slots=True)
class ShardOutcome:
    shard: Shard
    pid: int  # the worker process that ran it
    result: RunnerResult = field(default_factory=RunnerResult)
    error: RedhiveError | None = None  # a fatal target failure, or a run that cannot be reopened
    interrupted: bool = False


#: Runs one shard in a worker process: (database URL, busy timeout, run id, shard, key, workers).
ShardFn = Callable[[str, float, str, Shard, "str | None", int], Coroutine[Any, Any, ShardOutcome]]


@dataclass(frozen=True, slots=True)
class Sharded:
    """A recorded run as the Ray executor dispatches it, whatever its kind."""

    function: ShardFn  # `run_shard` or `run_agent_shard`, passed to the workers by reference
    parts: Sequence[tuple[str | None, int]]  # (monitor mode or None, plan size) of each part of the run
    concurrency: int
    api_key: str | None
    progress: Callable[[str], queries.Query]  # stored records by outcome, for the progress poll
    unit: str  # attempts | episodes

    def shards(self, workers: int) -> list[Shard]:
        out: list[Shard] = []
        offset = 0
        for mode, size in self.parts:
            out += [Shard(span, mode, offset + span[0]) for span in spans(size, workers, self.concurrency)]
            offset += size
        return out

    def describe(self, shard: Shard) -> str:
        first, end = shard.span
        mode = f" ({shard.mode} mode)" if shard.mode else ""
        return f"{self.unit.capitalize()} {first}-{end - 1}{mode}"


def probe_work(prepared: PreparedScan) -> Sharded:
    return Sharded(run_shard, [(None, prepared.plan.size)], prepared.config.concurrency, prepared.api_key,
                   queries.outcome_counts, "attempts")


def agent_work(prepared: PreparedAgentScan) -> Sharded:
    size = prepared.mode_size
    return Sharded(run_agent_shard, [(mode, size) for mode in prepared.config.monitor_modes],
                   prepared.config.concurrency, prepared.api_key, queries.episode_outcomes, "episodes")


def spans(plan_size: int, workers: int, concurrency: int) -> list[tuple[int, int]]:
    """Contiguous (first index, end index) spans covering the plan, as many for every worker (an
    odd one out would run alone at the end): one each, up to SHARDS_PER_WORKER each while every
    shard keeps ROUNDS_PER_SHARD rounds of `concurrency`."""
    if plan_size <= 0:
        return []
    per_worker = min(SHARDS_PER_WORKER, max(1, plan_size // (workers * concurrency * ROUNDS_PER_SHARD)))
    count = min(plan_size, workers * per_worker)
    edges = [plan_size * i // count for i in range(count + 1)]
    return list(itertools.pairwise(edges))


async def run_shard(url: str, busy_timeout: float, run_id: str, shard: Shard, api_key: str | None,
                    workers: int = 1) -> ShardOutcome:
    """Execute what the database lacks of a probe run's shard (in the worker's process), with the
    run's limits; a requests-per-minute quota is the account's, so each of the `workers` gets its
    share of it."""
    from redhive.runs.scan import build_targets, prepare_resume, run_part

    async def part(db: Database) -> ScanResult:
        prepared = await prepare_resume(db, run_id, api_key, rpm_share=workers)
        plan = dataclasses.replace(prepared.plan, span=shard.span)
        targets = build_targets(prepared.config, api_key)
        return await run_part(prepared, run_id, plan, targets, SqlAttemptSink(db, run_id))

    return await _in_worker(url, busy_timeout, shard, part)


async def run_agent_shard(url: str, busy_timeout: float, run_id: str, shard: Shard, api_key: str | None,
                          workers: int = 1) -> ShardOutcome:
    """Execute what the database lacks of an agent run's shard (one monitor mode, a span of its
    episodes) in the worker's process, as `run_shard` does for probe runs."""
    from redhive.runs.agent_scan import prepare_resume, run_part

    async def part(db: Database) -> ScanResult:
        prepared = await prepare_resume(db, run_id, api_key, rpm_share=workers)
        assert shard.mode is not None
        return await run_part(db, prepared, run_id, [shard.mode], span=shard.span, seq=shard.seq)

    return await _in_worker(url, busy_timeout, shard, part)


async def _in_worker(url: str, busy_timeout: float, shard: Shard,
                     part: Callable[[Database], Awaitable[ScanResult]]) -> ShardOutcome:
    """Run `part` on the worker's own connection to the shared database; how it ended, as an outcome."""
    outcome = ShardOutcome(shard, os.getpid())
    db = Database(url, busy_timeout=busy_timeout)
    try:
        done = await part(db)
        outcome.result, outcome.error = done.result, done.error
        outcome.interrupted = done.status == "interrupted"
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
