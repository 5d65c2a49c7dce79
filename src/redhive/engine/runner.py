"""Probe attempts as an evaluation of the one runner (`execution.Execution`): a plan's single
requests, scripted sequences and multi-turn strategies against targets, each attempt scored as it
completes.

Attempts whose detector reads only the texts (`TextDetector`) are scored with their batch, just
before it is written, rather than one by one between requests: the same work, with the matching
code and the writer's kept hot in the processor's caches (a third less engine time per attempt,
bench/README.md). Their progress callbacks come then too: within the flush interval.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from redhive.engine.execution import Execution, Finished, RunnerResult
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
from redhive.engine.strategies.base import StrategyRun, prefix_messages
from redhive.engine.suites.schema import Probe
from redhive.engine.targets.base import Target
from redhive.engine.types import GenerationParams, Message, Usage
from redhive.errors import TargetError, is_fatal

if TYPE_CHECKING:
    from redhive.engine.metrics import RunnerMetrics
    from redhive.engine.scorers.judge import JudgePool
    from redhive.engine.strategies.evaluator import Evaluator

__all__ = ["ProbeEvaluation", "Runner", "RunnerResult"]

log = logging.getLogger(__name__)
ProgressFn = Callable[[AttemptRecord], None]
_ERROR = Outcome.ERROR.value  # what an attempt is until it is scored (an enum member's value is a property)


class ProbeEvaluation:
    """A plan's attempts: execute each against its target, score it, make its record."""

    def __init__(
        self,
        plan: Plan,
        targets: Mapping[str, Target],
        *,
        params: GenerationParams | None = None,
        judges: JudgePool | None = None,
        checks: Sequence[TextDetector] = (),
        application_checks: Sequence[TextDetector] = (),
        metrics: RunnerMetrics | None = None,
    ) -> None:
        """`judges`: the run's judge; every judge detector of the plan asks it (`build_detector`).
        `checks`: what every attack's answers are checked for besides the probe's own goal (the
        rules of the scan's policies: `with_checks`); `application_checks`, what an application
        target's answers are checked for besides (personal data, whatever the probe asked).
        `metrics`: where the targets' request metrics go (`redhive.engine.metrics`)."""
        self.plan = plan
        self.judges = judges
        self.checks = checks
        self.application_checks = application_checks
        self.gates = {spec: TargetGate(t) for spec, t in targets.items()}
        for gate in self.gates.values():
            gate.metrics = metrics
        self.params = params or GenerationParams()
        self._usage = Usage()
        self._unscored: list[_Unscored] = []
        # Per probe form, keyed by the form's identity: a model target and an application target
        # run different forms of one probe (Probe.application_form), each cached for the run.
        self._detectors: dict[tuple[int, bool], Detector] = {}
        self._evaluators: dict[tuple[str, int], Evaluator] = {}
        self._prefix: dict[int, tuple[Message, ...]] = {}

    def items(self) -> Iterator[PlannedAttempt]:
        return iter(self.plan)

    def size(self) -> int:
        return self.plan.size

    def usage(self) -> Usage:
        return self._usage

    def retries(self) -> int:
        return sum(g.retries for g in self.gates.values())

    def finished(self, record: AttemptRecord) -> Finished:
        return Finished(record.target, record.kind, record.outcome, record.latency_ms / 1000, record.input_tokens,
                        record.output_tokens)

    def drain(self) -> list[AttemptRecord]:
        batch, self._unscored = self._unscored, []
        out = []
        for waiting in batch:
            record, ctx = waiting.record, waiting.context
            record.outcome, record.evidence = _verdict(waiting.detector.examine(ctx), ctx.responses, waiting.unmet)
            out.append(record)
        return out

    async def aclose(self) -> None:
        for detector in self._detectors.values():
            await detector.aclose()
        for evaluator in self._evaluators.values():
            await evaluator.objective.aclose()

    async def execute(self, item: PlannedAttempt) -> AttemptRecord | None:
        """The attempt's record; None when it waits in `_unscored` for its text detector. A fatal
        target failure is raised (it stops the run); any other makes an error record."""
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
                from redhive.engine.strategies.scripted import run_script

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
                raise
            error = exc.message
            log.warning("attempt failed", extra={"attempt_id": item.id, "target": item.target, "error": error})
        latency_ms = (time.perf_counter() - started) * 1000
        self._usage.add(usage)
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
        from redhive.engine.strategies.evaluator import Evaluator

        evaluator = self._evaluators.get(key)
        if evaluator is None:
            evaluator = self._evaluators[key] = Evaluator(probe, strategy.judges)
        started = time.perf_counter()
        run = StrategyRun(item.id, probe, self.gates[item.target], self.params, evaluator)
        try:
            result = await strategy.execute(run)
        except TargetError as exc:
            if is_fatal(exc):
                raise
            outcome, prompt, response, evidence = Outcome.ERROR, probe.prompts[0], "", ""
            error: str | None = exc.message
            log.warning("attempt failed", extra={"attempt_id": item.id, "target": item.target, "error": error})
            turns: list[TurnRecord] = []
            usage = Usage()
        else:
            outcome, prompt, response = result.outcome, result.prompt, result.response
            evidence, error, turns, usage = result.evidence, None, result.turns, result.usage
        self._usage.add(usage)
        return AttemptRecord(
            id=item.id, seq=item.seq, suite=item.suite, probe_id=probe.id, risk_area=probe.risk_area,
            attack=strategy.name, target=item.target, repeat=item.repeat, outcome=outcome.value,
            prompt=prompt, response=response, error=error, evidence=evidence,
            latency_ms=round((time.perf_counter() - started) * 1000, 3), input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens, created_at=time.time(), turns=turns,
        )


@dataclass(slots=True)
class _Unscored:
    """An answered attempt waiting for its text detector (`Runner._score_batch`)."""

    record: AttemptRecord
    detector: TextDetector
    context: ScoreContext
    unmet: list[str]  # a scripted sequence's expectations that were not met


def _verdict(detection: Detection, responses: Sequence[str], unmet: Sequence[str]) -> tuple[str, str]:
    """(outcome, evidence) of an answered attempt. Whether it was refused matters only when the
    detector found nothing (a positive detection wins: DESIGN §6). The refusal patterns load with
    the first answer, not before the first request."""
    from redhive.engine.scorers.refusal import is_refusal

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


class Runner(Execution[PlannedAttempt, AttemptRecord]):
    """The one runner (`execution.Execution`) over a plan's probe attempts."""

    def __init__(self, plan: Plan, targets: Mapping[str, Target], sink: AttemptSink, *,
                 params: GenerationParams | None = None, concurrency: int = 32, batch_size: int = 1024,
                 flush_interval: float = 0.5, chunk_size: int = 2048, on_progress: ProgressFn | None = None,
                 judges: JudgePool | None = None, checks: Sequence[TextDetector] = (),
                 application_checks: Sequence[TextDetector] = (), metrics: RunnerMetrics | None = None) -> None:
        self.probes = ProbeEvaluation(plan, targets, params=params, judges=judges, checks=checks,
                                      application_checks=application_checks, metrics=metrics)
        super().__init__(self.probes, sink, concurrency=concurrency, batch_size=batch_size,
                         flush_interval=flush_interval, chunk_size=chunk_size, on_progress=on_progress,
                         metrics=metrics)
