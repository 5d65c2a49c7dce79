"""Multi-turn attack strategies: an attacker model drives a conversation with the target.

A strategy runs one attempt (one probe × target × repeat): it asks its attacker for prompts,
sends them, rates each answer (`Evaluator`) and decides what to do next within its limits. It
returns a `StrategyResult`: the outcome (one of the five), the decisive exchange and every turn,
which the runner stores with the attempt in the same batch. An attempt is the whole conversation:
a run resumed after a crash re-executes unfinished conversations from their first turn.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from redhive.engine.records import TurnRecord
from redhive.engine.scorers.base import Outcome
from redhive.engine.suites.schema import Probe
from redhive.engine.types import GenerationParams, Message, Usage
from redhive.errors import InvalidInput

if TYPE_CHECKING:  # a one-request attempt needs `prefix_messages` only: the strategies' parts load with them
    from redhive.engine.resilience import TargetGate
    from redhive.engine.scorers.judge import JudgePool
    from redhive.engine.strategies.evaluator import Evaluator, Rating
    from redhive.engine.targets.base import Target

__all__ = ["Strategy", "StrategyResult", "StrategyRun", "Transcript", "prefix_messages"]


def prefix_messages(probe: Probe) -> tuple[Message, ...]:
    """The probe's system prompt and pre-filled turns, as every conversation starts."""
    out: list[Message] = []
    if probe.system:
        out.append(Message("system", probe.fill(probe.system)))
    out.extend(Message(m.role, probe.fill(m.content)) for m in probe.messages)
    return tuple(out)


@dataclass(slots=True)
class Transcript:
    """The turns of one attempt, numbered in the order they happened."""

    turns: list[TurnRecord] = field(default_factory=list)
    refusals: int = 0  # answers the refusal detector called refusals

    def add(self, role: str, content: str, *, branch: str = "", parent: int | None = None,
            score: float | None = None, note: str = "") -> int:
        self.turns.append(TurnRecord(len(self.turns), role, content, branch, parent, score, note))
        return len(self.turns) - 1

    def exchange(self, prompt: str, answer: str, rating: Rating, *, branch: str = "",
                 parent: int | None = None, note: str = "") -> int:
        """A user turn and the target's answer; returns the answer's index."""
        asked = self.add("user", prompt, branch=branch, parent=parent)
        self.refusals += rating.refused
        return self.add("assistant", answer, branch=branch, parent=asked, score=rating.score,
                        note=note or rating.verdict)


@dataclass(slots=True)
class StrategyRun:
    """What one attempt of a strategy gets."""

    attempt_id: str
    probe: Probe
    gate: TargetGate  # the target under test
    params: GenerationParams
    evaluator: Evaluator


@dataclass(slots=True)
class StrategyResult:
    outcome: Outcome
    prompt: str  # the decisive (or last) prompt sent
    response: str  # and its answer
    evidence: str
    turns: list[TurnRecord]
    usage: Usage


class Strategy(abc.ABC):
    """A multi-turn attack. Subclasses set `name`, `description`, the `limits` they take with
    their defaults, and implement `execute`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    limits: ClassVar[dict[str, int]] = {}
    #: Limits that must be at least 0 rather than at least 1.
    may_be_zero: ClassVar[frozenset[str]] = frozenset()
    needs_judge: ClassVar[bool] = False

    def __init__(self, attacker: Target, judge: Target | JudgePool | None = None, **limits: int) -> None:
        """`judge`: the run's judge, as a pool shared with the run's detectors, or a bare target."""
        if self.needs_judge and judge is None:
            raise InvalidInput(f"The {self.name} strategy scores progress with a judge model: pass --judge SPEC "
                               "(for example --judge sim:judge offline, or --judge openai:gpt-4o-mini).")
        from redhive.engine.scorers.judge import JudgePool
        from redhive.engine.strategies.attacker import Attacker

        self.attacker = Attacker(attacker)
        self.judges = judge if isinstance(judge, JudgePool) or judge is None else JudgePool(judge)
        self.judge = self.judges.target if self.judges is not None else None
        self.settings: dict[str, int] = dict(self.limits)
        for key, value in limits.items():
            if key not in self.limits:
                raise InvalidInput(f"The {self.name} strategy has no limit '{key}'; "
                                   f"its limits are {', '.join(self.limits)}.")
            low = 0 if key in self.may_be_zero else 1
            if value < low:
                flag = "--" + key.replace("_", "-")
                raise InvalidInput(f"{flag} must be at least {low} for {self.name}, not {value}.")
            self.settings[key] = value

    @staticmethod
    def accepts(probe: Probe) -> bool:
        """Strategies attack single-request probes; controls, counterfactual pairs and scripted
        sequences are left to plain scans."""
        return probe.kind == "attack" and probe.prompt is not None and not probe.turns

    def describe(self) -> dict[str, Any]:
        return {"strategy": self.name, "attacker": self.attacker.target.spec,
                "judge": self.judge.spec if self.judge else None, **self.settings}

    @abc.abstractmethod
    async def execute(self, run: StrategyRun) -> StrategyResult: ...


def finish(best: tuple[str, str, Rating] | None, last: tuple[str, str, Rating] | None, transcript: Transcript,
           usage: Usage, summary: str) -> StrategyResult:
    """The attempt's result: success from the first exchange that reached the objective; else
    unscorable when the last exchange's objective had no verdict, refused when the target refused
    at least once, resisted when it answered every turn without reaching the objective."""
    chosen = best or last
    if chosen is None:
        return StrategyResult(Outcome.UNSCORABLE, "", "", f"{summary}; no exchange took place",
                              transcript.turns, usage)
    prompt, answer, rating = chosen
    if best is not None:
        outcome = Outcome.SUCCESS
    elif rating.detection.success is None:
        outcome = Outcome.UNSCORABLE
    else:
        outcome = Outcome.REFUSED if transcript.refusals else Outcome.RESISTED
    evidence = f"{summary}; {rating.detection.evidence}" if rating.detection.evidence else summary
    return StrategyResult(outcome, prompt, answer, evidence[:500], transcript.turns, usage)
