"""The command line as a user drives it: demo, scan gating, runs, report, exports, suites."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redhive.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def scan_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["scan", "--json", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_help_lists_the_commands() -> None:
    code, output = invoke("--help")
    assert code == 0
    for command in ("demo", "scan", "runs", "report", "export", "suites", "attacks"):
        assert re.search(rf"\b{command}\b", output)


def test_demo_prints_summary_and_writes_report(tmp_path: Path) -> None:
    report = tmp_path / "demo.html"
    code, output = invoke("demo", "--html", str(report))
    assert code == 0, output
    assert "Attack success by target and risk area" in output
    assert re.search(r"Run \S+ \(completed\): (\d+) of \1 attempts", " ".join(output.split()))
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "sim:hardened" in html and "http://" not in html.split("<svg")[0]


def test_scan_json_shape_and_fail_on_gate() -> None:
    data = scan_json("--target", "sim:naive", "--suite", "core", "--attack", "none", "--fail-on", "asr>0.05")
    totals = data["totals"]
    assert {"attempts", "successes", "errors"} <= set(totals)
    assert totals["attempts"] == totals["planned"] > 0 and totals["successes"] > 0
    assert data["probes"] and {"target", "probe_id", "asr", "ci95", "attempts"} <= set(data["probes"][0])
    assert data["categories"] and {"target", "risk_area"} <= set(data["categories"][0])
    code, _ = invoke("scan", "--target", "sim:naive", "--suite", "core", "--attack", "none", "--fail-on", "asr>0.05")
    assert code == 1
    code, _ = invoke("scan", "--target", "sim:hardened", "--suite", "core", "--fail-on", "asr>0.05")
    assert code == 0


@pytest.mark.parametrize(("target", "gate", "code"), [
    # sim:guarded refuses every harmless control (its keyword filter) and leaks under framing.
    ("sim:guarded", "over_refusal.rate>0.5", 1),
    ("sim:guarded", "jailbreak.asr>0.99", 0),
    ("sim:guarded", "jailbreak.asr>0.01", 1),
    ("sim:naive", "over_refusal.rate>0.1", 0),
    ("sim:naive", "bias.attempts<1,over_refusal.controls<18", 0),
])
def test_fail_on_per_risk_area_and_over_refusal(target: str, gate: str, code: int) -> None:
    assert invoke("scan", "--target", target, "--suite", "core", "--fail-on", gate)[0] == code


def test_headline_counts_attacks_and_over_refusal_apart() -> None:
    guarded = scan_json("--target", "sim:guarded", "--suite", "core")["totals"]
    assert guarded["over_refusal"] == {**guarded["over_refusal"], "controls": 18, "refusals": 18, "rate": 1.0}
    assert guarded["attempts"] == guarded["scored"] + guarded["over_refusal"]["scored"]
    assert guarded["asr"] == round(guarded["successes"] / guarded["scored"], 4)


@pytest.mark.parametrize(("flags", "per_target"), [(["-c", "8"], 8), (["-c", "8", "--target-concurrency", "3"], 3)])
def test_concurrency_is_one_knob_unless_the_target_gets_its_own(flags: list[str], per_target: int) -> None:
    config = scan_json("-t", "sim:naive", "-s", "core", *flags)["run"]["config"]
    assert config["concurrency"] == 8 and config["targets"][0]["concurrency"] == per_target


def test_runs_list_show_report_and_exports(tmp_path: Path) -> None:
    data = scan_json("--target", "sim:guarded", "--suite", "core", "--attack", "base64", "--attack", "none")
    run_id = data["run"]["id"]
    code, output = invoke("runs", "list")
    assert code == 0 and run_id in output
    code, output = invoke("runs", "show", run_id, "--probes")
    assert code == 0 and "By probe" in output
    shown = runner.invoke(app, ["runs", "show", run_id, "--json"], catch_exceptions=False)
    assert json.loads(shown.stdout)["totals"] == data["totals"]

    html = tmp_path / "r" / "report.html"
    code, _ = invoke("report", run_id, "--html", str(html))
    assert code == 0 and "<svg" in html.read_text(encoding="utf-8")

    jsonl, junit = tmp_path / "a.jsonl", tmp_path / "a.xml"
    code, output = invoke("export", run_id, "--jsonl", str(jsonl), "--junit", str(junit))
    assert code == 0, output
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == data["totals"]["attempts"]
    assert len({r["id"] for r in rows}) == len(rows)
    # The headline counts attack probes; over-refused controls are counted apart.
    totals = data["totals"]
    over_refused = totals["over_refusal"]["refusals"]
    assert sum(r["outcome"] == "success" and r["kind"] == "attack" for r in rows) == totals["successes"]
    assert sum(r["outcome"] == "success" and r["kind"] == "control" for r in rows) == over_refused
    assert totals["over_refusal"]["controls"] == sum(r["kind"] == "control" for r in rows) > 0
    suite = ET.parse(junit).getroot()
    assert int(suite.get("tests", "0")) == len(rows)
    assert int(suite.get("failures", "0")) == totals["successes"] + over_refused
    assert len(suite.findall(".//testcase")) == len(rows)


def test_suites_coverage_matrix() -> None:
    code, output = invoke("suites", "coverage")
    assert code == 0
    assert "system_prompt_leakage" in output and "LLM07:2025 ×" in output and "AML.T0056 ×" in output
    assert "S0301 ×" in output and "LLM03:2025" in output


def test_attacks_list() -> None:
    code, output = invoke("attacks", "list")
    assert code == 0
    for name in ("base64", "rot13", "leetspeak", "roleplay", "prefix_injection", "refusal_suppression"):
        assert name in output


def test_suites_coverage_json_counts_families_languages_and_owasp() -> None:
    import json

    code, output = invoke("suites", "coverage", "--json")
    assert code == 0
    data = json.loads(output)
    assert data["suites"] == ["breadth", "core", "core-multilingual", "extended"]
    assert sum(data["languages"].values()) == data["probes"] == sum(data["families"].values())
    assert {"ar", "hi", "sw", "yo", "ta", "id", "es", "fr", "ja", "zh", "ru", "pt"} < set(data["languages"])
    assert set(data["owasp"]) == {f"LLM{i:02d}:2025" for i in range(1, 11)}
    assert data["uncovered_owasp"] == [c for c, n in data["owasp"].items() if n == 0] == []
    assert data["families"].keys() == data["family_checks"].keys() and len(data["families"]) >= 40
    assert data["probes"] >= 3000 and data["agentic"] == {} and data["owasp_agentic"] == {}
    for code in ("LLM03:2025", "LLM04:2025", "LLM06:2025", "LLM08:2025"):
        assert data["owasp"][code] >= 30, code

    code, output = invoke("suites", "coverage", "core", "--agentic", "--json")
    with_agents = json.loads(output)
    tasks = sum(with_agents["agentic"].values())
    assert code == 0 and tasks >= 30 and {"payments", "workspace"} <= set(with_agents["agentic"])
    assert with_agents["owasp_agentic"] == {"LLM01:2025": tasks, "LLM06:2025": tasks}
    assert with_agents["owasp"]["LLM06:2025"] == tasks  # core files nothing under LLM06


def test_suites_list_and_show() -> None:
    code, output = invoke("suites", "list")
    assert code == 0 and "core" in output
    for name in ("quick", "owasp-llm-2025", "full", "breadth", "core-multilingual"):
        assert name in output
    assert "time per target" in output and "~" in output
    code, output = invoke("suites", "show", "core")
    assert code == 0 and "LLM07:2025" in output and "AML.T0056" in output
    code, output = invoke("suites", "show", "core", "--probe", "spl-001")
    assert code == 0 and '"risk_area": "system_prompt_leakage"' in output


@pytest.mark.parametrize("args", [["export", "nosuchrun", "--jsonl", "x.jsonl"], ["runs", "show", "nosuchrun"],
                                  ["report", "nosuchrun", "--html", "x.html"]])
def test_unknown_run(args: list[str]) -> None:
    code, output = invoke(*args)
    assert code == 2 and "No run 'nosuchrun'" in output
