"""Regression tests for the numbers issue 17 found wrong: exposure fixed at 2 (priority = band × 2),
a re-test of an older version reopening a resolved flaw, and `from-run` pooling a run's targets."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.findings.helpers import PACKET, add_version, attack_prompt, chat_system, triager
from tests.findings.test_api_and_bad_input import login
from tests.gateway.conftest import World
from tests.platform_fixtures import PASSWORD
from typer.testing import CliRunner

from redhive.auth.permissions import Actor
from redhive.cli import app as cli
from redhive.findings import service, verification
from redhive.findings.models import Flaw, FlawReport, Replay
from redhive.findings.schemas import FlawTransition, RemediationCreate, ReportCreate, ReportTransition, SeverityInputs
from redhive.runs.models import Attempt


async def _flaw_in_remediation(world: World, tess: Actor, version_id: str | None = None) -> str:
    async with world.db.sessions() as session, session.begin():
        if version_id is None:
            from redhive.orgs.models import SystemVersion

            version_id = str(await session.scalar(select(SystemVersion.id).where(
                SystemVersion.upstream_target == "sim:guarded").order_by(SystemVersion.created_at)))
        report, _ = await service.submit_report(session, world.participant, data=ReportCreate(
            version_id=version_id, mission_id=world.mission_id, title="Role-play recites the restricted reference",
            description="Role-play framing makes the chat model recite the restricted surrogate reference.",
            attack_prompts=attack_prompt(), taxonomy=["LLM01:2025"], replication=PACKET))
        await service.transition_report(session, tess, report.id, data=ReportTransition(state="triage"))
        await service.transition_report(session, tess, report.id, data=ReportTransition(state="validated"))
        flaw_id = str((await session.get(FlawReport, report.id)).flaw_id)  # type: ignore[union-attr]
        await verification.assess(session, tess, flaw_id, inputs=SeverityInputs(harm=2, reliability=2, breadth=2,
                                                                                accessibility=2))
        for state in ("developer_notified", "acknowledged"):
            await service.transition_flaw(session, world.coordinator, flaw_id, data=FlawTransition(state=state))
        await verification.add_remediation(session, world.coordinator, flaw_id,
                                           data=RemediationCreate(kind="system_prompt"))
    return flaw_id


async def test_triagers_set_exposure_and_the_priority_follows(world: World) -> None:
    tess = await triager(world)
    flaw_id = await _flaw_in_remediation(world, tess)
    async with world.db.sessions() as session:
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None and (flaw.band, flaw.exposure, flaw.priority) == ("S2", 2, 6)
    client = await login(world, tess.email)
    try:
        r = await client.post(f"/api/findings/flaws/{flaw_id}/exposure", json={"exposure": 4, "reason": "GA"})
        assert r.status_code == 200, r.text
        assert (r.json()["exposure"], r.json()["priority"]) == (4, 12)  # S2 weight 3 × exposure 4
        r = await client.post(f"/api/findings/flaws/{flaw_id}/exposure", json={"exposure": 5})
        assert r.status_code == 422 and "exposure" in r.text
        rita = await login(world, "rt@example.test")
        try:  # the reporter may not set it (the flaw is hidden from non-triagers)
            r = await rita.post(f"/api/findings/flaws/{flaw_id}/exposure", json={"exposure": 1})
            assert r.status_code == 404
        finally:
            await rita.aclose()
    finally:
        await client.aclose()


async def test_an_older_version_that_still_fails_leaves_the_fixed_flaw_resolved(world: World) -> None:
    system = await chat_system(world)
    tess = await triager(world)
    flaw_id = await _flaw_in_remediation(world, tess)  # found on v1 (sim:guarded), the oldest version
    hardened = await add_version(world, "v2", "sim:hardened")
    async with world.db.sessions() as session, session.begin():
        first = await verification.regress(session, world.coordinator, system_id=system.id, version_id=hardened)
    assert [(r.result, r.state) for r in first] == [("fixed", "resolved")]

    from redhive.orgs.models import SystemVersion

    async with world.db.sessions() as session:
        v1 = str(await session.scalar(select(SystemVersion.id).where(SystemVersion.system_id == system.id,
                                                                      SystemVersion.label == "v1")))
    async with world.db.sessions() as session, session.begin():
        older = await verification.regress(session, world.coordinator, system_id=system.id, version_id=v1)
    # before issue 17 this said ("regressed", "regressed"): an older build without the fix reopened it
    assert [(r.result, r.state) for r in older] == [("still_affected", "resolved")]

    later = await add_version(world, "v3", "sim:guarded")
    async with world.db.sessions() as session, session.begin():
        newer = await verification.regress(session, world.coordinator, system_id=system.id, version_id=later)
    assert [(r.result, r.state) for r in newer] == [("regressed", "regressed")]
    async with world.db.sessions() as session:
        flaw = await session.get(Flaw, flaw_id)
        results = (await session.execute(select(Replay.version_id, Replay.result).where(
            Replay.flaw_id == flaw_id, Replay.purpose == "regression").order_by(Replay.created_at))).all()
    assert flaw is not None and flaw.fixed_version_id == hardened
    assert [tuple(r) for r in results] == [(hardened, "fixed"), (v1, "still_affected"), (later, "regressed")]


def test_from_run_drafts_one_report_per_target_and_version(world: World, db_url: str,
                                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    runner = CliRunner()
    naive = asyncio.run(add_version(world, "v0-naive", "sim:naive"))

    async def guarded() -> str:
        async with world.db.sessions() as session:
            from redhive.orgs.models import SystemVersion

            return str(await session.scalar(select(SystemVersion.id).where(SystemVersion.upstream_target ==
                                                                           "sim:guarded")))

    guarded_id = asyncio.run(guarded())
    result = runner.invoke(cli, ["scan", "-t", "sim:naive", "-t", "sim:guarded", "-s", "core", "-a", "roleplay",
                                 "-n", "2", "--json"])
    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout[result.stdout.index("{"):])["run"]["id"]

    async def truth() -> dict[tuple[str, str], tuple[int, int]]:
        async with world.db.sessions() as session:
            attempts = (await session.scalars(select(Attempt).where(Attempt.run_id == run_id))).all()
        out: dict[tuple[str, str], tuple[int, int]] = {}
        for a in attempts:
            wins, scored = out.get((a.target, a.risk_area), (0, 0))
            out[(a.target, a.risk_area)] = (wins + (a.outcome == "success"),
                                            scored + (a.outcome in ("success", "refused", "resisted")))
        return out

    counts = asyncio.run(truth())
    result = runner.invoke(cli, ["findings", "from-run", run_id, "--version", guarded_id, "--as",
                                 "coord@example.test"])
    assert result.exit_code == 0, result.output
    titles = [line.split("  ", 2)[2] for line in result.output.splitlines() if line.startswith("  ")]
    assert titles and all(" on v1: " in t for t in titles)
    for title in titles:  # each figure is the guarded target's own, never the two targets pooled
        area = title.split(" under ")[0].lower().replace(" ", "_")
        wins, scored = counts[("sim:guarded", area)]
        assert title.endswith(f": {wins} of {scored} attempts"), (title, counts)

    result = runner.invoke(cli, ["findings", "from-run", run_id, "--version", guarded_id, "--version", naive,
                                 "--as", "coord@example.test"])
    assert result.exit_code == 0, result.output
    assert any(" on v0-naive: " in line for line in result.output.splitlines())

    hardened = asyncio.run(add_version(world, "v9", "sim:hardened"))
    result = runner.invoke(cli, ["findings", "from-run", run_id, "--version", hardened, "--as",
                                 "coord@example.test"])
    assert result.exit_code == 2 and "has no attempt on sim:hardened" in result.output
    assert "sim:guarded, sim:naive" in result.output and "Traceback" not in result.output
