"""Scan orchestration: turn a request into a recorded run, execute it through the engine into the
database, and resume it later. The CLI (and later the server's jobs) call only this."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redhive.db.session import Database
from redhive.engine import registry
from redhive.engine.converters.base import Chain, parse_attacks
from redhive.engine.plan import Plan, suite_fingerprint
from redhive.engine.resilience import TargetGate
from redhive.engine.runner import ProgressFn, Runner, RunnerResult
from redhive.engine.strategies import Strategy, parse_strategies
from redhive.engine.suites import Suite, load_suite
from redhive.engine.targets.base import Target, TargetOptions, create_target, parse_spec
from redhive.engine.types import GenerationParams
from redhive.errors import InvalidInput, RedhiveError
from redhive.runs import service
from redhive.runs.schemas import RunConfig, StrategyConfig, TargetConfig
from redhive.runs.store import SqlAttemptSink

__all__ = ["PreparedScan", "ScanResult", "prepare_scan", "prepare_resume", "execute"]


@dataclass(slots=True)
class PreparedScan:
    config: RunConfig
    suites: list[Suite]
    chains: list[Chain]
    api_key: str | None = None
    run_id: str | None = None  # set when resuming
    helper: Target | None = None  # the helper model of model-assisted converters
    strategies: list[Strategy] = field(default_factory=list)
    models: list[Target] = field(default_factory=list)  # attacker and judge of the strategies

    @property
    def plan(self) -> Plan:
        return Plan(self.suites, self.chains, [t.spec for t in self.config.targets], self.config.repeats,
                    self.strategies)


@dataclass(slots=True)
class ScanResult:
    run_id: str
    status: str  # completed | interrupted | failed
    result: RunnerResult = field(default_factory=RunnerResult)
    error: RedhiveError | None = None


def prepare_scan(*, targets: list[TargetConfig], suites: list[str], attacks: list[str] | None,
                 repeats: int, concurrency: int, params: dict[str, Any], api_key: str | None,
                 helper_model: TargetConfig | None = None, strategy: StrategyConfig | None = None,
                 ) -> PreparedScan:
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
    helper = _target(helper_model, api_key) if helper_model else None
    chains = parse_attacks(attacks or None, helper=_gate(helper))
    strategies, models = _strategies(strategy, api_key)
    config = RunConfig(
        targets=targets, suites=suites, suite_fingerprints={s.name: suite_fingerprint(s) for s in loaded},
        attacks=[s.name for s in strategies] or [c.name for c in chains], helper_model=helper_model,
        strategy=strategy, repeats=repeats, concurrency=concurrency, params=params,
    )
    prepared = PreparedScan(config, loaded, chains, api_key, helper=helper, strategies=strategies, models=models)
    if strategies and prepared.plan.size == 0:
        raise InvalidInput("No probe of these suites can be attacked by a multi-turn strategy (they take "
                           "single-request attack probes; controls, variants and scripted turns are left out).")
    return prepared


async def prepare_resume(db: Database, run_id: str, api_key: str | None) -> PreparedScan:
    async with db.session() as session:
        run = await service.get_run(session, run_id)
        config = RunConfig.model_validate(run.config)
    suites = [load_suite(s) for s in config.suites]
    for suite in suites:
        if config.suite_fingerprints.get(suite.name) != suite_fingerprint(suite):
            raise InvalidInput(
                f"Suite '{suite.name}' changed since run {run_id} started, so its remaining attempts "
                "would not match the stored ones: start a new scan instead of resuming."
            )
    helper = _target(config.helper_model, api_key) if config.helper_model else None
    strategies, models = _strategies(config.strategy, api_key)
    chains = [] if strategies else parse_attacks(config.attacks, helper=_gate(helper))
    return PreparedScan(config, suites, chains, api_key, run_id, helper, strategies, models)


async def execute(db: Database, prepared: PreparedScan, *,
                  on_start: Callable[[str, int, int], None] | None = None,
                  on_progress: ProgressFn | None = None) -> ScanResult:
    """Create (or reopen) the run, execute what is missing, record how it ended.

    `on_start(run_id, plan_size, already_stored)` fires before the first attempt.
    """
    plan = prepared.plan
    targets = _build_targets(prepared.config, prepared.api_key)
    async with db.session() as session:
        if prepared.run_id is None:
            run = await service.create_run(session, prepared.config, plan.size)
        else:
            run = await service.reopen_run(session, prepared.run_id)
        run_id = run.id
    sink = SqlAttemptSink(db, run_id, fresh=prepared.run_id is None)
    if on_start is not None:
        async with db.session() as session:
            on_start(run_id, plan.size, await service.count_attempts(session, run_id))
    params = GenerationParams(**prepared.config.params)
    runner = Runner(plan, targets, sink, params=params, concurrency=prepared.config.concurrency,
                    on_progress=on_progress)
    outcome = ScanResult(run_id, "completed")
    try:
        outcome.result = await runner.run()
    except RedhiveError as exc:
        outcome.status, outcome.error, outcome.result = "failed", exc, runner.result
    except (asyncio.CancelledError, KeyboardInterrupt):
        outcome.status, outcome.result = "interrupted", runner.result
    finally:
        for target in [*targets.values(), *([prepared.helper] if prepared.helper else []), *prepared.models]:
            await target.aclose()
    async with db.session() as session:
        await service.finish_run(session, run_id, outcome.status,
                                 None if outcome.error is None else outcome.error.message)
    return outcome


def _build_targets(config: RunConfig, api_key: str | None) -> dict[str, Target]:
    out: dict[str, Target] = {}
    for tc in config.targets:
        if tc.spec in out:
            raise InvalidInput(f"Target '{tc.spec}' is given twice.")
        out[tc.spec] = _target(tc, api_key)
    return out


def _target(tc: TargetConfig, api_key: str | None) -> Target:
    options = TargetOptions(base_url=tc.base_url, api_key=api_key, timeout=tc.timeout,
                            max_retries=tc.max_retries, concurrency=tc.concurrency, rpm=tc.rpm, extra=tc.extra)
    return create_target(tc.spec, options)


def _strategies(config: StrategyConfig | None, api_key: str | None) -> tuple[list[Strategy], list[Target]]:
    if config is None:
        return [], []
    registry.get("target", parse_spec(config.attacker.spec)[0])
    attacker = _target(config.attacker, api_key)
    judge = _target(config.judge, api_key) if config.judge else None
    models = [attacker, *([judge] if judge else [])]
    return parse_strategies(config.names, attacker=attacker, judge=judge, limits=config.limits), models


def _gate(helper: Target | None) -> TargetGate | None:
    """Converters reach the helper model through the same limits and retries as any target."""
    return TargetGate(helper) if helper is not None else None
