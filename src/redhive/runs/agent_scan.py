"""Agent-scan orchestration: validate a request into a recorded run of the one store (kind
`agent`), execute it on the one runner into the database (episodes stored in batches as they
finish) here or sharded across Ray workers (`runs.ray_executor`), and resume it later. The CLI
calls only this."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redhive.db.session import Database
from redhive.engine import registry
from redhive.engine.agentic.adaptive import rewrite_injections
from redhive.engine.agentic.attacks import ATTACKS, attack_names
from redhive.engine.agentic.environment import Environment
from redhive.engine.agentic.loader import load_environment
from redhive.engine.agentic.scan import plan_episodes, run_agent_scan
from redhive.engine.agentic.state import canonical_json
from redhive.engine.agentic.trace import Episode
from redhive.engine.targets.base import parse_spec
from redhive.engine.types import GenerationParams
from redhive.errors import InvalidInput, NotFound, RedhiveError
from redhive.runs import service
from redhive.runs.episodes import SqlEpisodeSink
from redhive.runs.lease import hold
from redhive.runs.lifecycle import ScanResult, close_targets, share_rpm, target_of
from redhive.runs.schemas import AgentRunConfig, Rewrite, TargetConfig
from redhive.runs.shards import agent_work

if TYPE_CHECKING:
    from redhive.runs.ray_executor import RayExecutor

__all__ = ["PreparedAgentScan", "execute", "expand_attacks", "prepare", "prepare_resume", "run_part"]

#: Attack-set names accepted by --attacks besides the attacks themselves.
ATTACK_SETS = {"injection": "the four classic templates (direct, ignore_previous, important_instructions, "
                            "system_message)",
               "all": "every attack of `redhive attacks list --agentic` (adaptive ones only with --attacker-model)",
               "dos": "the denial-of-service family", "none": "no attack: benign episodes only"}
CLASSIC = ("direct", "ignore_previous", "important_instructions", "system_message")
MODES = {"flag": ["flag"], "halt": ["halt"], "both": ["flag", "halt"]}


@dataclass(slots=True)
class PreparedAgentScan:
    config: AgentRunConfig
    environments: list[Environment]
    api_key: str | None = None
    run_id: str | None = None  # set when resuming

    @property
    def plan_size(self) -> int:
        return self.mode_size * len(self.config.monitor_modes)

    @property
    def mode_size(self) -> int:
        """Episodes of one monitor mode."""
        return sum(1 for _ in self._plans())

    @property
    def adaptive(self) -> list[str]:
        """The run's attacks whose texts an attacker model writes."""
        return [a for a in self.config.attacks if ATTACKS[a].needs_attacker]

    @property
    def rewrites(self) -> dict[tuple[str, str, str, str], str] | None:
        """The attacker model's texts kept with the run, as the engine looks them up."""
        if self.config.rewrites is None:
            return None
        return {(r.env, r.user_task, r.injection_task, r.attack): r.text for r in self.config.rewrites}

    def _plans(self) -> Any:
        c = self.config
        return plan_episodes(self.environments, [t.spec for t in c.targets], c.attacks, repeats=c.repeats,
                             benign=c.benign, user_tasks=c.user_tasks, injection_tasks=c.injection_tasks,
                             seed=c.seed)


def expand_attacks(names: Sequence[str]) -> tuple[list[str], bool]:
    """The attacks to run, and whether any attack was asked for (`none` alone: benign only)."""
    out: list[str] = []
    for raw in names:
        for name in (n.strip() for n in raw.split(",")):
            if not name:
                continue
            if name == "injection":
                out += CLASSIC
            elif name == "all":
                out += attack_names()
            elif name == "dos":
                out += [a for a in attack_names() if ATTACKS[a].dos]
            elif name == "none":
                continue
            elif name in ATTACKS:
                out.append(name)
            else:
                sets = ", ".join(ATTACK_SETS)
                raise NotFound(f"Unknown agentic attack '{name}'. Known: {', '.join(attack_names())}, or the sets "
                               f"{sets}.")
    return list(dict.fromkeys(out)), bool(out)


def fingerprint(env: Environment) -> str:
    """Changes when the environment's data, tasks or tools change (so a resume would not match)."""
    body = {
        "templates": env.templates, "slots": {k: v.model_dump() for k, v in env.slots.items()},
        "system_prompt": env.system_prompt, "tools": [t.spec() for t in env.kind.tools],
        "user_tasks": [t.model_dump(mode="json", by_alias=True) for t in env.user_tasks.values()],
        "injection_tasks": [t.model_dump(mode="json", by_alias=True) for t in env.injection_tasks.values()],
    }
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()[:16]


