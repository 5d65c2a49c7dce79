"""Exports that validate: CSAF 2.0 against the official schema, AVID through avidtools' models,
the platform's JSON against its published schema — each for one audience, nothing above it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.disclosure.formats import check_avid, check_csaf, check_export
from tests.disclosure.world import Lab, lab, report_body
from tests.platform_fixtures import PASSWORD, Platform
from typer.testing import CliRunner

from redhive.auth.models import User
from redhive.cli import app as cli

CANARIES = ("CANARY-DESC", "CANARY-STEPS", "CANARY-PROMPT")


async def _validated_flaw(platform: Platform, w: Lab) -> str:
    c = w.clients
    r = await c["reporter"].post("/api/findings/reports", json=report_body(w.version.id))
    report_id = r.json()["report"]["id"]
    for state in ("triage", "validated"):
        moved = await c["triager"].post(f"/api/findings/reports/{report_id}/transitions", json={"state": state})
        assert moved.status_code == 200, moved.text
    flaw_id: str = moved.json()["flaw_id"]
    assessed = await c["triager"].post(f"/api/findings/flaws/{flaw_id}/assessments",
                                       json={"harm": 2, "reliability": 3, "breadth": 1, "accessibility": 3})
    assert assessed.status_code == 201, assessed.text
    return flaw_id


async def test_every_format_validates_for_each_audience(platform: Platform) -> None:
    w = await lab(platform)
    flaw_id = await _validated_flaw(platform, w)
    coord = w.clients["coordinator"]
    for audience in ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT"):
        found = {}
        for fmt in ("json", "csaf", "avid", "csv"):
            r = await coord.get(f"/api/findings/orgs/{w.org.id}/export", params={"format": fmt, "audience": audience})
            assert r.status_code == 200, r.text
            found[fmt] = r.text
            assert flaw_id in r.text
        check_export(json.loads(found["json"]))
        check_csaf(json.loads(found["csaf"]))
        check_avid(json.loads(found["avid"]))
        for fmt, text in found.items():
            # the report's prompts and steps are AMBER+STRICT, its description AMBER
            assert ("CANARY-PROMPT" in text) == (audience == "TLP:AMBER+STRICT" and fmt in ("json", "csaf")), fmt
            assert ("CANARY-DESC" in text) == (audience in ("TLP:AMBER", "TLP:AMBER+STRICT")
                                               and fmt in ("json", "csaf")), fmt
        title_shown = audience != "TLP:CLEAR"
        assert ("Role-play recites the surrogate reference" in found["csaf"]) == title_shown
    green = json.loads((await coord.get(f"/api/findings/orgs/{w.org.id}/export",
                                        params={"format": "csaf", "audience": "TLP:GREEN"})).text)
    assert green["document"]["distribution"]["tlp"]["label"] == "GREEN"
    avid = json.loads((await coord.get(f"/api/findings/orgs/{w.org.id}/export", params={"format": "avid"})).text)
    assert avid[0]["impact"]["avid"]["sep_view"] == ["S0403: Adversarial Example"]

    board = await coord.get("/findings/board")  # the board's export form asks for the format and the audience
    assert f'action="/api/findings/orgs/{w.org.id}/export"' in board.text and "CSAF 2.0" in board.text
    assert "<option>TLP:GREEN</option>" in board.text and "<option>TLP:RED</option>" not in board.text

    r = await coord.get(f"/api/findings/orgs/{w.org.id}/export", params={"format": "csaf", "audience": "TLP:RED"})
    assert r.status_code == 400 and "never a file" in r.json()["error"]["message"]
    r = await coord.get(f"/api/findings/orgs/{w.org.id}/export", params={"format": "csaf", "audience": "TLP:PINK"})
    assert r.status_code == 400 and "not a TLP 2.0 label" in r.json()["error"]["message"]


async def test_cli_export_writes_a_valid_csaf_file(platform: Platform, db_url: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    w = await lab(platform)
    await _validated_flaw(platform, w)
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    runner = CliRunner()
    target = tmp_path / "advisory.json"
    async with platform.session() as session:
        coordinator_email = str(await session.scalar(select(User.email).where(User.display_name == "Coordinator")))
    result = await asyncio.to_thread(runner.invoke, cli, [
        "findings", "export", "--format", "csaf", "--audience", "TLP:GREEN", "-o", str(target),
        "--as", coordinator_email])
    assert result.exit_code == 0, result.output
    assert f"Wrote {target} (csaf, for TLP:GREEN)." in result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    check_csaf(document)
    assert not any(canary in target.read_text(encoding="utf-8") for canary in CANARIES)
    # the check itself refuses a broken advisory
    document["document"]["distribution"]["tlp"]["label"] = "AMBER+STRICT"
    with pytest.raises(AssertionError, match="is not one of"):
        check_csaf(document)
    bad = await asyncio.to_thread(runner.invoke, cli, [
        "findings", "export", "--format", "pdf", "--as", coordinator_email])
    assert bad.exit_code == 2 and "Unknown export format 'pdf'" in bad.output and "Traceback" not in bad.output


def test_avid_models_refuse_a_bare_sep_code_and_accept_the_labelled_one() -> None:
    """The export before issue 14 wrote `S0403`; avidtools wants `S0403: Adversarial Example`."""
    from pydantic import ValidationError

    taxonomy = {"risk_domain": ["Security"], "lifecycle_view": ["L06: Deployment"], "taxonomy_version": "0.2"}
    with pytest.raises(ValidationError, match="sep_view"):
        check_avid([{"impact": {"avid": {**taxonomy, "sep_view": ["S0403"]}}}])
    check_avid([{"impact": {"avid": {**taxonomy, "sep_view": ["S0403: Adversarial Example"]}}}])
