"""A mission's red-team report for an audience, through the database and the command line: the
sections are there, the numbers come only from fields the audience may see, nothing above it is in
the file, it is audited, and bad input is one sentence with exit code 2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.disclosure.pdf_text import flowing, joined, pdf_available
from tests.disclosure.test_exports import _validated_flaw
from tests.disclosure.world import Lab, lab
from tests.platform_fixtures import PASSWORD, Platform
from typer.testing import CliRunner

from redhive.audit.models import AuditEvent
from redhive.auth.models import User
from redhive.cli import app as cli
from redhive.findings.models import Flaw, FlawReport, Remediation
from redhive.kit import utcnow
from redhive.missions.models import Mission

ROOT = "CANARY-ROOT-CAUSE"
FIX = "CANARY-FIX-NOTES"


async def mission_with_a_flaw(platform: Platform, w: Lab) -> tuple[str, str]:
    """A Lab mission with one validated, assessed flaw in re-test: its report measured 3/4 under the
    `core` suite's role-play attack; a root cause and a mitigation the triage team wrote."""
    flaw_id = await _validated_flaw(platform, w)
    async with platform.session() as session:
        now = utcnow()
        mission = Mission(org_id=w.org.id, title="Pre-release evaluation <b>Chatty</b>", objective="", in_scope="",
                          out_of_scope="", risk_areas={"jailbreak": 1, "privacy": 1}, languages={"en": 1},
                          regions={"EU": 1}, disciplines={"security": 1}, created_at=now, updated_at=now)
        session.add(mission)
        await session.flush()
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None
        flaw.mission_id, flaw.root_cause, flaw.state = mission.id, ROOT, "retesting"
        for report in (await session.scalars(select(FlawReport).where(FlawReport.flaw_id == flaw_id))).all():
            report.mission_id = mission.id
            report.reproducibility = {"trials": 4, "successes": 3, "sampling": "playground"}
            report.replication = {"suite": "core", "attack": "roleplay", "probe_id": "jb-001"}
        session.add(Remediation(flaw_id=flaw_id, kind="classifier", notes=FIX, created_at=now))
        return mission.id, flaw_id


async def _cli(platform: Platform, *args: str, who: str = "Coordinator") -> Any:
    async with platform.session() as session:
        email = str(await session.scalar(select(User.email).where(User.display_name == who)))
    return await asyncio.to_thread(CliRunner().invoke, cli, ["report", *args, "--as", email])


async def test_a_mission_report_for_green_and_for_amber_strict(platform: Platform, db_url: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    w = await lab(platform)
    mission_id, flaw_id = await mission_with_a_flaw(platform, w)
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)

    green = tmp_path / "green.json"
    result = await _cli(platform, "--mission", mission_id, "--audience", "TLP:GREEN", "--format", "json",
                        "-o", str(green))
    assert result.exit_code == 0, result.output
    assert "for TLP:GREEN" in result.output
    data = json.loads(green.read_text())
    text = green.read_text()
    assert data["audience"] == "TLP:GREEN" and data["tlp"] == "TLP:GREEN"
    # GREEN: titles, taxonomy, severity; not the root cause, the mitigation, the trials or the packets
    for secret in (ROOT, FIX, "CANARY-DESC", "CANARY-STEPS", "CANARY-PROMPT", "roleplay"):
        assert secret not in text, secret
    [finding] = data["findings"]
    assert finding["id"] == flaw_id and finding["band"] in ("S0", "S1", "S2", "S3", "S4")
    assert finding["mitigation"] == {"withheld": "TLP:AMBER"} and finding["retest"] == "re-testing"
    assert data["attack_success"]["reported"] == [] and data["attack_success"]["reported_left_out"] == 1
    assert data["methodology"]["suites"] == [] and data["methodology"]["replication_withheld"] == 1
    assert data["methodology"]["risk_areas"] == ["jailbreak", "privacy"]
    assert data["executive_summary"]["flaws"] == 1 and data["executive_summary"]["in_retest"] == 1

    strict = tmp_path / "strict.html"
    result = await _cli(platform, "--mission", mission_id, "--audience", "TLP:AMBER+STRICT", "--format", "html",
                        "-o", str(strict))
    assert result.exit_code == 0, result.output
    html = strict.read_text()
    assert FIX in html and "core" in html and "roleplay" in html
    assert "LLM01:2025" in html and "75.0%" in html  # 3 of 4 trials, pooled by risk area, with its interval
    assert "Pre-release evaluation &lt;b&gt;Chatty&lt;/b&gt;" in html and "<b>Chatty</b>" not in html  # autoescaped
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org", "")  # self-contained

    if pdf_available():
        pdf = tmp_path / "green.pdf"
        result = await _cli(platform, "--mission", mission_id, "--audience", "TLP:GREEN", "--format", "pdf",
                            "-o", str(pdf))
        assert result.exit_code == 0 and "(pdf, for TLP:GREEN)" in result.output, result.output
        text, flat = flowing(pdf.read_bytes()), joined(pdf.read_bytes())
        assert "Red-teamreport:Pre-releaseevaluation<b>Chatty</b>" in flat  # the markup printed as text
        assert finding["title"].replace(" ", "") in flat and "Withheld (TLP:AMBER)" in text
        assert not any(secret in flat for secret in (ROOT, FIX, "CANARY-DESC", "roleplay"))
        audiences = ["TLP:GREEN", "TLP:AMBER+STRICT", "TLP:GREEN"]
    else:
        audiences = ["TLP:GREEN", "TLP:AMBER+STRICT"]

    async with platform.session() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure.reported"))).all()
    assert [(e.after or {}).get("audience") for e in events] == audiences

    for args, words in ((["--mission", mission_id, "--audience", "TLP:RED", "-o", str(green)], "never a file"),
                        (["--mission", mission_id, "--format", "docx", "-o", str(green)], "Unknown report format"),
                        (["--mission", "nope", "-o", str(green)], "There is no mission nope"),
                        (["--mission", mission_id], "needs -o FILE")):
        bad = await _cli(platform, *args)
        assert bad.exit_code == 2 and words in bad.output and "Traceback" not in bad.output, bad.output
    outsider = await _cli(platform, "--mission", mission_id, "-o", str(green), who="Outsider")
    assert outsider.exit_code == 2 and f"There is no mission {mission_id}" in outsider.output
