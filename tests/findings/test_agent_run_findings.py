"""An agent run files flaw reports as a probe run does (one store, D52): one draft per monitor mode ×
environment × attack with successful injections, on the version whose target ran them, each figure
recounted here from the stored episodes, citing episodes whose hash-chained traces are checked when
cited and shown with their verdict."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest
from sqlalchemy import select, update
from tests.findings.helpers import add_version
from tests.gateway.conftest import World
from tests.platform_fixtures import PASSWORD
from typer.testing import CliRunner

from redhive.cli import app as cli
from redhive.errors import InvalidInput
from redhive.findings.evidence import verify_evidence
from redhive.findings.models import FlawReport
from redhive.findings.views import evidence_of
from redhive.runs.models import AgentEpisode


def test_agent_run_drafts_reports_citing_verified_episodes(world: World, db_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    runner = CliRunner()
    naive = asyncio.run(add_version(world, "agent-v0", "sim:agent-naive"))
    hardened = asyncio.run(add_version(world, "agent-v1", "sim:agent-hardened"))
    scan = runner.invoke(cli, ["agent-scan", "-t", "sim:agent-naive", "-t", "sim:agent-hardened", "--env", "workspace",
                               "--attacks", "direct,important_instructions", "--json"])
    assert scan.exit_code in (0, 1), scan.output
    run_id = json.loads(scan.stdout[scan.stdout.index("{"):])["run"]["id"]

    async def truth() -> tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str, str]]]:
        async with world.db.sessions() as session:
            rows = (await session.scalars(select(AgentEpisode).where(AgentEpisode.run_id == run_id))).all()
        trials = Counter((e.target, e.env, e.attack) for e in rows
                         if e.attack and e.status != "error" and e.injection_success is not None)
        wins = Counter((e.target, e.env, e.attack) for e in rows if e.attack and e.injection_success)
        return trials, wins

    trials, wins = asyncio.run(truth())
    assert wins[("sim:agent-naive", "workspace", "direct")] > 0  # the fixture: the naive agent obeys injections

    drafted = runner.invoke(cli, ["findings", "from-run", run_id, "--version", naive, "--version", hardened,
                                  "--as", "coord@example.test"])
    assert drafted.exit_code == 0, drafted.output
    titles = [line.split("  ", 2)[2] for line in drafted.output.splitlines() if line.startswith("  ")]
    expected = {(target, attack) for (target, _, attack), n in wins.items() if n}
    assert len(titles) == len(expected)
    for title in titles:
        label = title.split(" on ")[1].split(":")[0]
        target = "sim:agent-naive" if label == "agent-v0" else "sim:agent-hardened"
        attack = title.split(" under ")[1].split(" on ")[0]
        key = (target, "workspace", attack)
        assert title.endswith(f": {wins[key]} of {trials[key]} episodes"), (title, wins, trials)

    async def check_evidence() -> None:
        async with world.db.sessions() as session:
            report = (await session.scalars(select(FlawReport).where(FlawReport.title.in_(titles)))).first()
            assert report is not None and report.evidence and all(e.startswith("episode:") for e in report.evidence)
            assert set(report.taxonomy) >= {"LLM01:2025", "AML.T0051.001"}
            shown = await evidence_of(session, report.evidence[:2])
            assert all(e.kind == "episode" and e.verified and "hash chain intact" in e.verdict for e in shown)
            assert any(role == "injected" for role, _ in shown[0].turns)
            ref = report.evidence[0]
            _, mode, episode_id = ref.partition(":")[2].split("/")
            stored = await session.get(AgentEpisode, (run_id, mode, episode_id))
            assert stored is not None
            edited = {**json.loads(stored.trace), "injection_success": False}  # someone hides the flaw
            await session.execute(update(AgentEpisode).where(AgentEpisode.id == episode_id)
                                  .values(trace=json.dumps(edited)))
            await session.commit()
            with pytest.raises(InvalidInput, match="fails its hash check"):
                await verify_evidence(session, [ref], mission_id=None, user_id=None, may_cite_others=True)
            with pytest.raises(InvalidInput, match="does not exist"):
                await verify_evidence(session, [f"episode:{run_id}/{mode}/nope"], mission_id=None, user_id=None,
                                      may_cite_others=True)

    asyncio.run(check_evidence())
