"""What happens to a flaw after triage: severity assessments (two assessors, agreement), replays
of the replication packet through the engine (k/N with a Wilson interval, feeding the reliability
factor), remediations, regression re-tests on new versions and transfer tests on other systems."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record, record_refusal
from redhive.auth.permissions import Actor, can, require
from redhive.engine import TargetOptions
from redhive.errors import InvalidInput, NotFound
from redhive.findings import lifecycle, sla
from redhive.findings.models import Flaw, FlawReport, RegressionCase, Remediation, Replay, SeverityAssessment
from redhive.findings.replay import ReplayOutcome, engine_sender, run_conversation, run_packet
from redhive.findings.schemas import RegressionResult, RemediationCreate
from redhive.findings.service import _moved, conversation_packet, get_flaw, get_report
from redhive.findings.severity import (
    EXPOSURE_LEVELS,
    RUBRIC_VERSION,
    SeverityInputs,
    agreement,
    band_of,
    priority,
    reliability_level,
)
from redhive.gateway.replays import gateway_sender, replay_grant, route_for
from redhive.joint import notices
from redhive.kit import SecretBox, utcnow
from redhive.orgs.models import AISystem, SystemVersion
from redhive.orgs.service import reveal_credential

__all__ = ["add_remediation", "assess", "assessor_agreement", "check_replay", "record_regression", "record_transfer",
           "regress", "regression_cases", "replay_report", "retest_case", "set_exposure", "transfer_one",
           "transfer_targets", "transfer_test", "version_order"]


def _options(version: SystemVersion, box: SecretBox | None) -> TargetOptions | None:
    if not version.upstream_base_url and not version.upstream_credential_encrypted:
        return None
    key = reveal_credential(version, box) if box is not None else None
    return TargetOptions(base_url=version.upstream_base_url, api_key=key)


async def _conversation(session: AsyncSession, actor: Actor, packet: dict[str, Any], version: SystemVersion,
                        trials: int, box: SecretBox | None, gateway: Any) -> ReplayOutcome:
    """Through the gateway when the version is a target of the conversation's mission (recorded in its
    transcript); straight to the version's upstream otherwise (e.g. a new build to re-test)."""
    messages = list(packet.get("messages") or [])
    if gateway is not None and box is not None and packet.get("mission_id"):
        grant = await replay_grant(session, actor, str(packet["mission_id"]), box)
        model = route_for(grant, version.id)
        if model is not None:
            return await run_conversation(messages, gateway_sender(gateway, grant, model), trials, f"gateway:{model}")
    send, close = engine_sender(version.upstream_target, _options(version, box))
    try:
        return await run_conversation(messages, send, trials, version.upstream_target)
    finally:
        await close()


async def _run(session: AsyncSession, actor: Actor, packet: dict[str, Any], version: SystemVersion,
               trials: int, purpose: str, box: SecretBox | None, *, report_id: str | None = None,
               flaw_id: str | None = None, result: str = "", gateway: Any = None) -> tuple[Replay, ReplayOutcome]:
    if packet.get("kind") == "conversation":
        outcome = await _conversation(session, actor, packet, version, trials, box, gateway)
    else:
        outcome = await run_packet(dict(packet), version.upstream_target, trials, _options(version, box))
    replay = Replay(report_id=report_id, flaw_id=flaw_id, version_id=version.id, purpose=purpose,
                    target=outcome.target, trials=outcome.trials, successes=outcome.successes,
                    errors=outcome.errors, ci_low=outcome.ci_low, ci_high=outcome.ci_high, result=result,
                    actor_id=actor.user_id, created_at=utcnow())
    session.add(replay)
    await session.flush()
    return replay, outcome


def _reliability(outcome: ReplayOutcome, version_id: str) -> dict[str, object]:
    return {"trials": outcome.trials, "successes": outcome.successes, "low": outcome.ci_low,
            "high": outcome.ci_high, "rate": round(outcome.rate, 4), "version_id": version_id}


