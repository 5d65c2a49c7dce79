"""The one runner: executes an evaluation's items with bounded concurrency and streams the finished
records to a sink in batches (memory stays flat), whatever the items are. Probe attempts (single
requests, scripted sequences, multi-turn strategies: `runner.ProbeEvaluation`) and agent episodes
(`agentic.evaluation.EpisodeEvaluation`) are its kinds, so both get the same limits, retries
(through their targets' `TargetGate`), resume, batching, progress and metrics.

Resume: the items are walked in chunks and ids already in the sink are skipped, so a run killed at
any point re-executes only what was never stored. A fatal target failure (bad credentials, an
endpoint that cannot be reached after retries) stops the run after storing what finished.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from redhive.engine.stats import OutcomeCounts
from redhive.engine.tracing import current_attempt
from redhive.engine.types import Usage
from redhive.errors import TargetError

if TYPE_CHECKING:
    from redhive.engine.metrics import RunnerMetrics

__all__ = ["Evaluation", "Execution", "Finished", "Item", "RunnerResult", "Sink"]

RecordT = TypeVar("RecordT")
RecordIn = TypeVar("RecordIn", contravariant=True)
ItemT = TypeVar("ItemT", bound="Item")


class Item(Protocol):
    """A unit of planned work; `id` is deterministic within its run (resume skips stored ids)."""

    @property
    def id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Finished:
    """What the runner counts and measures of a finished record, whatever its kind."""

    target: str
    kind: str  # attack | control for probes, episode for agent episodes
    outcome: str  # success | refused | resisted | unscorable | error; an episode's status
    seconds: float
    input_tokens: int = 0
    output_tokens: int = 0


class Evaluation(Protocol[ItemT, RecordT]):
    """A kind of work the runner executes."""

    def items(self) -> Iterator[ItemT]:
        """Every item of the plan, in a stable order."""
        ...

    def size(self) -> int:
        """How many items `items()` yields (asked only when metrics are kept)."""
        ...

    async def execute(self, item: ItemT) -> RecordT | None:
        """The item's record, or None when it waits to be finished in a batch (`drain`). Raises
        a TargetError only for a failure that must stop the run (`errors.is_fatal`)."""
        ...

    def drain(self) -> list[RecordT]:
        """The records that waited, now finished (scored as a batch just before they are written)."""
        ...

    def finished(self, record: RecordT) -> Finished: ...

    def usage(self) -> Usage:
        """The tokens the evaluation has spent so far."""
        ...

    def retries(self) -> int:
        """Requests retried after a transient failure so far."""
        ...

    async def aclose(self) -> None: ...


class Sink(Protocol[RecordIn]):
    """Where a run's records go (the database for the CLI and server, memory for the library)."""

    async def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of these ids are already stored (for resume)."""
        ...

    async def write(self, records: Sequence[RecordIn]) -> None:
        """Store a batch durably; ids already stored are ignored, never duplicated."""
        ...


@dataclass(slots=True)
class RunnerResult:
    #: finished records by outcome (an attempt's outcome, an episode's status)
    outcomes: collections.Counter[str] = field(default_factory=collections.Counter)
    skipped: int = 0  # already stored before this invocation (resume)
    usage: Usage = field(default_factory=Usage)
    retries: int = 0

    @property
    def counts(self) -> OutcomeCounts:
        """The probe outcomes as the statistics count them."""
        return OutcomeCounts(**{name: self.outcomes[name] for name in OutcomeCounts.__dataclass_fields__})

    @property
    def finished(self) -> int:
        return sum(self.outcomes.values())


class Execution(Generic[ItemT, RecordT]):
    def __init__(
        self,
        evaluation: Evaluation[ItemT, RecordT],
        sink: Sink[RecordT],
        *,
        concurrency: int = 32,
        batch_size: int = 1024,
        flush_interval: float = 0.5,
        chunk_size: int = 2048,
        on_progress: Callable[[RecordT], None] | None = None,
        metrics: RunnerMetrics | None = None,
        result: RunnerResult | None = None,
    ) -> None:
        """`result`: counts to add to (one run executed in parts, such as an agent run's modes)."""
        self.evaluation = evaluation
        self.sink = sink
        self.concurrency = max(1, concurrency)
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.chunk_size = chunk_size
        self.on_progress = on_progress
        self.metrics = metrics
        self.result = result if result is not None else RunnerResult()
        self._buffer: list[RecordT] = []
        self._waiting = 0  # records the evaluation holds for its batch
        self._flush_lock = asyncio.Lock()
        self._fatal: TargetError | None = None
        self._planned = 0

    async def run(self) -> RunnerResult:
        feed: _Feed[ItemT] = _Feed(self.evaluation.items(), self.sink, self.chunk_size, self.result)
        if self.metrics is not None:
            self._planned = self.evaluation.size()
            self.metrics.pending.set(self._planned)
        workers = [asyncio.create_task(self._work(feed)) for _ in range(self.concurrency)]
        flusher = asyncio.create_task(self._flush_periodically())
        try:
            await asyncio.gather(*workers)
        finally:
            for task in (*workers, flusher):
                task.cancel()
            await asyncio.gather(*workers, flusher, return_exceptions=True)
            await asyncio.shield(self._flush())
            await self.evaluation.aclose()
            self.result.usage.add(self.evaluation.usage())
            self.result.retries += self.evaluation.retries()
        if self._fatal is not None:
            raise self._fatal
        return self.result

    async def _work(self, feed: _Feed[ItemT]) -> None:
        while self._fatal is None:
            item = feed.take()
            if item is None:
                item = await feed.refill()
                if item is None:
                    return
            current_attempt.set(item.id)
            feed.started += 1
            if self.metrics is not None:
                self.metrics.pending.set(max(0, self._planned - self.result.skipped - feed.started))
            try:
                record = await self.evaluation.execute(item)
            except TargetError as exc:  # fatal: the evaluation keeps the others as error records
                self._fatal = self._fatal or exc
                return
            if record is None:
                self._waiting += 1
            else:
                self._finish(record)
            if len(self._buffer) + self._waiting >= self.batch_size:
                await asyncio.shield(self._flush())

    def _finish(self, record: RecordT) -> None:
        done = self.evaluation.finished(record)
        self.result.outcomes[done.outcome] += 1
        if self.metrics is not None:
            self.metrics.finished(done.target, done.kind, done.outcome, done.seconds, done.input_tokens,
                                  done.output_tokens)
        self._buffer.append(record)
        if self.on_progress is not None:
            self.on_progress(record)

    async def _flush(self) -> None:
        """Finish what waits for its batch, then write the buffer as one batch. Callers shield it:
        a write cancelled half-way would lose the batch (already out of the buffer) and could leave
        SQLite's write lock held."""
        drained = self.evaluation.drain()
        self._waiting = 0
        for record in drained:
            self._finish(record)
        async with self._flush_lock:
            if not self._buffer:
                return
            batch, self._buffer = self._buffer, []
            await self.sink.write(batch)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            await asyncio.shield(self._flush())


class _Feed(Generic[ItemT]):
    """The items still to execute, shared by the workers: the plan walked lazily, a chunk at a
    time, less what the sink already holds (resume). A worker takes the next item without a queue
    or a task in between; the one that finds the chunk used up reads the next (the others wait for
    it on the lock)."""

    def __init__(self, items: Iterator[ItemT], sink: Sink[Any], chunk_size: int, result: RunnerResult) -> None:
        self._items, self._sink, self._size, self._result = items, sink, chunk_size, result
        self._ready: collections.deque[ItemT] = collections.deque()
        self._lock = asyncio.Lock()
        self._ended = False
        self.started = 0  # items taken by a worker

    def take(self) -> ItemT | None:
        """The next item, or None when the chunk is used up (then `refill`)."""
        return self._ready.popleft() if self._ready else None

    async def refill(self) -> ItemT | None:
        """The next item after reading chunks as needed; None when the plan is done."""
        async with self._lock:
            while not self._ready and not self._ended:
                chunk = list(itertools.islice(self._items, self._size))
                if not chunk:
                    self._ended = True
                    break
                done = await self._sink.existing([a.id for a in chunk])
                self._result.skipped += len(done)
                self._ready.extend(a for a in chunk if a.id not in done)
            return self.take()
