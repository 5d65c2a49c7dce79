"""Acceptance (issue 3): `redhive scan --suite core --attack all` against sim:guarded completes,
and its summary and HTML report show results by converter and by risk area, plus the bias
significance tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redhive.cli import app
from redhive.engine import load_suite, parse_attacks

runner = CliRunner()


@pytest.mark.slow
def test_scan_core_with_every_attack_reports_by_converter_and_risk_area(tmp_path: Path) -> None:
    html = tmp_path / "all.html"
    result = runner.invoke(app, ["scan", "--suite", "core", "--attack", "all", "--target", "sim:guarded",
                                 "--json", "--html", str(html)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    core = load_suite("core")
    assert summary["run"]["status"] == "completed"
    parsed = parse_attacks("all")
    chains = {chain.name for chain in parsed}
    readable = {chain.name for chain in parsed if chain.keeps_request}
    assert len(chains) > 25 and "none" in readable and "roleplay" in readable and "base64" not in readable
    attacks = [p for p in core.probes if p.kind == "attack"]
    controls = len(core.probes) - len(attacks)
    # controls (harmless requests) go only through the chains that keep them readable
    assert summary["totals"]["attempts"] == len(attacks) * len(chains) + controls * len(readable)
    assert summary["totals"]["errors"] == 0

    by_attack = {row["attack"]: row for row in summary["attacks"]}
    assert set(by_attack) == chains
    assert by_attack["base64"]["successes"] > 0  # the guarded filter does not decode
    by_area = {row["risk_area"]: row for row in summary["categories"]}  # the headline: attack probes only
    assert set(by_area) == {p.risk_area for p in attacks}
    assert all(row["attempts"] == sum(p.risk_area == area for p in attacks) * len(by_attack)
               for area, row in by_area.items())
    assert controls and summary["totals"]["over_refusal"]["controls"] == controls * len(readable)

    pooled = [d for d in summary["disparities"] if d["probe_id"] is None and d["attack"] == "none"]
    assert pooled and pooled[0]["significant"]  # sim:guarded declines older applicants (G15)

    page = html.read_text(encoding="utf-8")
    assert "By target and risk area" in page and "By target and attack (converter chain)" in page
    assert "Bias: significance of counterfactual disparities" in page
    rows = re.findall(r"<tr class=\"[^\"]*\"><td>sim:guarded</td><td>([a-z0-9_]+)</td>", page)
    assert {"base64", "rot13", "morse", "none"} <= set(rows)
    assert {"jailbreak", "bias"} <= set(rows) and "over_refusal" not in rows
    assert "Over-refusal by target" in page and "harmless requests refused" in page