async def check_replay(session: AsyncSession, actor: Actor,
                       report_id: str) -> tuple[FlawReport, SystemVersion, dict[str, Any]]:
    """The report, its pinned version and the packet to replay, once the actor may replay it."""
    report = await get_report(session, actor, report_id)
    require(actor, "findings.triage", report.org_id)
    version = await session.get(SystemVersion, report.version_id)
    assert version is not None
    packet = dict(report.replication) if report.replication else await conversation_packet(session, report)
    if not packet:
        raise InvalidInput("This report has neither a replication packet (suite, probe_id, attack) nor a cited "
                           "gateway exchange to replay: add one first.")
    return report, version, packet


async def replay_report(session: AsyncSession, actor: Actor, report_id: str, *, trials: int = 10,
                        box: SecretBox | None = None, gateway: Any = None) -> Replay:
    """Replay the report's packet (or, for a report found by hand, the conversation it cites, through
    the gateway) `trials` times against its pinned version; its flaw takes the measured reliability."""
    report, version, packet = await check_replay(session, actor, report_id)
    replay, outcome = await _run(session, actor, packet, version, trials, "replay", box,
                                 report_id=report.id, flaw_id=report.flaw_id, gateway=gateway)
    if report.flaw_id:
        flaw = await session.get(Flaw, report.flaw_id)
        assert flaw is not None
        flaw.reliability = _reliability(outcome, version.id)
    await record(session, actor, "findings.replayed", object_type="report", object_id=report.id,
                 org_id=report.org_id, after={"trials": outcome.trials, "successes": outcome.successes,
                                              "ci95": [outcome.ci_low, outcome.ci_high], "target": outcome.target})
    return replay


async def assess(session: AsyncSession, actor: Actor, flaw_id: str, *, inputs: SeverityInputs) -> SeverityAssessment:
    """One assessor's rubric inputs (replacing their earlier ones). A measured reliability overrides
    the assessor's guess; the flaw's band is the more severe of its assessments."""
    flaw = await get_flaw(session, actor, flaw_id)
    require(actor, "findings.assess", flaw.org_id)
    stored = inputs.model_dump()
    if flaw.reliability and flaw.reliability.get("trials"):
        rate = float(flaw.reliability["successes"]) / float(flaw.reliability["trials"])
        stored["reliability"] = reliability_level(rate)
        stored["reliability_measured"] = dict(flaw.reliability)
    band = band_of(SeverityInputs(**{k: v for k, v in stored.items() if k in SeverityInputs.model_fields}))
    existing = await session.scalar(select(SeverityAssessment).where(
        SeverityAssessment.flaw_id == flaw.id, SeverityAssessment.assessor_id == actor.user_id))
    if existing is None:
        existing = SeverityAssessment(flaw_id=flaw.id, assessor_id=str(actor.user_id), created_at=utcnow())
        session.add(existing)
    existing.rubric_version, existing.inputs, existing.band = RUBRIC_VERSION, stored, band
    await session.flush()
    bands = (await session.scalars(select(SeverityAssessment.band).where(SeverityAssessment.flaw_id == flaw.id))).all()
    flaw.band = min(bands)  # "S0" < "S1": the more severe
    flaw.priority = priority(flaw.band, flaw.exposure)
    target = sla.FIX_TARGET[flaw.band]
    flaw.fix_due_at = sla.aware(flaw.validated_at or flaw.created_at) + target if target else None
    await record(session, actor, "findings.severity_assessed", object_type="flaw", object_id=flaw.id,
                 org_id=flaw.org_id, after={"band": band, "flaw_band": flaw.band, "inputs": stored,
                                            "rubric": RUBRIC_VERSION})
    if flaw.state in ("validated", "severity_assessed"):
        await _moved(session, actor, "flaw", flaw, "severity_assessed", f"band {flaw.band} ({RUBRIC_VERSION})")
    return existing


