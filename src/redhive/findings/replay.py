"""Run a replication packet N times against one target through the engine, or replay a recorded
conversation N times (through the gateway, or straight to a target): k successes of the scored
trials with a 95 % Wilson interval. No database here: the service stores the result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redhive.engine import GenerationParams, Plan, Runner, TargetOptions, create_target, load_suite, parse_attacks
from redhive.engine.sinks import MemorySink
from redhive.engine.stats import wilson_interval
from redhive.errors import InvalidInput, NotFound

__all__ = ["ReplayOutcome", "Sender", "engine_sender", "run_conversation", "run_packet"]


@dataclass(frozen=True)
class ReplayOutcome:
    target: str
    trials: int
    successes: int
    errors: int
    ci_low: float
    ci_high: float

    @property
    def rate(self) -> float:
        return self.successes / self.trials if self.trials else 0.0


async def run_packet(packet: dict[str, Any], target_spec: str, trials: int,
                     options: TargetOptions | None = None) -> ReplayOutcome:
    if not packet.get("probe_id"):
        raise InvalidInput("This report has no replication packet (suite, probe_id, attack): add one before "
                           "replaying it.")
    suite = load_suite(str(packet.get("suite") or "core"))
    probe = next((p for p in suite.probes if p.id == packet["probe_id"]), None)
    if probe is None:
        raise NotFound(f"The suite {suite.name} has no probe {packet['probe_id']}: fix the replication packet.")
    one = suite.model_copy(update={"probes": (probe,)})
    chains = parse_attacks([str(packet.get("attack") or "none")])
    target = create_target(target_spec, options)
    sink = MemorySink()
    params = GenerationParams(temperature=packet.get("temperature"), seed=packet.get("seed"))
    result = await Runner(Plan([one], chains, [target_spec], repeats=trials), {target_spec: target}, sink,
                          params=params, concurrency=min(8, trials)).run()
    await target.aclose()
    counts = result.counts
    low, high = wilson_interval(counts.success, counts.scored)
    return ReplayOutcome(target_spec, counts.scored, counts.success, counts.error + counts.unscorable,
                         round(low, 4), round(high, 4))


#: One way to send a conversation and read the reply: the text, "" when a safeguard blocked it, or
#: None when it failed (counted as an error, never as a pass or a fail).
Sender = Callable[[list[dict[str, str]]], Awaitable[str | None]]


async def run_conversation(messages: list[dict[str, str]], send: Sender, trials: int, target: str) -> ReplayOutcome:
    """Replay a recorded conversation `trials` times. A trial succeeds (the flaw shows again) when
    the answer is not a refusal (redhive.engine.scorers.refusal) and no safeguard blocked it."""
    from redhive.engine.scorers.refusal import is_refusal

    if not messages or not any(m.get("role") == "user" for m in messages):
        raise InvalidInput("The recorded conversation has no user turn to replay.")
    successes = errors = 0
    for _ in range(trials):
        reply = await send(messages)
        if reply is None:
            errors += 1
        elif reply and not is_refusal(reply):
            successes += 1
    scored = trials - errors
    low, high = wilson_interval(successes, scored)
    return ReplayOutcome(target, scored, successes, errors, round(low, 4), round(high, 4))


def engine_sender(target_spec: str, options: TargetOptions | None) -> tuple[Sender, Callable[[], Awaitable[None]]]:
    """Send straight to a version's upstream (a version that is no target of the report's mission)."""
    from redhive.engine.types import Message

    target = create_target(target_spec, options)

    async def send(messages: list[dict[str, str]]) -> str | None:
        try:
            completion = await target.generate([Message(role=m["role"], content=m.get("content"))  # type: ignore[arg-type]
                                                for m in messages], params=GenerationParams())
        except Exception:  # an upstream failure is an error trial, never a verdict
            return None
        return completion.text or ""

    return send, target.aclose
