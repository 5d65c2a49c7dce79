"""Scan orchestration: turn a request into a recorded run, execute it through the engine into the
database, and resume it later. The CLI (and later the server's jobs) call only this."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redhive.engine import registry
from redhive.engine.converters.base import Chain, parse_attacks
from redhive.engine.plan import Plan, suite_fingerprint
from redhive.engine.records import AttemptRecord, AttemptSink
from redhive.engine.resilience import TargetGate
from redhive.engine.runner import Runner
from redhive.engine.suites import Suite, load_suite
from redhive.engine.targets.base import Target, parse_spec
from redhive.engine.targets.profile import TargetProfile, handshake
from redhive.engine.types import GenerationParams
from redhive.errors import InvalidInput, RedhiveError
from redhive.kit import logs
from redhive.kit.ids import new_run_id
from redhive.runs.lifecycle import ScanResult, close_targets, share_rpm, target_of
from redhive.runs.schemas import RunConfig, StrategyConfig, TargetConfig

if TYPE_CHECKING:
    from redhive.db.session import Database
    from redhive.engine.metrics import RunnerMetrics
    from redhive.engine.scorers.base import TextDetector
    from redhive.engine.scorers.judge import JudgePool
    from redhive.engine.strategies.base import Strategy
    from redhive.runs.ray_executor import RayExecutor
    from redhive.runs.store import SqlAttemptSink

log = logging.getLogger(__name__)

__all__ = ["OutcomeFn", "PreparedScan", "ScanResult", "application_checks", "build_targets", "execute",
           "prepare_resume", "prepare_scan", "run_part"]

#: Called once per attempt finished, with its outcome (success, refused, resisted, unscorable, error).
OutcomeFn = Callable[[str], None]


def application_checks() -> tuple[TextDetector, ...]:
    """What every answer of an application is checked for, whatever the probe asked: personal data
    of someone the request did not name is a leak in any answer (issue 13)."""
    from redhive.engine.scorers.pii import PiiDetector

    return (PiiDetector(),)


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
        refs = [ref.removeprefix("policy:") for ref in self.config.suites if ref.startswith("policy:")]
        if not refs:
            return []
        from redhive.engine.policies import load_policy
        from redhive.engine.policies.checks import policy_checks

        return policy_checks([load_policy(ref) for ref in refs])

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
    judges = _judges(judge_model)
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
    from redhive.runs import service

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
    judges = _judges(judge)
    strategies = _strategies(config.strategy, attacker, judges)
    chains = [] if strategies else parse_attacks(config.attacks, helper=_gate(helper))
    return PreparedScan(config, suites, chains, api_key, run_id, helper, strategies, judge, attacker, judges)


async def execute(db: Database, prepared: PreparedScan, *,
                  on_start: Callable[[str, int, int], None] | None = None,
                  on_progress: OutcomeFn | None = None, metrics: RunnerMetrics | None = None,
                  executor: RayExecutor | None = None) -> ScanResult:
    """Create (or reopen) the run, execute what is missing, record how it ended.

    A new run executed here is recorded with its first batch of attempts (`_Record`): its first
    requests go out while the database layer loads and the schema is checked (bench/startup.py).
    A resumed run, or one sharded across Ray workers, is reopened or recorded before anything runs:
    what is missing is read from it, and the workers write into it.

    `on_start(run_id, plan_size, already_stored)` fires before the first attempt; `on_progress(outcome)`
    once per attempt finished. `executor`: shard the plan across Ray workers instead of running it
    here (`redhive.runs.ray_executor`); each worker runs `run_part` on its shard.
    """
    targets = build_targets(prepared.config, prepared.api_key)
    async with contextlib.AsyncExitStack() as held:  # the run's lease, from its recording to its end
        record = _Record(db, prepared, held)
        try:
            if prepared.run_id is None:
                await _profile(prepared, targets)
            if executor is not None:
                executor.check(db)  # before the run is recorded: a refusal leaves nothing behind
            plan = prepared.plan
            record.plan_size = plan.size
            if prepared.run_id is not None or executor is not None:
                await record.open()  # refused while another process holds the run
        except BaseException:
            await close_targets([*targets.values(), *prepared.roles])
            if executor is not None:
                executor.close()
            raise
        run_id = record.run_id
        if on_start is not None:
            on_start(run_id, plan.size, await record.stored())
        logs.run_id.set(run_id)
        log.info("scan started", extra={"targets": list(targets), "planned": plan.size,
                                        "resumed": prepared.run_id is not None})
        started = time.monotonic()
        if executor is not None:
            from redhive.runs.shards import probe_work

            await close_targets([*targets.values(), *prepared.roles])  # the workers build their own
            outcome = await executor.execute(db, run_id, probe_work(prepared), on_progress)
        else:
            outcome = await run_part(prepared, run_id, plan, targets, record, on_progress, metrics)
        await record.open()  # a new run that wrote nothing is recorded too
        await record.finish(outcome)
    counts = outcome.result.counts
    log.info("scan finished", extra={
        "status": outcome.status, "attempts": counts.attempts, "successes": counts.success, "errors": counts.error,
        "skipped": outcome.result.skipped, "retries": outcome.result.retries,
        "input_tokens": outcome.result.usage.input_tokens, "output_tokens": outcome.result.usage.output_tokens,
        "seconds": round(time.monotonic() - started, 3),
        **({"error": outcome.error.message} if outcome.error is not None else {})})
    return outcome


class _Record:
    """The run's row, and the sink of its attempts (`AttemptSink`). It is opened (a new run
    recorded, or a resumed one reopened, and leased) by `open`: before anything runs for a resumed
    run or one on Ray, and on the first write for a new run executed here, so the database layer,
    the settings and the schema check cost the first requests nothing. A database that cannot be
    written then fails the run in one sentence, with nothing half-written."""

    def __init__(self, db: Database, prepared: PreparedScan, held: contextlib.AsyncExitStack) -> None:
        self.db, self.prepared, self.held = db, prepared, held
        self.run_id = prepared.run_id or new_run_id()
        self.plan_size = 0
        self._sink: SqlAttemptSink | None = None
        self._opening = asyncio.Lock()

    async def open(self) -> SqlAttemptSink:
        async with self._opening:
            if self._sink is None:
                from redhive.runs import service
                from redhive.runs.lease import hold
                from redhive.runs.store import SqlAttemptSink

                await self.db.ensure_schema()
                async with self.db.session() as session:
                    await service.open_run(session, "probe", self.prepared.config, self.plan_size,
                                           self.prepared.run_id, new_id=self.run_id)
                await self.held.enter_async_context(hold(self.db, self.run_id))
                self._sink = SqlAttemptSink(self.db, self.run_id, fresh=self.prepared.run_id is None)
            return self._sink

    async def stored(self) -> int:
        """What the run had stored before this execution (nothing, for a run not recorded yet)."""
        if self._sink is None:
            return 0
        from redhive.runs import service

        async with self.db.session() as session:
            return await service.count_attempts(session, self.run_id)

    async def finish(self, outcome: ScanResult) -> None:
        from redhive.runs import service

        async with self.db.session() as session:
            await service.finish_run(session, self.run_id, outcome.status,
                                     None if outcome.error is None else outcome.error.message)

    async def existing(self, ids: Sequence[str]) -> set[str]:
        return set() if self._sink is None else await self._sink.existing(ids)  # not recorded: nothing stored

    async def write(self, records: Sequence[AttemptRecord]) -> None:
        await (await self.open()).write(records)


async def run_part(prepared: PreparedScan, run_id: str, plan: Plan, targets: dict[str, Target],
                   sink: AttemptSink, on_progress: OutcomeFn | None = None,
                   metrics: RunnerMetrics | None = None) -> ScanResult:
    """Execute `plan` (the whole run's, or one shard of it) into `sink` with the run's limits,
    retries and scoring, and close the targets and roles: the one runner every executor uses."""
    runner = Runner(plan, targets, sink, params=GenerationParams(**prepared.config.params),
                    concurrency=prepared.config.concurrency, judges=prepared.judges, checks=prepared.checks,
                    application_checks=application_checks() if prepared.config.has_applications else (),
                    metrics=metrics,
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


def _judges(judge: Target | None) -> JudgePool | None:
    if judge is None:
        return None
    from redhive.engine.scorers.judge import JudgePool

    return JudgePool(judge)


def _strategies(config: StrategyConfig | None, attacker: Target | None, judge: JudgePool | None) -> list[Strategy]:
    if config is None:
        return []
    from redhive.engine.strategies import parse_strategies

    return parse_strategies(config.names, attacker=attacker, judge=judge, limits=config.limits)


def _gate(helper: Target | None) -> TargetGate | None:
    """Converters reach the helper model through the same limits and retries as any target."""
    return TargetGate(helper) if helper is not None else None