def prepare(*, targets: list[TargetConfig], envs: list[str], attacks: list[str], monitor: str, repeats: int,
            concurrency: int, max_steps: int, episode_timeout: float, seed: int, params: dict[str, Any],
            api_key: str | None, benign: bool = True, user_tasks: list[str] | None = None,
            injection_tasks: list[str] | None = None, user_model: TargetConfig | None = None,
            attacker_model: TargetConfig | None = None) -> PreparedAgentScan:
    """Validate everything before anything runs: unknown names and bad files fail here."""
    if not targets:
        raise InvalidInput("No target given: pass --target, for example --target sim:agent-naive.")
    if not envs:
        raise InvalidInput("No environment given: pass --env, for example --env workspace.")
    if monitor not in MODES:
        raise InvalidInput(f"--monitor must be flag, halt or both, not '{monitor}'.")
    for name, value, least in (("--repeats", repeats, 1), ("--concurrency", concurrency, 1),
                               ("--max-steps", max_steps, 1)):
        if value < least:
            raise InvalidInput(f"{name} must be at least {least}, not {value}.")
    if episode_timeout <= 0:
        raise InvalidInput(f"--episode-timeout must be positive, not {episode_timeout:g}.")
    specs = [t.spec for t in targets]
    if len(set(specs)) != len(specs):
        raise InvalidInput("A target is given twice.")
    for tc in [*targets, *([user_model] if user_model else []), *([attacker_model] if attacker_model else [])]:
        registry.get("target", parse_spec(tc.spec)[0])  # unknown kinds fail before anything runs
    names = [e.strip() for raw in envs for e in raw.split(",") if e.strip()]
    loaded = [load_environment(n) for n in names]
    if len({e.name for e in loaded}) != len(loaded):
        raise InvalidInput("An environment is given twice.")
    chosen, attacked = expand_attacks(attacks)
    if not attacked and not benign:
        raise InvalidInput("Nothing to run: --attacks none together with --no-benign leaves no episode.")
    adaptive = [a for a in chosen if ATTACKS[a].needs_attacker]
    if adaptive and attacker_model is None:
        if any(a.strip() == "all" for raw in attacks for a in raw.split(",")):
            chosen = [a for a in chosen if a not in adaptive]  # the sets take it only with an attacker model
        else:
            raise InvalidInput(f"The attack {', '.join(adaptive)} needs an attacker model: pass --attacker-model "
                               "(sim:attacker for a deterministic one).")
    for what, wanted, table in (("user task", user_tasks, "user_tasks"), ("injection task", injection_tasks,
                                                                          "injection_tasks")):
        known = {t for e in loaded for t in getattr(e, table)}
        missing = sorted(set(wanted or ()) - known)
        if missing:
            raise NotFound(f"No {what} {', '.join(missing)} in {', '.join(e.name for e in loaded)}.")
    config = AgentRunConfig(
        targets=targets, envs=names, env_fingerprints={e.name: fingerprint(e) for e in loaded}, attacks=chosen,
        monitor_modes=MODES[monitor], benign=benign, user_tasks=user_tasks or None,
        injection_tasks=injection_tasks or None, repeats=repeats, concurrency=concurrency, max_steps=max_steps,
        episode_timeout=episode_timeout, seed=seed, user_model=user_model, params=params,
        attacker_model=attacker_model,
    )
    return PreparedAgentScan(config, loaded, api_key)


async def prepare_resume(db: Database, run_id: str, api_key: str | None, *, rpm_share: int = 1) -> PreparedAgentScan:
    """The recorded run, ready to execute what it lacks. `rpm_share`: the processes that share
    the run's requests-per-minute quotas (each gets its share: `runs.shards`)."""
    async with db.session() as session:
        run = await service.get_run(session, run_id, "agent")
        config = AgentRunConfig.model_validate(run.config)
    share_rpm([*config.targets, config.user_model, config.attacker_model], rpm_share)
    loaded = [load_environment(n) for n in config.envs]
    for env in loaded:
        if config.env_fingerprints.get(env.name) != fingerprint(env):
            raise InvalidInput(
                f"Environment '{env.name}' changed since agent run {run_id} started, so its remaining episodes "
                "would not match the stored ones: start a new agent scan instead of resuming."
            )
    return PreparedAgentScan(config, loaded, api_key, run_id)


