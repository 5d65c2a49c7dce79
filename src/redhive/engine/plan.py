"""A scan plan: suites' probes × attack chains × targets × repeats, each attempt with a
deterministic id so an interrupted run can execute exactly what is missing.

With multi-turn `strategies`, the plan is the probes each strategy accepts × strategies × targets
× repeats instead (chains are not applied), and an attempt's `attack` is the strategy's name."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from redhive.engine.converters.base import Chain
from redhive.engine.strategies.base import Strategy
from redhive.engine.suites.schema import Probe, Suite

__all__ = ["Plan", "PlannedAttempt", "attempt_id", "suite_fingerprint"]


def attempt_id(suite: str, probe_id: str, attack: str, target: str, repeat: int) -> str:
    key = f"{suite}\x1f{probe_id}\x1f{attack}\x1f{target}\x1f{repeat}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


def suite_fingerprint(suite: Suite) -> str:
    """Changes whenever any probe of the suite changes (resume refuses a changed suite)."""
    return hashlib.sha256(suite.model_dump_json().encode()).hexdigest()[:16]


@dataclass(slots=True, frozen=True)
class PlannedAttempt:
    id: str
    seq: int
    suite: str
    probe: Probe
    chain: Chain
    target: str
    repeat: int
    strategy: Strategy | None = None


_NO_CHAIN = Chain([])


@dataclass(slots=True, frozen=True)
class Plan:
    suites: Sequence[Suite]
    chains: Sequence[Chain]
    targets: Sequence[str]
    repeats: int = 1
    strategies: Sequence[Strategy] = ()

    @property
    def size(self) -> int:
        if self.strategies:
            per_repeat = sum(1 for s in self.suites for p in s.probes for st in self.strategies if st.accepts(p))
            return per_repeat * len(self.targets) * self.repeats
        probes = sum(len(s.probes) for s in self.suites)
        return probes * len(self.chains) * len(self.targets) * self.repeats

    def __iter__(self) -> Iterator[PlannedAttempt]:
        """Lazily, in a stable order; repeats outermost so partial runs cover every probe early."""
        seq = 0
        for repeat in range(self.repeats):
            for suite in self.suites:
                for probe in suite.probes:
                    for strategy in self.strategies:
                        if not strategy.accepts(probe):
                            continue
                        for target in self.targets:
                            yield PlannedAttempt(
                                attempt_id(suite.name, probe.id, strategy.name, target, repeat),
                                seq, suite.name, probe, _NO_CHAIN, target, repeat, strategy,
                            )
                            seq += 1
                    if self.strategies:
                        continue
                    for chain in self.chains:
                        for target in self.targets:
                            yield PlannedAttempt(
                                attempt_id(suite.name, probe.id, chain.name, target, repeat),
                                seq, suite.name, probe, chain, target, repeat,
                            )
                            seq += 1
