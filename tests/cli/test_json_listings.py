"""`--json` on the listing commands: `runs list`, `suites list`, `attacks list [--agentic]`,
`audit verify` and `export` each print one JSON document a script can read (same exit code)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from redhive.cli import app

runner = CliRunner()


def as_json(*args: str, code: int = 0) -> object:
    result = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_runs_list_json() -> None:
    assert as_json("runs", "list") == []
    scanned = runner.invoke(app, ["scan", "--json", "-t", "sim:naive", "-s", "core", "-a", "none"],
                            catch_exceptions=False)
    summary = json.loads(scanned.stdout)
    runs = as_json("runs", "list")
    assert isinstance(runs, list) and len(runs) == 1
    assert runs[0]["id"] == summary["run"]["id"] and runs[0]["targets"] == ["sim:naive"]
    assert runs[0]["suites"] == ["core"] and runs[0]["attempts"] == runs[0]["planned"] == summary["totals"]["attempts"]
    assert runs[0]["successes"] == summary["totals"]["successes"] and runs[0]["status"] == "completed"


def test_one_run_store_lists_and_shows_both_kinds(tmp_path: Path) -> None:
    """Scans and agent scans are runs of one store: one listing with their kinds and counts, one
    `runs show` for either, and each kind's own commands refuse the other kind in one sentence."""
    probe = json.loads(runner.invoke(app, ["scan", "--json", "-t", "sim:naive", "-s", "core", "-a", "none"],
                                     catch_exceptions=False).stdout)
    scanned = runner.invoke(app, ["agent-scan", "--json", "-t", "sim:agent-naive", "--env", "workspace", "--attacks",
                                  "direct", "--user-task", "invoice-total"], catch_exceptions=False)
    agent = json.loads(scanned.stdout)
    runs = as_json("runs", "list")
    assert isinstance(runs, list)
    assert [(r["id"], r["kind"]) for r in runs] == [(agent["run"]["id"], "agent"), (probe["run"]["id"], "probe")]
    assert runs[0]["episodes"] == runs[0]["planned"] == agent["run"]["stored"] and runs[0]["envs"] == ["workspace"]
    assert runs[0]["successes"] == agent["metrics"]["targeted_asr"]["k"]
    assert runs[1]["attempts"] == probe["totals"]["attempts"]
    assert [r["id"] for r in as_json("runs", "list", "--kind", "agent")] == [agent["run"]["id"]]
    assert [r["id"] for r in as_json("agent-runs", "list")] == [agent["run"]["id"]]
    assert as_json("runs", "show", agent["run"]["id"])["metrics"] == agent["metrics"]
    refused = runner.invoke(app, ["agent-runs", "show", probe["run"]["id"]])
    assert refused.exit_code == 2 and "it is a probe run" in refused.output and "Traceback" not in refused.output
    assert runner.invoke(app, ["runs", "list", "--kind", "both"]).exit_code == 2
    episodes = str(tmp_path / "episodes.jsonl")
    exported = runner.invoke(app, ["export", agent["run"]["id"], "--jsonl", episodes, "--json"])
    assert json.loads(exported.stdout) == [{"format": "jsonl", "file": episodes, "count": agent["run"]["stored"]}]


def test_export_json(tmp_path: Path) -> None:
    scanned = runner.invoke(app, ["scan", "--json", "-t", "sim:naive", "-s", "core", "-a", "none"],
                            catch_exceptions=False)
    summary = json.loads(scanned.stdout)
    written = as_json("export", summary["run"]["id"], "--jsonl", str(tmp_path / "a.jsonl"),
                      "--sarif", str(tmp_path / "a.sarif"))
    assert written == [{"format": "jsonl", "file": str(tmp_path / "a.jsonl"), "count": summary["totals"]["attempts"]},
                       {"format": "sarif", "file": str(tmp_path / "a.sarif"), "count": summary["totals"]["successes"]
                        + summary["totals"]["over_refusal"]["refusals"]}]


def test_suites_and_attacks_json() -> None:
    suites = as_json("suites", "list")
    assert isinstance(suites, list)
    core = next(s for s in suites if s["name"] == "core")
    assert core["probes"] == sum(core["risk_areas"].values()) > 0
    attacks = as_json("attacks", "list")
    assert isinstance(attacks, dict)
    assert any(c["name"] == "base64" for c in attacks["converters"])
    assert {"name", "description", "needs_judge", "limits"} <= set(attacks["strategies"][0])
    agentic = as_json("attacks", "list", "--agentic")
    assert isinstance(agentic, dict) and agentic["attacks"] and {"family", "source"} <= set(agentic["attacks"][0])


def test_audit_verify_json_for_an_unknown_mission_is_still_one_sentence() -> None:
    result = runner.invoke(app, ["audit", "verify", "no-such-mission", "--json"])
    assert result.exit_code == 2 and "no-such-mission" in result.output
