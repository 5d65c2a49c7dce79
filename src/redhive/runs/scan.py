"""Scan orchestration: turn a request into a recorded run, execute it through the engine into the
database, and resume it later. The CLI (and later the server's jobs) call only this."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redhive.db.session import Database
from redhive.engine import registry
from redhive.engine.converters.base import Chain, parse_attacks
from redhive.engine.plan import Plan, suite_fingerprint
from redhive.engine.policies import load_policy
from redhive.engine.policies.checks import policy_checks
from redhive.engine.records import AttemptSink
from redhive.engine.resilience import TargetGate
from redhive.engine.runner import Runner
from redhive.engine.scorers.base import TextDetector
from redhive.engine.scorers.judge import JudgePool
from redhive.engine.scorers.pii import PiiDetector
from redhive.engine.strategies import Strategy, parse_strategies
from redhive.engine.suites import Suite, load_suite
from redhive.engine.targets.base import Target, parse_spec
from redhive.engine.targets.profile import TargetProfile, handshake
from redhive.engine.types import GenerationParams
from redhive.errors import InvalidInput, RedhiveError
from redhive.kit import logs
from redhive.runs import service
from redhive.runs.lease import hold
from redhive.runs.lifecycle import ScanResult, close_targets, share_rpm, target_of
from redhive.runs.schemas import RunConfig, StrategyConfig, TargetConfig
from redhive.runs.shards import probe_work
from redhive.runs.store import SqlAttemptSink

if TYPE_CHECKING:
    from redhive.engine.metrics import RunnerMetrics
    from redhive.runs.ray_executor import RayExecutor

log = logging.getLogger(__name__)

__all__ = ["APPLICATION_CHECKS", "OutcomeFn", "PreparedScan", "ScanResult", "build_targets", "execute",
           "prepare_resume", "prepare_scan", "run_part"]

#: Called once per attempt finished, with its outcome (success, refused, resisted, unscorable, error).
OutcomeFn = Callable[[str], None]

#: What every answer of an application is checked for, whatever the probe asked: personal data of
#: someone the request did not name is a leak in any answer (issue 13).
APPLICATION_CHECKS: tuple[TextDetector, ...] = (PiiDetector(),)


@dataclass(slots=True)
class PreparedScan:
    config: RunConfig
    suites: list[Suite]
    chains: list[Chain]
    api_key: str | None = None  # the targets' key from --api-key: never sent to another role
    run_id: str | None = None  # set when resuming
    helper: Target | None = None  # the helper model of model-assisted converters
    strategies: list[Strategy] = field(default_factory=list)
    judge: Target | None = None  # the run's judge: strategies' progress and judge detectors
    attacker: Target | None = None  # the strategies' attacker
    judges: JudgePool | None = None  # the judge as the strategies and detectors share it

    @property
    def checks(self) -> list[TextDetector]:
        """The rules of the scan's policies, checked on every attack's answers."""
        return policy_checks([load_policy(ref.removeprefix("policy:")) for ref in self.config.suites
                              if ref.startswith("policy:")])

    @property
    def risk_areas(self) -> set[str]:
        return {probe.risk_area for suite in self.suites for probe in suite.probes}

    @property
    def roles(self) -> list[Target]:
        """The models the run uses besides its targets, each built once and closed at the end."""
        return [t for t in (self.helper, self.judge, self.attacker) if t is not None]

    @property
    def plan(self) -> Plan:
        return Plan(self.suites, self.chains, [t.spec for t in self.config.targets], self.config.repeats,
                    self.strategies, self.config.modes)


def prepare_scan(*, targets: list[TargetConfig], suites: list[str], attacks: list[str] | None,
                 repeats: int, concurrency: int, params: dict[str, Any], api_key: str | None,
                 helper_model: TargetConfig | None = None, strategy: StrategyConfig | None = None,
                 judge: TargetConfig | None = None) -> PreparedScan:
    """Validate everything before anything runs: unknown names and bad files fail here."""
    if not targets:
        raise InvalidInput("No target given: pass --target, for example --target sim:guarded.")
    if not suites:
        raise InvalidInput("No suite given: pass --suite, for example --suite core.")
    if repeats < 1:
        raise InvalidInput(f"--repeats must be at least 1, not {repeats}.")
    if concurrency < 1:
        raise InvalidInput(f"--concurrency must be at least 1, not {concurrency}.")
    loaded = [load_suite(s) for s in suites]
    for tc in targets:
        registry.get("target", parse_spec(tc.spec)[0])  # unknown kinds fail before anything runs
    if strategy is not None and attacks:
        raise InvalidInput("Converters do not apply to multi-turn strategies: drop --attack, or run it in a "
                           "separate scan without --strategy.")
    helper, judge_model = _role(helper_model), _role(judge)
    attacker = _role(strategy.attacker) if strategy else None
    judges = JudgePool(judge_model) if judge_model is not None else None
    chains = parse_attacks(attacks or None, helper=_gate(helper))
    strategies = _strategies(strategy, attacker, judges)
    config = RunConfig(
        targets=targets, suites=suites, suite_fingerprints={s.name: suite_fingerprint(s) for s in loaded},
        attacks=[s.name for s in strategies] or [c.name for c in chains], helper_model=helper_model,
        strategy=strategy, judge=judge, repeats=repeats, concurrency=concurrency, params=params,
    )
    prepared = PreparedScan(config, loaded, chains, api_key, helper=helper, strategies=strategies,
                            judge=judge_model, attacker=attacker, judges=judges)
    if strategies and prepared.plan.size == 0:
        raise InvalidInput("No probe of these suites can be attacked by a multi-turn strategy (they take "
                           "single-request attack probes; controls, variants and scripted turns are left out).")
    return prepared


async def prepare_resume(db: Database, run_id: str, api_key: str | None, *, rpm_share: int = 1) -> PreparedScan:
    """The recorded run, ready to execute what it lacks. `rpm_share`: the processes that share
    the run's requests-per-minute quotas (each gets its share: `runs.shards`)."""
    async with db.session() as session:
        run = await service.get_run(session, run_id, "probe")
        config = RunConfig.model_validate(run.config)
    share_rpm([*config.targets, config.helper_model, config.judge,
                   config.strategy.attacker if config.strategy else None], rpm_share)
    suites = [load_suite(s) for s in config.suites]
    for suite in suites:
        if config.suite_fingerprints.get(suite.name) != suite_fingerprint(suite, applications=config.has_applications):
            raise InvalidInput(
                f"Suite '{suite.name}' changed since run {run_id} started, so its remaining attempts "
                "would not match the stored ones: start a new scan instead of resuming."
            )
    helper, judge = _role(config.helper_model), _role(config.judge)
    attacker = _role(config.strategy.attacker) if config.strategy else None
    judges = JudgePool(judge) if judge is not None else None
    strategies = _strategies(config.strategy, attacker, judges)
    chains = [] if strategies else parse_attacks(config.attacks, helper=_gate(helper))
    return PreparedScan(config, suites, chains, api_key, run_id, helper, strategies, judge, attacker, judges)