async def set_exposure(session: AsyncSession, actor: Actor, flaw_id: str, *, exposure: int,
                       reason: str = "") -> Flaw:
    """Triagers set how far the affected versions reach (1 internal … 4 public, widely deployed);
    the priority follows (band weight × exposure)."""
    flaw = await get_flaw(session, actor, flaw_id)
    require(actor, "findings.triage", flaw.org_id)
    if exposure not in EXPOSURE_LEVELS:
        raise InvalidInput("Exposure is 1 (internal) to 4 (public, widely deployed).", field="exposure")
    before = {"exposure": flaw.exposure, "priority": flaw.priority}
    flaw.exposure = exposure
    flaw.priority = priority(flaw.band, exposure)
    flaw.updated_at = utcnow()
    await record(session, actor, "findings.exposure_set", object_type="flaw", object_id=flaw.id, org_id=flaw.org_id,
                 before=before, after={"exposure": exposure, "priority": flaw.priority, "reason": reason})
    await session.flush()
    return flaw


async def assessor_agreement(session: AsyncSession, actor: Actor, org_id: str) -> dict[str, object]:
    require(actor, "findings.view", org_id)
    rows = (await session.execute(select(SeverityAssessment.flaw_id, SeverityAssessment.band)
                                  .join(Flaw, Flaw.id == SeverityAssessment.flaw_id)
                                  .where(Flaw.org_id == org_id).order_by(SeverityAssessment.created_at))).all()
    by_flaw: dict[str, list[str]] = {}
    for flaw_id, band in rows:
        by_flaw.setdefault(flaw_id, []).append(band)
    result = agreement([(b[0], b[1]) for b in by_flaw.values() if len(b) >= 2])
    return {"pairs": result.pairs, "exact_band_agreement": result.exact, "weighted_kappa": result.weighted_kappa}


async def add_remediation(session: AsyncSession, actor: Actor, flaw_id: str, *, data: RemediationCreate) -> Remediation:
    flaw = await get_flaw(session, actor, flaw_id)
    require(actor, "findings.remediate", flaw.org_id)
    if data.target_version_id is not None:
        version = await session.get(SystemVersion, data.target_version_id)
        if version is None or version.system_id != flaw.system_id:
            raise InvalidInput("The target version must be a version of the flaw's system.", field="target_version_id")
    if flaw.state not in ("acknowledged", "in_remediation", "regressed", "partially_mitigated"):
        raise InvalidInput(f"A remediation is planned once the developer acknowledged the flaw; this flaw is "
                           f"{flaw.state}.", field="state")
    remediation = Remediation(flaw_id=flaw.id, kind=data.kind, ticket_url=data.ticket_url,
                              target_version_id=data.target_version_id, due_on=data.due_on, notes=data.notes,
                              created_by_id=actor.user_id, created_at=utcnow())
    session.add(remediation)
    await session.flush()
    await record(session, actor, "findings.remediation_added", object_type="flaw", object_id=flaw.id,
                 org_id=flaw.org_id, after={"kind": data.kind, "ticket_url": data.ticket_url})
    if flaw.state in ("acknowledged", "regressed", "partially_mitigated"):
        await _moved(session, actor, "flaw", flaw, "in_remediation", f"remediation {data.kind} planned")
    return remediation


def version_order(version: SystemVersion) -> tuple[str, str]:
    """Older first: by release date, then by when the version was registered."""
    released = version.release_date.isoformat() if version.release_date else ""
    return (released or sla.aware(version.created_at).date().isoformat(), sla.aware(version.created_at).isoformat())


def _verdict(rate: float, baseline: float | None, case: RegressionCase) -> str:
    if rate <= case.max_success_rate:
        return "fixed"
    if baseline is not None and rate < baseline:
        return "partially_mitigated"
    return "not_fixed"


async def _walk(session: AsyncSession, actor: Actor, flaw: Flaw, path: Sequence[str], reason: str) -> None:
    for state in path:
        if state != flaw.state:
            await _moved(session, actor, "flaw", flaw, state, reason)


