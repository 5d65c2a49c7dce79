"""`redhive agent-runs export`: an agent run's episodes as JSONL (traces included), JUnit (a
successful injection is a failure) and SARIF 2.1.0 validated against the OASIS schema."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
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


def test_agent_run_exports_as_inspect_logs(tmp_path: Path) -> None:
    scanned = runner.invoke(app, ["agent-scan", "--target", "sim:agent-naive", "--target", "sim:agent-hardened",
                                  "--env", "workspace", "--attacks", "important_instructions", "--json"],
                            catch_exceptions=False)
    assert scanned.exit_code == 0, scanned.output
    summary = json.loads(scanned.stdout)
    run_id = summary["run"]["id"]
    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    refused = runner.invoke(app, ["agent-runs", "export", run_id, "--inspect", str(tmp_path / "taken")])
    assert refused.exit_code == 2 and "choose a folder" in refused.output
    folder = tmp_path / "logs"
    done = runner.invoke(app, ["agent-runs", "export", run_id, "--inspect", str(folder), "--jsonl",
                               str(tmp_path / "agent.jsonl")], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    episodes = [json.loads(line) for line in (tmp_path / "agent.jsonl").read_text(encoding="utf-8").splitlines()]
    inspect_log = pytest.importorskip("inspect_ai.log")  # the real reader and lister, when installed
    listed = inspect_log.list_eval_logs(str(folder))  # what `inspect view` lists
    assert len(listed) == 2
    for info in listed:
        log = inspect_log.read_eval_log(info)
        mine = [e for e in episodes if e["target"] == log.eval.model]
        row = next(r for r in summary["targets"] if r["target"] == log.eval.model)
        assert log.status == "success" and log.samples is not None and len(log.samples) == len(mine)
        injected = [s for s in log.samples if "injection" in s.scores]
        assert sum(s.scores["injection"].value == "C" for s in injected) == row["targeted_asr"]["k"]
        assert sum(s.scores["utility"].value == "C" for s in log.samples) \
            == sum(bool(e["utility"]) for e in mine)
        metrics = log.results.scores[0].metrics
        assert metrics["targeted_asr"].value == row["targeted_asr"]["rate"]
        called = next(s for s in log.samples if any(m.role == "tool" for m in s.messages))
        call = next(m for m in called.messages if m.role == "assistant" and m.tool_calls)
        answer = next(m for m in called.messages if m.role == "tool")
        assert answer.tool_call_id == call.tool_calls[0].id and answer.function == call.tool_calls[0].function
        assert called.messages[0].role == "system" and called.messages[1].role == "user"