async def execute(db: Database, prepared: PreparedScan, *,
                  on_start: Callable[[str, int, int], None] | None = None,
                  on_progress: OutcomeFn | None = None, metrics: RunnerMetrics | None = None,
                  executor: RayExecutor | None = None) -> ScanResult:
    """Create (or reopen) the run, execute what is missing, record how it ended.

    `on_start(run_id, plan_size, already_stored)` fires before the first attempt; `on_progress(outcome)`
    once per attempt finished. `executor`: shard the plan across Ray workers instead of running it
    here (`redhive.runs.ray_executor`); each worker runs `run_part` on its shard.
    """
    targets = build_targets(prepared.config, prepared.api_key)
    try:
        if prepared.run_id is None:
            await _profile(prepared, targets)
        if executor is not None:
            executor.check(db)  # before the run is recorded: a refusal leaves nothing behind
        plan = prepared.plan
        async with db.session() as session:  # refused while another process holds the run
            run_id = (await service.open_run(session, "probe", prepared.config, plan.size, prepared.run_id)).id
    except BaseException:
        await close_targets([*targets.values(), *prepared.roles])
        if executor is not None:
            executor.close()
        raise
    if on_start is not None:
        async with db.session() as session:
            on_start(run_id, plan.size, await service.count_attempts(session, run_id))
    logs.run_id.set(run_id)
    log.info("scan started", extra={"targets": list(targets), "planned": plan.size,
                                    "resumed": prepared.run_id is not None})
    started = time.monotonic()
    async with hold(db, run_id):
        if executor is not None:
            await close_targets([*targets.values(), *prepared.roles])  # the workers build their own
            outcome = await executor.execute(db, run_id, probe_work(prepared), on_progress)
        else:
            sink = SqlAttemptSink(db, run_id, fresh=prepared.run_id is None)
            outcome = await run_part(prepared, run_id, plan, targets, sink, on_progress, metrics)
    async with db.session() as session:
        await service.finish_run(session, run_id, outcome.status,
                                 None if outcome.error is None else outcome.error.message)
    counts = outcome.result.counts
    log.info("scan finished", extra={
        "status": outcome.status, "attempts": counts.attempts, "successes": counts.success, "errors": counts.error,
        "skipped": outcome.result.skipped, "retries": outcome.result.retries,
        "input_tokens": outcome.result.usage.input_tokens, "output_tokens": outcome.result.usage.output_tokens,
        "seconds": round(time.monotonic() - started, 3),
        **({"error": outcome.error.message} if outcome.error is not None else {})})
    return outcome


