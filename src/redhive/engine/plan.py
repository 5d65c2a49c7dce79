"""A scan plan: suites' probes × attack chains × targets × repeats, each attempt with a
deterministic id so an interrupted run can execute exactly what is missing.

With multi-turn `strategies`, the plan is the probes each strategy accepts × strategies × targets
× repeats instead (chains are not applied), and an attempt's `attack` is the strategy's name.

A plan's `span` (first seq, end seq) keeps only the attempts numbered within it: one shard of a run
that workers share (`redhive.runs.shards`). Ids and seqs stay those of the whole plan.

A target in `application` mode (one that brings its own system prompt: `targets.profile`) gets each
probe's application form, and none of the probes that have no such form (`Probe.application_form`)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from redhive.engine.converters.base import Chain
from redhive.engine.suites.schema import Probe, Suite

if TYPE_CHECKING:
    from redhive.engine.strategies.base import Strategy

__all__ = ["Plan", "PlannedAttempt", "attempt_id", "suite_fingerprint"]


def attempt_id(suite: str, probe_id: str, attack: str, target: str, repeat: int) -> str:
    key = f"{suite}\x1f{probe_id}\x1f{attack}\x1f{target}\x1f{repeat}".encode()
    return hashlib.sha256(key).hexdigest()[:24]


def suite_fingerprint(suite: Suite, *, applications: bool = False) -> str:
    """Changes whenever any probe of the suite changes (resume refuses a changed suite). The
    application forms count only where a run has application targets (`applications`), so runs
    of models recorded before the forms existed still resume. A probe's `language` never counts: its
    id carries it (suites.languages), and runs recorded before the field existed still resume."""
    exclude = {"probes": {"__all__": {"language"} if applications else {"application", "language"}}}
    return hashlib.sha256(suite.model_dump_json(exclude=exclude).encode()).hexdigest()[:16]


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
    #: target spec -> "model" | "application"; a target not named is a model
    modes: Mapping[str, str] = field(default_factory=dict)
    #: (first seq, end seq): only the attempts numbered within it; None for the whole plan
    span: tuple[int, int] | None = None

    @property
    def size(self) -> int:
        whole = self._whole_size()
        if self.span is None:
            return whole
        return max(0, min(self.span[1], whole) - self.span[0])

    def _whole_size(self) -> int:
        total = 0
        for suite in self.suites:
            for probe in suite.probes:
                for target in self.targets:
                    form = self._form(probe, target)
                    if form is None:
                        continue
                    total += sum(1 for st in self.strategies if st.accepts(form)) if self.strategies \
                        else len(self._chains(form))
        return total * self.repeats

    def _chains(self, probe: Probe) -> Sequence[Chain]:
        """Attacks go through every chain; over-refusal controls only through those that keep the
        request readable (`Chain.keeps_request`)."""
        return self.chains if probe.kind == "attack" else [c for c in self.chains if c.keeps_request]

    def _form(self, probe: Probe, target: str) -> Probe | None:
        return probe.application_form if self.modes.get(target) == "application" else probe

    def __iter__(self) -> Iterator[PlannedAttempt]:
        """Lazily, in a stable order; repeats outermost so partial runs cover every probe early.
        A span skips whole probes before it without building their attempts (ids are hashes)."""
        start, stop = self.span if self.span is not None else (0, -1)
        seq = 0
        for repeat in range(self.repeats):
            for suite in self.suites:
                for probe in suite.probes:
                    if seq == stop:
                        return
                    forms = [(t, f) for t in self.targets if (f := self._form(probe, t)) is not None]
                    if seq < start:
                        count = (sum(1 for st in self.strategies for _, f in forms if st.accepts(f))
                                 if self.strategies else len(self._chains(probe)) * len(forms))
                        if seq + count <= start:
                            seq += count
                            continue
                    for strategy in self.strategies:
                        for target, form in forms:
                            if strategy.accepts(form):
                                if start <= seq != stop:
                                    yield PlannedAttempt(
                                        attempt_id(suite.name, probe.id, strategy.name, target, repeat),
                                        seq, suite.name, form, _NO_CHAIN, target, repeat, strategy,
                                    )
                                elif seq == stop:
                                    return
                                seq += 1
                    if self.strategies:
                        continue
                    for chain in self._chains(probe):
                        for target, form in forms:
                            if start <= seq != stop:
                                yield PlannedAttempt(
                                    attempt_id(suite.name, probe.id, chain.name, target, repeat),
                                    seq, suite.name, form, chain, target, repeat,
                                )
                            elif seq == stop:
                                return
                            seq += 1
