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