async def regression_cases(session: AsyncSession, actor: Actor, *, system_id: str, version_id: str,
                           flaw_id: str | None = None) -> tuple[AISystem, SystemVersion, list[RegressionCase]]:
    """The system, the version to re-test and its regression cases (the one of `flaw_id`), once the
    actor may run them."""
    system = await session.get(AISystem, system_id)
    if system is None:
        raise NotFound(f"There is no AI system {system_id}.")
    require(actor, "findings.remediate", system.org_id)
    version = await session.get(SystemVersion, version_id)
    if version is None or version.system_id != system.id:
        raise InvalidInput(f"{version_id} is not a version of {system.name}.", field="version_id")
    query = select(RegressionCase).where(RegressionCase.system_id == system.id)
    if flaw_id is not None:
        query = query.where(RegressionCase.flaw_id == flaw_id)
    cases = list((await session.scalars(query.order_by(RegressionCase.created_at, RegressionCase.id))).all())
    if flaw_id is not None and not cases:
        raise InvalidInput("This flaw has no regression case (its reports carry no replication packet or recorded "
                           "conversation): add one to a report, then validate it again.")
    return system, version, cases


async def retest_case(session: AsyncSession, actor: Actor, case: RegressionCase, version: SystemVersion, *,
                      trials: int = 10, box: SecretBox | None = None, now: datetime | None = None,
                      gateway: Any = None) -> RegressionResult:
    """Re-run one regression case on `version` and move its flaw (see `regress`)."""
    flaw = await session.get(Flaw, case.flaw_id)
    assert flaw is not None
    replay, outcome = await _run(session, actor, case.packet, version, trials, "regression", box, flaw_id=flaw.id,
                                 gateway=gateway)
    baseline = float(flaw.reliability["rate"]) if flaw.reliability and "rate" in flaw.reliability else None
    verdict = _verdict(outcome.rate, baseline, case)
    why = f"re-test on {version.label}: {outcome.successes}/{outcome.trials} successes"
    if flaw.state == "resolved":
        fixed_on = await session.get(SystemVersion, flaw.fixed_version_id) if flaw.fixed_version_id else None
        if verdict != "fixed" and fixed_on is not None and version_order(version) < version_order(fixed_on):
            verdict = "still_affected"  # older than the fix: known affected, not a regression
        elif verdict != "fixed":
            verdict = "regressed"
            await _moved(session, actor, "flaw", flaw, "regressed", why)
    elif flaw.state in ("in_remediation", "fix_ready", "retesting", "partially_mitigated", "regressed"):
        lead = ["fix_ready", "retesting"] if flaw.state == "in_remediation" else ["retesting"]
        await _walk(session, actor, flaw, lead, why)
        final = {"fixed": "resolved", "partially_mitigated": "partially_mitigated"}.get(verdict, "in_remediation")
        lifecycle.check("flaw", flaw.state, final)
        await _moved(session, actor, "flaw", flaw, final, why)
        if final == "resolved":
            flaw.fixed_version_id = version.id
    replay.result = verdict
    case.last_version_id, case.last_result, case.last_run_at = version.id, verdict, now or utcnow()
    return RegressionResult(flaw_id=flaw.id, replay_id=replay.id, successes=outcome.successes,
                            trials=outcome.trials, result=verdict, state=flaw.state)


async def record_regression(session: AsyncSession, actor: Actor, system: AISystem, version: SystemVersion,
                            results: Sequence[RegressionResult]) -> None:
    await record(session, actor, "findings.regression_run", object_type="ai_system", object_id=system.id,
                 org_id=system.org_id, after={"version_id": version.id, "cases": len(results),
                                              "results": {r.flaw_id: r.result for r in results}})


async def regress(session: AsyncSession, actor: Actor, *, system_id: str, version_id: str, trials: int = 10,
                  box: SecretBox | None = None, now: datetime | None = None,
                  flaw_id: str | None = None, gateway: Any = None) -> list[RegressionResult]:
    """Re-run every regression case of the system (or the one of `flaw_id`) on `version_id` and move
    each flaw: in remediation → retesting → resolved / partially_mitigated / back to in_remediation;
    resolved → regressed when a version as new as the fixed one fails. An older version that fails
    leaves a resolved flaw resolved: the replay records it as still affected (the fix is not in it).
    The web app runs this as a job, one committed step per case (redhive.findings.tasks)."""
    system, version, cases = await regression_cases(session, actor, system_id=system_id, version_id=version_id,
                                                    flaw_id=flaw_id)
    out = [await retest_case(session, actor, case, version, trials=trials, box=box, now=now, gateway=gateway)
           for case in cases]
    await record_regression(session, actor, system, version, out)
    return out