async def run_part(prepared: PreparedScan, run_id: str, plan: Plan, targets: dict[str, Target],
                   sink: AttemptSink, on_progress: OutcomeFn | None = None,
                   metrics: RunnerMetrics | None = None) -> ScanResult:
    """Execute `plan` (the whole run's, or one shard of it) into `sink` with the run's limits,
    retries and scoring, and close the targets and roles: the one runner every executor uses."""
    runner = Runner(plan, targets, sink, params=GenerationParams(**prepared.config.params),
                    concurrency=prepared.config.concurrency, judges=prepared.judges, checks=prepared.checks,
                    application_checks=APPLICATION_CHECKS, metrics=metrics,
                    on_progress=None if on_progress is None else (lambda record: on_progress(record.outcome)))
    outcome = ScanResult(run_id, "completed")
    logs.run_id.set(run_id)  # a Ray worker's log lines carry the run too
    try:
        outcome.result = await runner.run()
    except RedhiveError as exc:
        outcome.status, outcome.error, outcome.result = "failed", exc, runner.result
    except (asyncio.CancelledError, KeyboardInterrupt):
        outcome.status, outcome.result = "interrupted", runner.result
    finally:
        await close_targets([*targets.values(), *prepared.roles])
    return outcome


async def _profile(prepared: PreparedScan, targets: dict[str, Target]) -> None:
    """Find out which targets are applications (their own system prompt) before the plan is made;
    the profiles are recorded with the run, and resume uses them as they were."""
    config = prepared.config
    for tc in config.targets:
        profile = (TargetProfile(tc.mode, "given") if tc.mode is not None
                   else await handshake(targets[tc.spec]))
        config.profiles[tc.spec] = profile.as_dict()
    config.suite_fingerprints = {s.name: suite_fingerprint(s, applications=config.has_applications)
                                 for s in prepared.suites}


def build_targets(config: RunConfig, api_key: str | None) -> dict[str, Target]:
    out: dict[str, Target] = {}
    for tc in config.targets:
        if tc.spec in out:
            raise InvalidInput(f"Target '{tc.spec}' is given twice.")
        out[tc.spec] = target_of(tc, api_key)
    return out


def _role(config: TargetConfig | None) -> Target | None:
    """A judge, attacker or helper model: its own endpoint and key, never the targets' key."""
    if config is None:
        return None
    registry.get("target", parse_spec(config.spec)[0])  # unknown kinds fail before anything runs
    return target_of(config)


def _strategies(config: StrategyConfig | None, attacker: Target | None, judge: JudgePool | None) -> list[Strategy]:
    if config is None:
        return []
    return parse_strategies(config.names, attacker=attacker, judge=judge, limits=config.limits)


def _gate(helper: Target | None) -> TargetGate | None:
    """Converters reach the helper model through the same limits and retries as any target."""
    return TargetGate(helper) if helper is not None else None
