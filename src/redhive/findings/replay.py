"""Run a replication packet N times against one target through the engine: k successes of the
scored trials with a 95 % Wilson interval. No database here: the service stores the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redhive.engine import GenerationParams, Plan, Runner, TargetOptions, create_target, load_suite, parse_attacks
from redhive.engine.sinks import MemorySink
from redhive.engine.stats import wilson_interval
from redhive.errors import InvalidInput, NotFound

__all__ = ["ReplayOutcome", "run_packet"]


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
