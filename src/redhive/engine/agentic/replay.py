"""Replaying traces without a model.

* `replay_actions` re-executes the recorded tool calls on a sandbox reset from the same seed and
  injections, and compares the state hash after every call with the recorded one;
* `replay_episode` re-runs the whole loop (monitors included) with the model's recorded turns
  played back by a `ScriptedTarget`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redhive.engine.agentic.environment import Environment
from redhive.engine.agentic.loop import EpisodePlan, LoopLimits, run_episode
from redhive.engine.agentic.monitors import Monitor, MonitorMode
from redhive.engine.agentic.trace import Episode
from redhive.engine.targets.base import Target, TargetOptions
from redhive.engine.types import Completion, GenerationParams, Message, ToolCall, Usage
from redhive.errors import NotFound

__all__ = ["ReplayReport", "ScriptedTarget", "replay_actions", "replay_episode"]


@dataclass(slots=True)
class ReplayReport:
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)
    final_hash: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatches


def replay_actions(episode: Episode, env: Environment) -> ReplayReport:
    """Re-execute every recorded call that ran; each state hash must match the recording."""
    sandbox = env.reset(episode.seed, episode.injections, env.user_tasks.get(episode.user_task))
    report = ReplayReport()
    if sandbox.state_hash != episode.initial_hash:
        report.mismatches.append("initial state differs")
    for step in episode.steps:
        for action in step.actions:
            if action.ran:
                sandbox.execute(action.tool, action.args or {})
            report.checked += 1
            if sandbox.state_hash != action.state_hash:
                report.mismatches.append(f"step {step.index}, call {action.call_id} ({action.tool}): state differs")
    report.final_hash = sandbox.state_hash
    if report.final_hash != episode.final_hash:
        report.mismatches.append("final state differs")
    return report


class ScriptedTarget(Target):
    """Answers with a fixed list of completions, in order (then an empty answer)."""

    def __init__(self, completions: Sequence[Completion], spec: str = "scripted:replay") -> None:
        super().__init__(spec, TargetOptions(max_retries=0))
        self.completions = list(completions)
        self.calls = 0

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        index = self.calls
        self.calls += 1
        return self.completions[index] if index < len(self.completions) else Completion(text="")

    @classmethod
    def from_episode(cls, episode: Episode) -> ScriptedTarget:
        return cls([
            Completion(
                text=step.text,
                tool_calls=tuple(ToolCall(a.call_id, a.tool, a.arguments) for a in step.actions),
                usage=Usage(step.input_tokens, step.output_tokens),
                finish_reason=step.finish_reason,
            )
            for step in episode.steps
        ])


async def replay_episode(episode: Episode, env: Environment, *, monitor_mode: MonitorMode | None = None,
                         monitors: Sequence[Monitor] | None = None, max_steps: int | None = None) -> Episode:
    """Run the loop again on the recorded model turns (another monitor mode may be given)."""
    try:
        task = env.user_tasks[episode.user_task]
        inj = env.injection_tasks[episode.injection_task] if episode.injection_task else None
    except KeyError as exc:
        raise NotFound(f"Environment {env.name} has no task {exc.args[0]} recorded in the episode.") from None
    plan = EpisodePlan(env, task, inj, episode.attack, episode.target, episode.repeat, episode.seed,
                       dict(episode.injections))
    mode: Any = monitor_mode or episode.monitor_mode
    limits = LoopLimits(max_steps=max_steps or max(1, len(episode.steps)), timeout=600.0)
    return await run_episode(ScriptedTarget.from_episode(episode), plan, monitor_mode=mode, monitors=monitors,
                             limits=limits)