async def transfer_targets(session: AsyncSession, actor: Actor, flaw_id: str, version_ids: Sequence[str]
                           ) -> tuple[Flaw, RegressionCase, list[tuple[SystemVersion, AISystem]]]:
    """The flaw, its packet and the versions to transfer it to, once the actor may run each. A refused
    target (or one that does not exist: the same 404) is audited in both organisations' logs."""
    flaw = await get_flaw(session, actor, flaw_id)
    require(actor, "findings.triage", flaw.org_id)
    case = await session.scalar(select(RegressionCase).where(RegressionCase.flaw_id == flaw.id))
    if case is None:
        raise InvalidInput("This flaw has no replication packet to transfer.")
    targets: list[tuple[SystemVersion, AISystem]] = []
    for version_id in dict.fromkeys(version_ids):
        version = await session.get(SystemVersion, version_id)
        system = await session.get(AISystem, version.system_id) if version is not None else None
        if version is None or system is None or not can(actor, "systems.test", actor.relations(system.org_id)):
            attempt = {"flaw_id": flaw.id, "version_id": version_id}
            record_refusal(session, actor, "findings.transfer_refused", object_type="flaw", object_id=flaw.id,
                           org_id=flaw.org_id, after=attempt)
            if system is not None and system.org_id != flaw.org_id:
                record_refusal(session, actor, "findings.transfer_refused", object_type="system_version",
                               object_id=version_id, org_id=system.org_id, after=attempt)
            raise NotFound(f"There is no system version {version_id} that you may run tests on: choose a version "
                           "of a system your organisation tests (its triagers, coordinators or admins may).")
        if version.system_id == flaw.system_id:
            raise InvalidInput(f"{version_id} is a version of the flaw's own system: transfer tests run on other "
                               "systems (use a regression re-test for new versions).", field="version_ids")
        targets.append((version, system))
    return flaw, case, targets


async def transfer_one(session: AsyncSession, actor: Actor, flaw: Flaw, case: RegressionCase,
                       version: SystemVersion, system: AISystem, *, trials: int = 10, box: SecretBox | None = None,
                       gateway: Any = None) -> Replay:
    """Run the flaw's packet on one version of another system (audited in that system's organisation)."""
    replay, outcome = await _run(session, actor, case.packet, version, trials, "transfer", box, flaw_id=flaw.id,
                                 gateway=gateway)
    replay.result = "affected" if outcome.successes else "unaffected"
    if system.org_id != flaw.org_id:
        await record(session, actor, "findings.transfer_tested", object_type="system_version",
                     object_id=version.id, org_id=system.org_id,
                     after={"flaw_id": flaw.id, "flaw_org_id": flaw.org_id, "result": replay.result})
        if replay.result == "affected":  # another developer learns of it only through the coordinator
            await notices.file_notice(session, actor, flaw, replay, system)
    return replay


async def record_transfer(session: AsyncSession, actor: Actor, flaw: Flaw, results: dict[str, str]) -> None:
    await record(session, actor, "findings.transfer_tested", object_type="flaw", object_id=flaw.id,
                 org_id=flaw.org_id, after=results)


async def transfer_test(session: AsyncSession, actor: Actor, flaw_id: str, *, version_ids: Sequence[str],
                        trials: int = 10, box: SecretBox | None = None, gateway: Any = None) -> list[Replay]:
    """Run a validated flaw's packet against versions of other registered systems. Each target runs
    on its owner's upstream and credential, so the actor must also hold `systems.test` in the target's
    organisation; refusals happen before anything runs, and every run is audited. The web app runs
    this as a job, one committed step per version (redhive.findings.tasks)."""
    flaw, case, targets = await transfer_targets(session, actor, flaw_id, version_ids)
    out = [await transfer_one(session, actor, flaw, case, version, system, trials=trials, box=box, gateway=gateway)
           for version, system in targets]
    await record_transfer(session, actor, flaw, {r.version_id: r.result for r in out})
    return out


async def report_of(session: AsyncSession, actor: Actor, report_id: str) -> FlawReport:
    return await get_report(session, actor, report_id)
