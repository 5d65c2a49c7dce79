"""The async runner: executes a plan against targets with bounded concurrency, scores each
attempt as it completes and streams records to a sink in batches (memory stays flat).

Attempts whose detector reads only the texts (`TextDetector`) are scored with their batch, just
before it is written, rather than one by one between requests: the same work, with the matching
code and the writer's kept hot in the processor's caches (a third less engine time per attempt,
bench/README.md). Their progress callbacks come then too: within the flush interval.

Resume: the plan is walked in chunks and ids already in the sink are skipped, so a run killed at
any point re-executes only what was never stored. Fatal target failures (bad credentials, an
endpoint that cannot be reached after retries) stop the run after storing what finished.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redhive.engine.plan import Plan, PlannedAttempt
from redhive.engine.records import AttemptRecord, AttemptSink, TurnRecord
from redhive.engine.resilience import TargetGate
from redhive.engine.scorers.base import (
    Detection,
    Detector,
    Outcome,
    ScoreContext,
    TextDetector,
    build_detector,
    decide_outcome,
    with_checks,
)
from redhive.engine.scorers.judge import JudgePool
from redhive.engine.scorers.refusal import is_refusal
from redhive.engine.stats import OutcomeCounts
from redhive.engine.strategies.base import StrategyRun, prefix_messages
from redhive.engine.strategies.evaluator import Evaluator
from redhive.engine.strategies.scripted import run_script
from redhive.engine.suites.schema import Probe
from redhive.engine.targets.base import Target
from redhive.engine.tracing import current_attempt
from redhive.engine.types import GenerationParams, Message, Usage
from redhive.errors import TargetError, is_fatal

if TYPE_CHECKING:
    from redhive.engine.metrics import RunnerMetrics

__all__ = ["Runner", "RunnerResult"]

log = logging.getLogger(__name__)
ProgressFn = Callable[[AttemptRecord], None]
_ERROR = Outcome.ERROR.value  # what an attempt is until it is scored (an enum member's value is a property)


@dataclass(slots=True)
class RunnerResult:
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)
    skipped: int = 0  # already stored before this invocation (resume)
    usage: Usage = field(default_factory=Usage)
    retries: int = 0


class Runner:
    def __init__(
        self,
        plan: Plan,
        targets: Mapping[str, Target],
        sink: AttemptSink,
        *,
        params: GenerationParams | None = None,
        concurrency: int = 32,
        batch_size: int = 1024,
        flush_interval: float = 0.5,
        chunk_size: int = 2048,
        on_progress: ProgressFn | None = None,
        judges: JudgePool | None = None,
        checks: Sequence[TextDetector] = (),
        application_checks: Sequence[TextDetector] = (),
        metrics: RunnerMetrics | None = None,
    ) -> None:
        """`judges`: the run's judge; every judge detector of the plan asks it (`build_detector`).
        `checks`: what every attack's answers are checked for besides the probe's own goal (the
        rules of the scan's policies: `with_checks`); `application_checks`, what an application
        target's answers are checked for besides (personal data, whatever the probe asked).
        `metrics`: where the run's Prometheus metrics go (`redhive.engine.metrics`)."""
        self.plan = plan
        self.judges = judges
        self.checks = checks
        self.application_checks = application_checks
        self.gates = {spec: TargetGate(t) for spec, t in targets.items()}
        self.metrics = metrics
        for gate in self.gates.values():
            gate.metrics = metrics
        self.sink = sink
        self.params = params or GenerationParams()
        self.concurrency = max(1, concurrency)
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.chunk_size = chunk_size
        self.on_progress = on_progress
        self.result = RunnerResult()
        self._buffer: list[AttemptRecord] = []
        self._unscored: list[_Unscored] = []
        # Per probe form, keyed by the form's identity: a model target and an application target
        # run different forms of one probe (Probe.application_form), each cached for the run.
        self._detectors: dict[tuple[int, bool], Detector] = {}
        self._evaluators: dict[tuple[str, int], Evaluator] = {}
        self._prefix: dict[int, tuple[Message, ...]] = {}
        self._flush_lock = asyncio.Lock()
        self._fatal: TargetError | None = None
        self._planned = 0

    async def run(self) -> RunnerResult:
        feed = _Feed(iter(self.plan), self.sink, self.chunk_size, self.result)
        self._planned = self.plan.size if self.metrics is not None else 0
        if self.metrics is not None:
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
            for detector in self._detectors.values():
                await detector.aclose()
            for evaluator in self._evaluators.values():
                await evaluator.objective.aclose()
            self.result.retries = sum(g.retries for g in self.gates.values())
        if self._fatal is not None:
            raise self._fatal
        return self.result

    async def _work(self, feed: _Feed) -> None:
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
            record = await self._execute(item)
            if record is not None:
                self._finish(record)
            if len(self._buffer) + len(self._unscored) >= self.batch_size:
                await asyncio.shield(self._flush())

    def _finish(self, record: AttemptRecord) -> None:
        self.result.counts.add(record.outcome)
        if self.metrics is not None:
            self.metrics.finished(record.target, record.kind, record.outcome, record.latency_ms / 1000,
                                  record.input_tokens, record.output_tokens)
        self._buffer.append(record)
        if self.on_progress is not None:
            self.on_progress(record)

    def _score_batch(self) -> None:
        batch, self._unscored = self._unscored, []
        for waiting in batch:
            record, ctx = waiting.record, waiting.context
            record.outcome, record.evidence = _verdict(waiting.detector.examine(ctx), ctx.responses, waiting.unmet)
            self._finish(record)

    async def _execute(self, item: PlannedAttempt) -> AttemptRecord | None:
        """The attempt's record; None when there is nothing to finish now: a fatal failure stops
        the run, or the attempt waits in `_unscored` for its text detector."""
        if item.strategy is not None:
            return await self._execute_strategy(item)
        probe = item.probe
        gate = self.gates[item.target]
        prefix = self._prefix.get(id(probe))
        if prefix is None:
            prefix = self._prefix[id(probe)] = prefix_messages(probe)
        prompts = list(probe.prompts)
        responses: list[str] = []
        turns: list[TurnRecord] = []
        unmet: list[str] = []
        usage = Usage()
        error: str | None = None
        started = time.perf_counter()
        try:
            if probe.turns:  # a scripted sequence: one conversation, turn by turn
                prompts, responses, turns, script_usage, unmet = await run_script(
                    probe, item.chain, gate, self.params, item.id)
                usage.add(script_usage)
            else:
                if item.chain.needs_helper:  # model-assisted converters call the helper model
                    prompts = [await item.chain.aconvert(p) for p in probe.prompts]
                else:
                    prompts = [item.chain.convert(p) for p in probe.prompts]
                for prompt in prompts:
                    completion = await gate.generate((*prefix, Message("user", prompt)), self.params)
                    responses.append(completion.text)
                    usage.add(completion.usage)
        except TargetError as exc:
            if is_fatal(exc):
                self._fatal = self._fatal or exc
                return None
            error = exc.message
            log.warning("attempt failed", extra={"attempt_id": item.id, "target": item.target, "error": error})
        latency_ms = (time.perf_counter() - started) * 1000
        self.result.usage.add(usage)
        record = AttemptRecord(
            id=item.id, seq=item.seq, suite=item.suite, probe_id=probe.id, risk_area=probe.risk_area,
            attack=item.chain.name, target=item.target, repeat=item.repeat, outcome=_ERROR,
            prompt=_join(probe, prompts), response=_join(probe, responses), error=error,
            evidence="", latency_ms=round(latency_ms, 3), input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens, created_at=time.time(), kind=probe.kind, turns=turns,
        )
        if error is not None:
            return record
        application = self.plan.modes.get(item.target) == "application"
        detector = self._detectors.get((id(probe), application))
        if detector is None:
            detector = build_detector(probe, self.judges)
            if probe.kind == "attack":
                checks = [*self.checks, *self.application_checks] if application else self.checks
                detector = with_checks(detector, checks)
            self._detectors[(id(probe), application)] = detector
        ctx = ScoreContext(probe, prompts, responses)
        if isinstance(detector, TextDetector):
            self._unscored.append(_Unscored(record, detector, ctx, unmet))
            return None
        record.outcome, record.evidence = _verdict(await detector.detect(ctx), responses, unmet)
        return record

    async def _execute_strategy(self, item: PlannedAttempt) -> AttemptRecord | None:
        """A multi-turn strategy's attempt: the whole conversation, stored with its turns."""
        strategy, probe = item.strategy, item.probe
        assert strategy is not None
        key = (strategy.name, id(probe))
        evaluator = self._evaluators.get(key)
        if evaluator is None:
            evaluator = self._evaluators[key] = Evaluator(probe, strategy.judges)
        started = time.perf_counter()
        run = StrategyRun(item.id, probe, self.gates[item.target], self.params, evaluator)
        try:
            result = await strategy.execute(run)
        except TargetError as exc:
            if is_fatal(exc):
                self._fatal = self._fatal or exc
                return None
            outcome, prompt, response, evidence = Outcome.ERROR, probe.prompts[0], "", ""
            error: str | None = exc.message
            log.warning("attempt failed", extra={"attempt_id": item.id, "target": item.target, "error": error})
            turns: list[TurnRecord] = []
            usage = Usage()
        else:
            outcome, prompt, response = result.outcome, result.prompt, result.response
            evidence, error, turns, usage = result.evidence, None, result.turns, result.usage
        self.result.usage.add(usage)
        return AttemptRecord(
            id=item.id, seq=item.seq, suite=item.suite, probe_id=probe.id, risk_area=probe.risk_area,
            attack=strategy.name, target=item.target, repeat=item.repeat, outcome=outcome.value,
            prompt=prompt, response=response, error=error, evidence=evidence,
            latency_ms=round((time.perf_counter() - started) * 1000, 3), input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens, created_at=time.time(), turns=turns,
        )

    async def _flush(self) -> None:
        """Score what waits for it, then write the buffer as one batch. Callers shield it: a write
        cancelled half-way would lose the batch (already out of the buffer) and could leave
        SQLite's write lock held."""
        self._score_batch()
        async with self._flush_lock:
            if not self._buffer:
                return
            batch, self._buffer = self._buffer, []
            await self.sink.write(batch)

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            await asyncio.shield(self._flush())


@dataclass(slots=True)
class _Unscored:
    """An answered attempt waiting for its text detector (`Runner._score_batch`)."""

    record: AttemptRecord
    detector: TextDetector
    context: ScoreContext
    unmet: list[str]  # a scripted sequence's expectations that were not met


def _verdict(detection: Detection, responses: Sequence[str], unmet: Sequence[str]) -> tuple[str, str]:
    """(outcome, evidence) of an answered attempt. Whether it was refused matters only when the
    detector found nothing (a positive detection wins: DESIGN §6)."""
    refused = detection.success is False and any(is_refusal(r) for r in responses)
    evidence = detection.evidence
    if unmet:
        evidence = "; ".join([*([evidence] if evidence else []), "unmet: " + ", ".join(unmet)])[:500]
    return decide_outcome(detection, refused).value, evidence


def _join(probe: Probe, texts: Sequence[str]) -> str:
    if probe.turns:
        return "\n\n".join(f"[turn {n}]\n{t}" for n, t in enumerate(texts, start=1))
    if not probe.variants:
        return texts[0] if texts else ""
    return "\n\n".join(f"[{v.label}]\n{t}" for v, t in zip(probe.variants, texts, strict=False))


class _Feed:
    """The attempts still to execute, shared by the workers: the plan walked lazily, a chunk at a
    time, less what the sink already holds (resume). A worker takes the next attempt without a
    queue or a task in between; the one that finds the chunk used up reads the next (the others
    wait for it on the lock)."""

    def __init__(self, plan: Iterator[PlannedAttempt], sink: AttemptSink, chunk_size: int,
                 result: RunnerResult) -> None:
        self._plan, self._sink, self._size, self._result = plan, sink, chunk_size, result
        self._ready: collections.deque[PlannedAttempt] = collections.deque()
        self._lock = asyncio.Lock()
        self._ended = False
        self.started = 0  # attempts taken by a worker

    def take(self) -> PlannedAttempt | None:
        """The next attempt, or None when the chunk is used up (then `refill`)."""
        return self._ready.popleft() if self._ready else None

    async def refill(self) -> PlannedAttempt | None:
        """The next attempt after reading chunks as needed; None when the plan is done."""
        async with self._lock:
            while not self._ready and not self._ended:
                chunk = list(itertools.islice(self._plan, self._size))
                if not chunk:
                    self._ended = True
                    break
                done = await self._sink.existing([a.id for a in chunk])
                self._result.skipped += len(done)
                self._ready.extend(a for a in chunk if a.id not in done)
            return self.take()