async def execute(db: Database, prepared: PreparedAgentScan, *,
                  on_start: Callable[[str, int, int], None] | None = None,
                  on_episode: Callable[[Episode], None] | None = None,
                  on_progress: Callable[[str], None] | None = None,
                  executor: RayExecutor | None = None) -> ScanResult:
    """Create (or reopen) the run, execute what is missing (mode by mode), record how it ended.

    `on_start(run_id, plan_size, already_stored)` fires before the first episode; `on_episode`
    as each finishes here. `executor`: shard the run across Ray workers instead (each runs
    `run_part` on its shard), whose progress is `on_progress(outcome)` once per stored episode
    (`queries.episode_outcomes`: success for a successful injection, error for an unscored one,
    else its status)."""
    c = prepared.config
    planned = prepared.plan_size
    written = await _rewrite(prepared)  # before Ray starts and before the run is recorded
    if executor is not None:
        executor.check(db)  # a refusal leaves nothing behind
    try:
        async with db.session() as session:  # refused while another process holds the run
            run = await service.open_run(session, "agent", c, planned, prepared.run_id)
            if written and prepared.run_id is not None:
                run.config = c.model_dump(mode="json")  # a run recorded before rewrites were kept
            run_id = run.id
    except BaseException:
        if executor is not None:
            executor.close()
        raise
    async with db.session() as session:
        already = await service.count_attempts(session, run_id)
    if on_start is not None:
        on_start(run_id, planned, already)
    async with hold(db, run_id):
        if executor is None:
            outcome = await run_part(db, prepared, run_id, c.monitor_modes, on_episode=on_episode)
        else:
            outcome = await executor.execute(db, run_id, agent_work(prepared), on_progress)
    async with db.session() as session:
        await service.finish_run(session, run_id, outcome.status,
                                 None if outcome.error is None else outcome.error.message)
    return outcome


async def run_part(db: Database, prepared: PreparedAgentScan, run_id: str, modes: Sequence[str], *,
                   span: tuple[int, int] | None = None, seq: int | None = None,
                   on_episode: Callable[[Episode], None] | None = None) -> ScanResult:
    """Execute `modes` of the run (all of them, or one shard: `span` of a mode's plan, numbering
    its episodes from `seq`) into the database on the one runner, with the run's limits, and close
    the targets it built: what every executor runs."""
    c = prepared.config
    targets = [target_of(tc, prepared.api_key) for tc in c.targets]
    user = target_of(c.user_model) if c.user_model else None  # roles never get the targets' key
    outcome = ScanResult(run_id, "completed")
    try:
        for mode in modes:
            sink = SqlEpisodeSink(db, run_id, mode, seq=None if span is None or seq is None
                                  else (seq, seq + span[1] - span[0]))
            await run_agent_scan(
                targets, prepared.environments, c.attacks, mode,  # type: ignore[arg-type]
                repeats=c.repeats, benign=c.benign, user_tasks=c.user_tasks, injection_tasks=c.injection_tasks,
                max_steps=c.max_steps, episode_timeout=c.episode_timeout, concurrency=c.concurrency,
                seed=c.seed, params=GenerationParams(**c.params), on_episode=on_episode, keep=False,
                user_model=user, episode_sink=sink, result=outcome.result, rewrites=prepared.rewrites, span=span)
    except RedhiveError as exc:
        outcome.status, outcome.error = "failed", exc
    except (asyncio.CancelledError, KeyboardInterrupt):
        outcome.status = "interrupted"
    finally:
        await close_targets([*targets, *([user] if user else [])])
    return outcome


async def _rewrite(prepared: PreparedAgentScan) -> bool:
    """Have the attacker model write the adaptive attacks' texts once and keep them in the run's
    config (D54); whether it wrote them now (they were not kept yet)."""
    c = prepared.config
    adaptive = prepared.adaptive
    if not adaptive or c.rewrites is not None:
        return False
    if c.attacker_model is None:
        raise InvalidInput(f"The attack {', '.join(adaptive)} needs an attacker model: pass --attacker-model "
                           "(sim:attacker for a deterministic one).")
    attacker = target_of(c.attacker_model)  # roles never get the targets' key
    try:
        texts = await rewrite_injections(attacker, prepared.environments, adaptive, user_tasks=c.user_tasks,
                                         injection_tasks=c.injection_tasks, params=GenerationParams(**c.params))
    finally:
        await close_targets([attacker])
    c.rewrites = [Rewrite(env=env, user_task=task, injection_task=inj, attack=attack, text=text)
                  for (env, task, inj, attack), text in texts.items()]
    return True
