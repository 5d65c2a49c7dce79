"""Acceptance: a flagged gateway exchange → report → duplicate suggestion → validated flaw → replay
10× (k/N stored) → severity by two assessors → remediation → re-test on a hardened version →
resolved; then a later version that fails → regressed. Every step audited."""

from __future__ import annotations

from sqlalchemy import select
from tests.findings.helpers import PACKET, add_version, attack_prompt, chat_system, flagged_exchange, triager
from tests.gateway.conftest import World

from redhive.audit.models import AuditEvent
from redhive.findings import service, verification
from redhive.findings.models import Flaw, FlawReport, RegressionCase, TransitionEvent
from redhive.findings.schemas import FlawTransition, RemediationCreate, ReportCreate, ReportTransition, SeverityInputs


async def test_flagged_exchange_to_resolved_then_regressed(world: World) -> None:
    system = await chat_system(world)
    hardened = await add_version(world, "v2", "sim:hardened")
    later = await add_version(world, "v3", "sim:guarded")
    tess = await triager(world)
    async with world.db.sessions() as session:
        v1 = (await session.scalar(select(FlawReport.version_id).limit(1))) or None
    assert v1 is None  # no report yet

    # An earlier report of the same flaw, written by hand (it will be the duplicate suggestion).
    exchange, flag = await flagged_exchange(world, attack_prompt())
    async with world.db.sessions() as session, session.begin():
        earlier, none = await service.submit_report(session, world.participant, data=ReportCreate(
            version_id=str(exchange.version_id), mission_id=world.mission_id,
            title="Role-play framing makes the chat model recite the restricted reference",
            description="Asking it to play a character who knows the restricted reference gets the reference.",
            attack_prompts=attack_prompt(), taxonomy=["LLM01:2025", "AML.T0054"], replication=PACKET))
    assert none == [] and earlier.state == "submitted"

    # The report from the flagged exchange: evidence verified against the chain, prompts from the transcript.
    async with world.db.sessions() as session, session.begin():
        report, suggestions = await service.submit_from_flag(session, world.participant, flag.id, data={
            "title": "Role-play persona recites the restricted surrogate reference",
            "taxonomy": ["LLM01:2025", "AML.T0054"], "replication": PACKET,
            "reproducibility": {"trials": 3, "successes": 3, "sampling": "default"}})
    assert report.evidence == [f"exchange:{exchange.id}"] and report.mission_id == world.mission_id
    assert report.attack_prompts == attack_prompt()
    assert suggestions == []  # the participant is no triager of the organisation: no suggestions
    async with world.db.sessions() as session:
        stored = await session.get(FlawReport, report.id)
        assert stored is not None
        suggestions = await service.suggest_duplicates(session, tess, stored)
    assert suggestions and suggestions[0].report_id == earlier.id and suggestions[0].score >= 0.5

    # Triage: validate into a new flaw, the earlier report becomes its duplicate.
    async with world.db.sessions() as session, session.begin():
        await service.transition_report(session, tess, report.id, data=ReportTransition(state="triage"))
        await service.transition_report(session, tess, report.id,
                                        data=ReportTransition(state="validated", reason="reproduced by the triager"))
        flaw_id = (await session.get(FlawReport, report.id)).flaw_id  # type: ignore[union-attr]
        assert flaw_id is not None
        await service.transition_report(session, tess, earlier.id, data=ReportTransition(state="triage"))
        await service.transition_report(session, tess, earlier.id,
                                        data=ReportTransition(state="duplicate", flaw_id=flaw_id, reason="same flaw"))
    async with world.db.sessions() as session:
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None and flaw.state == "validated"
        assert await session.scalar(select(RegressionCase.id).where(RegressionCase.flaw_id == flaw_id))

    # Replay 10× against the pinned version (sim:guarded falls for role-play every time).
    async with world.db.sessions() as session, session.begin():
        replay = await verification.replay_report(session, tess, report.id, trials=10)
    assert (replay.successes, replay.trials) == (10, 10) and replay.ci_low > 0.69 and replay.ci_high == 1.0

    # Two assessors; the measured reliability (10/10 → level 4) overrides a lower guess.
    inputs = SeverityInputs(harm=3, reliability=1, breadth=2, accessibility=4)
    async with world.db.sessions() as session, session.begin():
        first = await verification.assess(session, tess, flaw_id, inputs=inputs)
        second = await verification.assess(session, world.coordinator, flaw_id,
                                           inputs=inputs.model_copy(update={"harm": 2}))
        agreement = await verification.assessor_agreement(session, world.coordinator, system.org_id)
    assert first.inputs["reliability"] == 4 and first.inputs["reliability_measured"]["successes"] == 10
    assert first.band == "S0" and second.band == "S1"
    assert agreement["pairs"] == 1 and agreement["exact_band_agreement"] == 0.0

    async with world.db.sessions() as session, session.begin():
        for state in ("developer_notified", "acknowledged"):
            await service.transition_flaw(session, world.coordinator, flaw_id, data=FlawTransition(state=state))
        await verification.add_remediation(session, world.coordinator, flaw_id, data=RemediationCreate(
            kind="system_prompt", ticket_url="https://tracker.example.test/SEC-12", target_version_id=hardened))
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None and flaw.state == "in_remediation" and flaw.band == "S0" and flaw.priority == 10

    async with world.db.sessions() as session, session.begin():
        results = await verification.regress(session, world.coordinator, system_id=system.id, version_id=hardened)
    assert [(r.result, r.state, r.successes, r.trials) for r in results] == [("fixed", "resolved", 0, 10)]

    async with world.db.sessions() as session, session.begin():
        results = await verification.regress(session, world.coordinator, system_id=system.id, version_id=later)
    assert [(r.result, r.state, r.successes) for r in results] == [("regressed", "regressed", 10)]

    async with world.db.sessions() as session:
        moves = (await session.scalars(select(TransitionEvent.to_state).where(TransitionEvent.object_id == flaw_id)
                                       .order_by(TransitionEvent.at))).all()
        audited = (await session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == flaw_id))).all()
    assert list(moves) == ["validated", "severity_assessed", "severity_assessed", "developer_notified",
                           "acknowledged", "in_remediation", "fix_ready", "retesting", "resolved", "regressed"]
    assert audited.count("findings.flaw_transition") == len(moves)
