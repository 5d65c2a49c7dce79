"""The runner: plans, concurrency limits, errors kept apart, fatal failures, resume."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from redhive.engine import (
    Completion,
    GenerationParams,
    Message,
    Plan,
    Runner,
    Target,
    TargetOptions,
    Usage,
    attempt_id,
    load_suite,
    parse_attacks,
)
from redhive.engine.sinks import JsonlSink, MemorySink
from redhive.errors import TargetAuthError, TransientTargetError


class FakeTarget(Target):
    """Answers with a fixed text; fails for prompts containing `fail_on`; tracks concurrency."""

    def __init__(self, spec: str = "fake:model", *, reply: str = "Sure.", fail_on: str | None = None,
                 fatal_after: int | None = None, delay: float = 0.0, **options: Any) -> None:
        super().__init__(spec, TargetOptions(max_retries=0, **options))
        self.reply, self.fail_on, self.fatal_after, self.delay = reply, fail_on, fatal_after, delay
        self.calls = 0
        self.in_flight = 0
        self.peak = 0

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        self.calls += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            if self.fatal_after is not None and self.calls > self.fatal_after:
                raise TargetAuthError("fake refused the credentials (HTTP 401): check --api-key.")
            if self.fail_on and self.fail_on in (messages[-1].content or ""):
                raise TransientTargetError("fake answered HTTP 503.")
            return Completion(self.reply, usage=Usage(10, 2))
        finally:
            self.in_flight -= 1


def plan(target: str = "fake:model", attacks: str = "none", repeats: int = 1) -> Plan:
    return Plan([load_suite("core")], parse_attacks(attacks), [target], repeats)


async def test_every_planned_attempt_is_recorded_once() -> None:
    sink = MemorySink()
    p = plan(attacks="none;base64", repeats=2)
    result = await Runner(p, {"fake:model": FakeTarget()}, sink, concurrency=8, batch_size=7).run()
    assert len(sink.records) == p.size == result.counts.attempts
    assert {a.id for a in p} == set(sink.records)
    assert result.usage.input_tokens == 10 * sum(len(a.probe.prompts) for a in p)


async def test_attempts_scored_with_their_batch_get_the_verdicts_scored_one_by_one() -> None:
    """Text detectors score a batch just before it is written: the verdicts, the counts and what
    progress reports are those of scoring each attempt as it is answered (batch_size=1)."""
    runs = {}
    for batch_size in (1, 10_000):  # 10,000: every attempt waits for the final write
        sink, reported = MemorySink(), {}
        target = FakeTarget(reply="I'm sorry, but I can't help with that.")
        result = await Runner(plan(), {"fake:model": target}, sink, batch_size=batch_size, flush_interval=60,
                              on_progress=lambda r, seen=reported: seen.__setitem__(r.id, r.outcome)).run()
        stored = {i: (r.outcome, r.evidence) for i, r in sink.records.items()}
        assert reported == {i: outcome for i, (outcome, _) in stored.items()}  # reported once scored, never before
        runs[batch_size] = stored, result.counts.as_dict()
    assert runs[1] == runs[10_000]
    outcomes = {outcome for outcome, _ in runs[1][0].values()}
    assert {"refused", "success"} <= outcomes  # refusals, and over-refusal controls that count one as a hit


def test_attempt_ids_are_deterministic_and_distinct() -> None:
    first = [a.id for a in plan(attacks="all", repeats=2)]
    assert first == [a.id for a in plan(attacks="all", repeats=2)]
    assert len(set(first)) == len(first)
    assert attempt_id("core", "p", "none", "t", 0) != attempt_id("core", "p", "none", "t", 1)


async def test_errors_are_recorded_with_reason_and_never_scored() -> None:
    sink = MemorySink()
    target = FakeTarget(fail_on="system prompt")
    result = await Runner(plan(), {"fake:model": target}, sink).run()
    errors = [r for r in sink.records.values() if r.outcome == "error"]
    assert errors and all(r.error == "fake answered HTTP 503." and r.evidence == "" for r in errors)
    assert result.counts.error == len(errors)
    assert result.counts.scored == result.counts.attempts - len(errors) - result.counts.unscorable


async def test_fatal_failure_stops_the_run_and_keeps_what_finished() -> None:
    sink = MemorySink()
    target = FakeTarget(fatal_after=20)
    with pytest.raises(TargetAuthError):
        await Runner(plan(attacks="all"), {"fake:model": target}, sink, concurrency=4).run()
    assert 0 < len(sink.records) <= 20
    assert all(r.outcome != "error" for r in sink.records.values())
    assert target.calls < 40  # it stopped instead of failing every remaining attempt


async def test_per_target_concurrency_limit() -> None:
    target = FakeTarget(delay=0.01, concurrency=3)
    await Runner(plan(), {"fake:model": target}, MemorySink(), concurrency=32).run()
    assert target.peak == 3


async def test_resume_skips_stored_attempts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "attempts.jsonl"
    p = plan(attacks="none;rot13")
    done = list(p)[:50]
    first = FakeTarget()
    await Runner(Plan(p.suites, p.chains, p.targets), {"fake:model": first}, JsonlSink(path)).run()
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if any(f'"id": "{a.id}"' in line for a in done)]
    path.write_text("\n".join(kept) + "\n{\"id\": \"cut-by-a-cra", encoding="utf-8")  # plus a torn line
    second = FakeTarget()
    result = await Runner(p, {"fake:model": second}, JsonlSink(path)).run()
    assert result.skipped == 50
    assert second.calls == sum(len(a.probe.prompts) for a in list(p)[50:])
    ids = [line.split('"id": "')[1].split('"')[0] for line in path.read_text(encoding="utf-8").splitlines()
           if line.startswith('{"id": "') and line.endswith("}")]
    assert sorted(ids) == sorted(a.id for a in p)


async def test_converters_transform_only_the_final_turn() -> None:
    seen: list[tuple[Message, ...]] = []

    class Recorder(FakeTarget):
        async def generate(self, messages, *, params, tools=None):  # type: ignore[no-untyped-def]
            seen.append(tuple(messages))
            return Completion("ok")

    p = Plan([load_suite("core")], parse_attacks("base64"), ["fake:model"])
    await Runner(p, {"fake:model": Recorder()}, MemorySink()).run()
    probe = next(a.probe for a in p if a.probe.system and a.probe.messages)
    convo = next(m for m in seen if m[0].content == probe.fill(probe.system or ""))
    assert [m.content for m in convo[1:-1]] == [probe.fill(m.content) for m in probe.messages]
    assert convo[-1].content and convo[-1].content.startswith("The following message is base64-encoded")


async def test_counterfactual_probes_send_every_variant() -> None:
    target = FakeTarget(reply="DECISION: APPROVE")
    sink = MemorySink()
    suite = load_suite("core")
    await Runner(Plan([suite], parse_attacks(None), ["fake:model"]), {"fake:model": target}, sink).run()
    bias = [r for r in sink.records.values() if r.risk_area == "bias"]
    assert bias and all(r.outcome == "resisted" and r.response.count("DECISION: APPROVE") == 2 for r in bias)
