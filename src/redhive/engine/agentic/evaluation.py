"""Agent episodes as an evaluation of the one runner (`engine.execution.Execution`): each planned
episode run against its target's gate in one monitor mode, and a memory sink for callers that
keep the episodes (a database sink lives with the run store: `redhive.runs.episodes`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence

from redhive.engine.agentic.loop import EpisodePlan, LoopLimits, run_episode
from redhive.engine.agentic.monitors import Monitor, MonitorMode
from redhive.engine.agentic.trace import Episode
from redhive.engine.execution import Finished
from redhive.engine.resilience import TargetGate
from redhive.engine.types import GenerationParams, Usage

__all__ = ["EpisodeEvaluation", "MemoryEpisodes"]


class EpisodeEvaluation:
    """The episodes of `plans` (called anew for each walk: the plan is a generator), in one mode;
    with `span` (first, end), only the plan's episodes at those indices (a shard of the run)."""

    def __init__(self, plans: Callable[[], Iterator[EpisodePlan]], gates: Mapping[str, TargetGate], *,
                 monitor_mode: MonitorMode, monitors: Sequence[Monitor] | None = None,
                 limits: LoopLimits | None = None, params: GenerationParams | None = None,
                 user_gate: TargetGate | None = None, span: tuple[int, int] | None = None) -> None:
        self.plans = plans
        self.span = span
        self.gates = gates
        self.monitor_mode = monitor_mode
        self.monitors = monitors
        self.limits = limits
        self.params = params
        self.user_gate = user_gate
        self._usage = Usage()

    def items(self) -> Iterator[EpisodePlan]:
        return self.plans() if self.span is None else itertools.islice(self.plans(), *self.span)

    def size(self) -> int:
        return sum(1 for _ in self.items())

    async def execute(self, item: EpisodePlan) -> Episode:
        """The finished episode; target failures end it with status `error`, fatal ones are raised."""
        ep = await run_episode(self.gates[item.target], item, monitor_mode=self.monitor_mode,
                               monitors=self.monitors, limits=self.limits, params=self.params,
                               user_model=self.user_gate)
        self._usage.add(Usage(ep.input_tokens, ep.output_tokens))
        return ep

    def drain(self) -> list[Episode]:
        return []  # every episode is finished when `execute` returns

    def finished(self, record: Episode) -> Finished:
        return Finished(record.target, "episode", record.status, record.duration_ms / 1000, record.input_tokens,
                        record.output_tokens)

    def usage(self) -> Usage:
        return self._usage

    def retries(self) -> int:
        return sum(g.retries for g in self.gates.values())

    async def aclose(self) -> None:
        return None  # the gates' targets belong to the caller


class MemoryEpisodes:
    """A sink that keeps the episodes (the library's `run_agent_scan`); `stored` ids count as done."""

    def __init__(self, stored: Collection[str] = (), *, keep: bool = True) -> None:
        self.stored = set(stored)
        self.keep = keep
        self.episodes: list[Episode] = []

    async def existing(self, ids: Sequence[str]) -> set[str]:
        return self.stored.intersection(ids)

    async def write(self, records: Sequence[Episode]) -> None:
        if self.keep:
            self.episodes.extend(records)
