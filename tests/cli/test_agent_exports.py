"""`redhive agent-runs export`: an agent run's episodes as JSONL (traces included), JUnit (a
successful injection is a failure) and SARIF 2.1.0 validated against the OASIS schema."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from redhive.cli import app

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
runner = CliRunner()


def test_agent_run_exports(tmp_path: Path) -> None:
    scanned = runner.invoke(app, ["agent-scan", "--target", "sim:agent-naive", "--env", "workspace", "--attacks",
                                  "important_instructions", "--json"], catch_exceptions=False)
    assert scanned.exit_code == 0, scanned.output
    run_id = json.loads(scanned.stdout)["run"]["id"]
    files = {k: tmp_path / f"agent.{k}" for k in ("jsonl", "xml", "sarif")}
    done = runner.invoke(app, ["agent-runs", "export", run_id, "--jsonl", str(files["jsonl"]), "--junit",
                               str(files["xml"]), "--sarif", str(files["sarif"]), "--sarif-uri", "agents.yaml"],
                         catch_exceptions=False)
    assert done.exit_code == 0, done.output
    rows = [json.loads(line) for line in files["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["run_id"] == run_id and r["trace"] and r["seal"] for r in rows)
    injected = [r for r in rows if r["injection_success"]]
    assert injected  # the naive agent follows injections
    suites = ET.parse(files["xml"]).getroot()
    assert len(suites.findall(".//testcase")) == len(rows)
    assert int(suites.get("failures", "-1")) == len(suites.findall(".//failure")) == len(injected)
    log = json.loads(files["sarif"].read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(injected) and {r["ruleId"] for r in results} == {r["injection_task"] for r in injected}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "agents.yaml"
    missing = runner.invoke(app, ["agent-runs", "export", "no-such-run", "--jsonl", str(tmp_path / "x.jsonl")])
    assert missing.exit_code == 2 and "no-such-run" in missing.output and not (tmp_path / "x.jsonl").exists()
