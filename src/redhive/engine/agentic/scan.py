"""`run_agent_scan`: environments × user tasks × (no injection + injection tasks × attacks) ×
targets × repeats, run with bounded concurrency on the one runner (`engine.execution`), returning
episodes and metrics. No database here: episodes go into memory, or into the sink a caller gives
(the run store's), which also says which ids are stored, so an interrupted scan resumes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redhive.engine.agentic.adaptive import rewrite_injections
from redhive.engine.agentic.attacks import ATTACKS, attack_names, model_display_name, render_attack
from redhive.engine.agentic.environment import Environment
from redhive.engine.agentic.evaluation import EpisodeEvaluation, MemoryEpisodes
from redhive.engine.agentic.loader import load_environment
from redhive.engine.agentic.loop import EpisodePlan, LoopLimits
from redhive.engine.agentic.metrics import AgentMetrics, group_metrics
from redhive.engine.agentic.monitors import Monitor, MonitorMode
from redhive.engine.agentic.spec import InjectionTaskSpec
from redhive.engine.agentic.trace import Episode
from redhive.engine.execution import Execution, RunnerResult, Sink
from redhive.engine.resilience import TargetGate
from redhive.engine.targets.base import Target, TargetOptions, create_target
from redhive.engine.types import GenerationParams
from redhive.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from redhive.engine.metrics import RunnerMetrics

__all__ = ["AgentScanResult", "episode_seed", "plan_episodes", "run_agent_scan"]


@dataclass(slots=True)
class AgentScanResult:
    episodes: list[Episode]
    metrics: dict[str, AgentMetrics]  # per target
    skipped: int = 0
    config: dict[str, Any] = field(default_factory=dict)
    #: the runner's counts (episodes by status), usage and retries
    runner: RunnerResult = field(default_factory=RunnerResult)

    def metrics_by(self, key: Callable[[Episode], str]) -> dict[str, AgentMetrics]:
        return group_metrics(self.episodes, key)

    def to_dict(self, *, traces: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "config": self.config,
            "skipped": self.skipped,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
        }
        if traces:
            out["episodes"] = [e.to_dict() for e in self.episodes]
        return out


def episode_seed(base: int, env: str, user_task: str, injection_task: str | None, attack: str | None,
                 repeat: int) -> int:
    """The environment seed of a cell: independent of the target and the monitor mode, so runs of
    different targets or modes are paired on the same seeds."""
    key = "\x1f".join((str(base), env, user_task, injection_task or "-", attack or "-", str(repeat)))
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:6], "big")


def plan_episodes(
    envs: Sequence[Environment],
    targets: Sequence[str],
    attacks: Sequence[str],
    *,
    repeats: int = 1,
    benign: bool = True,
    user_tasks: Collection[str] | None = None,
    injection_tasks: Collection[str] | None = None,
    seed: int = 0,
    rewrites: Mapping[tuple[str, str, str, str], str] | None = None,
) -> Iterator[EpisodePlan]:
    """Every cell, in a stable order (repeats outermost). An attack's text is rendered per target
    (it names the model); `rewrites` holds an attacker model's texts per (environment, user task,
    injection task, attack)."""
    for repeat in range(repeats):
        for env in envs:
            for task in env.user_tasks.values():
                if user_tasks is not None and task.id not in user_tasks:
                    continue
                cells: list[tuple[InjectionTaskSpec | None, str | None]] = [(None, None)] if benign else []
                chosen = [i for i in env.injection_tasks.values()
                          if injection_tasks is None or i.id in injection_tasks]
                for name in attacks:
                    # a denial of service has no goal of its own: one injection task stands for all
                    cells += [(injection, name) for injection in (chosen[:1] if ATTACKS[name].dos else chosen)]
                slots = env.injection_slots(task) if len(cells) > int(benign) else []
                for inj, attack in cells:
                    s = episode_seed(seed, env.name, task.id, inj.id if inj else None, attack, repeat)
                    for target in targets:
                        injections: dict[str, str] = {}
                        if inj is not None and attack is not None:
                            text = (rewrites or {}).get((env.name, task.id, inj.id, attack)) or render_attack(
                                attack, inj.goal, env, task, injection=inj, model=model_display_name(target))
                            injections = dict.fromkeys(slots, text)
                        yield EpisodePlan(env, task, inj, attack, target, repeat, s, injections,
                                          dos=attack is not None and ATTACKS[attack].dos)


async def run_agent_scan(
    target_specs: Sequence[str | Target],
    envs: Sequence[str | Environment],
    attacks: Sequence[str] = ("important_instructions",),
    monitor_mode: MonitorMode = "flag",
    *,
    repeats: int = 1,
    benign: bool = True,
    user_tasks: Collection[str] | None = None,
    injection_tasks: Collection[str] | None = None,
    max_steps: int = 15,
    episode_timeout: float = 120.0,
    concurrency: int = 16,
    seed: int = 0,
    params: GenerationParams | None = None,
    target_options: TargetOptions | None = None,
    monitors: Sequence[Monitor] | None = None,
    skip: Collection[str] = (),
    on_episode: Callable[[Episode], None] | None = None,
    keep: bool = True,
    user_model: Target | None = None,
    attacker_model: Target | None = None,
    episode_sink: Sink[Episode] | None = None,
    batch_size: int = 64,
    metrics: RunnerMetrics | None = None,
    result: RunnerResult | None = None,
    rewrites: Mapping[tuple[str, str, str, str], str] | None = None,
    span: tuple[int, int] | None = None,
) -> AgentScanResult:
    """Run the scan; a fatal target failure (bad credentials, unreachable endpoint) stops it after
    the episodes in flight and is raised. It runs on the one runner (`engine.execution`): `skip`
    holds ids done before (or `episode_sink` is asked: a database store that gets every episode in
    batches of `batch_size`); `keep=False` keeps no episode in memory; `on_episode` is called as
    each finishes; `user_model` is the simulated user of multi-turn tasks (see `run_episode`);
    `attacker_model` writes the texts of attacks that need one (`adaptive_rewrite`, `adaptive.py`)
    unless `rewrites` holds the texts it wrote before (a recorded run's, so that every mode, resume
    and worker plants the same). `span` (first, end): only the episodes at those indices of the
    plan's order (a shard of a run, `runs.shards`)."""
    if monitor_mode not in ("flag", "halt"):
        raise InvalidInput(f"Monitor mode '{monitor_mode}' is not one of flag, halt.")
    if not target_specs:
        raise InvalidInput("Give at least one target.")
    for name in attacks:
        if name not in ATTACKS:
            raise NotFound(f"Unknown agentic attack '{name}'. Known: {', '.join(attack_names())}.")
    environments = [e if isinstance(e, Environment) else load_environment(e) for e in envs]
    for name, wanted in (("user task", user_tasks), ("injection task", injection_tasks)):
        known = {t for e in environments
                 for t in (e.user_tasks if name == "user task" else e.injection_tasks)}
        missing = sorted(set(wanted or ()) - known)
        if missing:
            raise NotFound(f"No {name} {', '.join(missing)} in {', '.join(e.name for e in environments)}.")
    targets: dict[str, Target] = {}
    owned: list[Target] = []
    for spec in target_specs:
        if isinstance(spec, Target):
            targets[spec.spec] = spec
        else:
            targets[spec] = create_target(spec, target_options)
            owned.append(targets[spec])
    gates = {spec: TargetGate(t) for spec, t in targets.items()}
    user_gate = TargetGate(user_model) if user_model is not None else None
    adaptive = [a for a in attacks if ATTACKS[a].needs_attacker]
    if adaptive and attacker_model is None and rewrites is None:
        raise InvalidInput(f"The attack {', '.join(adaptive)} needs an attacker model: pass --attacker-model "
                           "(sim:attacker for a deterministic one).")
    if adaptive and rewrites is None and attacker_model is not None:
        rewrites = await rewrite_injections(attacker_model, environments, adaptive, user_tasks=user_tasks,
                                            injection_tasks=injection_tasks, params=params)
    sink = MemoryEpisodes(skip, keep=keep)
    evaluation = EpisodeEvaluation(
        lambda: plan_episodes(environments, list(targets), attacks, repeats=repeats, benign=benign,
                              user_tasks=user_tasks, injection_tasks=injection_tasks, seed=seed, rewrites=rewrites),
        gates, monitor_mode=monitor_mode, monitors=monitors,
        limits=LoopLimits(max_steps=max_steps, timeout=episode_timeout), params=params, user_gate=user_gate,
        span=span)
    runner = Execution(evaluation, episode_sink or sink, concurrency=concurrency, batch_size=batch_size,
                       on_progress=on_episode, metrics=metrics, result=result)
    try:
        done = await runner.run()
    finally:
        for target in owned:
            await target.aclose()
    episodes = sink.episodes
    episodes.sort(key=lambda e: (e.repeat, e.env, e.user_task, e.injection_task or "", e.attack or "", e.target))
    config = {
        "targets": list(targets), "envs": [e.name for e in environments], "attacks": list(attacks),
        "monitor_mode": monitor_mode, "repeats": repeats, "benign": benign, "max_steps": max_steps,
        "episode_timeout": episode_timeout, "seed": seed,
        "user_model": user_model.spec if user_model is not None else None,
        "attacker_model": attacker_model.spec if attacker_model is not None else None,
    }
    return AgentScanResult(episodes, group_metrics(episodes, lambda e: e.target), done.skipped, config, done)
