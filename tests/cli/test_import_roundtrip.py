"""Round trips with files the real tools wrote (tests/data/imports/README.md says which version and
command): import them, run the imported probes against the same simulated model the tools were run
against (redhive's sim:naive served over the OpenAI API), and check that redhive hears the same answers
and reaches the same verdicts as garak and promptfoo recorded for them."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from redhive.cli import app
from redhive.engine.suites import load_suite
from redhive.engine.suites.imports.garak import output_text, prompt_of, triggers_of
from redhive.engine.suites.imports.promptfoo import split_chat
from redhive.testing import MockOpenAI
from redhive.testing.mock_openai import sim_reply

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
runner = CliRunner()
#: the garak detectors in the recorded run that decide by trigger list, as redhive's `triggers` does
TRIGGER_LIST_DETECTORS = ("encoding.DecodeMatch", "promptinject.AttackRogueString")


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def naive() -> Iterator[str]:
    with MockOpenAI(reply=sim_reply("naive")).serve() as base_url:
        yield base_url


def run_suite(suite: Path, base_url: str, tmp_path: Path) -> dict[str, dict[str, Any]]:
    """Scan the suite against the served model; each attempt's row, by probe id."""
    result = runner.invoke(app, ["scan", "--json", "-t", "openai:sim-naive", "--base-url", base_url, "--api-key",
                                 "test-key", "--target-mode", "model", "-a", "none", "-s", str(suite)],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    run_id = json.loads(result.stdout)["run"]["id"]
    invoke("export", run_id, "--jsonl", str(tmp_path / "attempts.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "attempts.jsonl").read_text(encoding="utf-8").splitlines()]
    return {row["probe_id"]: row for row in rows}


def by_prompt(suite: Path) -> dict[tuple[str | None, str], str]:
    return {(p.system, p.prompt or ""): p.id for p in load_suite(str(suite)).probes}


def garak_attempts(report: Path) -> list[dict[str, Any]]:
    lines = report.read_text(encoding="utf-8").splitlines()
    return [row for row in map(json.loads, lines) if row.get("entry_type") == "attempt" and row["status"] == 2]


def test_garak_report_round_trip(naive: str, tmp_path: Path) -> None:
    check_garak_report(DATA / "garak" / "garak.report.jsonl", naive, tmp_path)


def check_garak_report(report: Path, naive: str, tmp_path: Path) -> None:
    tmp_path.mkdir(parents=True, exist_ok=True)
    suite = tmp_path / "garak.yaml"
    output = invoke("suites", "import", str(report), "-o", str(suite))
    assert "checked mechanically, 0 by the judge" in output  # every attempt carried its triggers
    attempts = garak_attempts(report)
    ids = by_prompt(suite)
    assert "Not carried (no redhive equivalent): garak detector encoding.DecodeApprox (its triggers checked by " \
        "exact match instead) (12x)." in output  # garak's n-gram detector is named, not silently replaced
    for probe in load_suite(str(suite)).probes:
        assert probe.detector.type == "triggers"
    rows = run_suite(suite, naive, tmp_path)
    hits = 0
    for attempt in attempts:
        key = prompt_of(attempt["prompt"])
        row = rows[ids[key]]
        detector = next(d for d in attempt["detector_results"] if d in TRIGGER_LIST_DETECTORS)
        scores = attempt["detector_results"][detector]
        texts = [output_text(o) for o in attempt["outputs"]]
        assert row["response"] in texts  # the same model, the same answer
        garak_hit = scores[texts.index(row["response"])] >= 0.5  # garak's evaluator threshold
        assert (row["outcome"] == "success") is garak_hit, (detector, key, row["response"], triggers_of(attempt))
        hits += garak_hit
    assert 0 < hits < len(attempts)  # both verdicts occur, so agreement is not vacuous


def test_garak_hitlog_round_trip(naive: str, tmp_path: Path) -> None:
    check_garak_hitlog(DATA / "garak" / "garak.hitlog.jsonl", naive, tmp_path)


def check_garak_hitlog(hitlog: Path, naive: str, tmp_path: Path) -> None:
    tmp_path.mkdir(parents=True, exist_ok=True)
    suite = tmp_path / "hits.yaml"
    invoke("suites", "import", str(hitlog), "-o", str(suite))
    hits = [json.loads(line) for line in hitlog.read_text(encoding="utf-8").splitlines()]
    probes = load_suite(str(suite)).probes
    assert {p.prompt for p in probes} == {prompt_of(h["prompt"])[1] for h in hits}
    assert not any(p.prompt and p.prompt.startswith(("{", "[", "Conversation(")) for p in probes)  # no reprs
    rows = run_suite(suite, naive, tmp_path)
    assert {row["outcome"] for row in rows.values()} == {"success"}  # every hit is a hit again


def promptfoo_results(results: Path) -> list[dict[str, Any]]:
    data = json.loads(results.read_text(encoding="utf-8"))
    return data["results"]["results"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("source", ["promptfooconfig.yaml", "results.json"])
def test_promptfoo_round_trip(source: str, naive: str, tmp_path: Path) -> None:
    check_promptfoo(DATA / "promptfoo" / source, DATA / "promptfoo" / "results.json", naive, tmp_path)


def check_promptfoo(source: Path, recorded: Path, naive: str, tmp_path: Path) -> None:
    suite = tmp_path / "pf.yaml"
    output = invoke("suites", "import", str(source), "-o", str(suite))
    assert "Not carried (no redhive equivalent): promptfoo assertion javascript (2x)." in output
    ids = by_prompt(suite)
    titles = [p.title for p in load_suite(str(suite)).probes]
    assert len(set(titles)) == len(titles) and not any(t.startswith("promptfoo promptfoo") for t in titles)
    rows = run_suite(suite, naive, tmp_path)
    results = promptfoo_results(recorded)
    assert len(rows) == len(results) == 12
    failed = 0
    for result in results:
        row = rows[ids[split_chat(result["prompt"]["raw"])]]
        assert row["response"] == result["response"]["output"]
        supported = [c for c in result["gradingResult"]["componentResults"] if c["assertion"]["type"] != "javascript"]
        if len(supported) == len(result["gradingResult"]["componentResults"]):
            # a flaw shows exactly when promptfoo failed the test
            assert (row["outcome"] == "success") is (not result["success"]), (result["testCase"], row["evidence"])
        for component in supported:  # and each failed assertion is named in the evidence
            named = f'{component["assertion"]["type"]} {json.dumps(component["assertion"]["value"])}'
            assert (named in row["evidence"]) is (not component["pass"] and row["outcome"] == "success")
        failed += not result["success"]
    assert 0 < failed < len(results)


def test_promptfoo_config_and_its_results_import_as_the_same_suite(tmp_path: Path) -> None:
    for source in ("promptfooconfig.yaml", "results.json"):
        invoke("suites", "import", str(DATA / "promptfoo" / source), "-o", str(tmp_path / f"{source}.yaml"))
    config, results = (yaml.safe_load((tmp_path / f"{s}.yaml").read_text())["probes"]
                       for s in ("promptfooconfig.yaml", "results.json"))
    assert sorted(config, key=lambda p: p["id"]) == sorted(results, key=lambda p: p["id"])


# The same round trips with files the installed tools write in the test, where they are installed
# (neither is a dependency: garak pulls in torch, promptfoo needs Node.js 22). GARAK names garak's
# executable, PROMPTFOO the command that runs promptfoo (tests/data/imports/README.md).


def test_a_fresh_garak_run_round_trips(naive: str, tmp_path: Path) -> None:
    garak = os.environ.get("GARAK") or pytest.skip("set GARAK to a garak 0.17 executable to run garak here")
    config = yaml.safe_load((DATA / "garak" / "garak-config.yaml").read_text(encoding="utf-8"))
    config["plugins"]["generators"]["openai"]["OpenAICompatible"]["uri"] = naive
    (tmp_path / "garak-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1", "OPENAICOMPATIBLE_API_KEY": "test-key"}
    done = subprocess.run([garak, "--config", str(tmp_path / "garak-config.yaml")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    runs = tmp_path / "data" / "garak" / "garak_runs"
    check_garak_report(runs / "garak.report.jsonl", naive, tmp_path / "report")
    check_garak_hitlog(runs / "garak.hitlog.jsonl", naive, tmp_path / "hitlog")


def test_a_fresh_promptfoo_run_round_trips(naive: str, tmp_path: Path) -> None:
    command = os.environ.get("PROMPTFOO") or pytest.skip("set PROMPTFOO to the command that runs promptfoo 0.123")
    for name in ("promptfooconfig.yaml", "chat.json"):
        shutil.copy(DATA / "promptfoo" / name, tmp_path / name)
    env = {**os.environ, "PROMPTFOO_DISABLE_TELEMETRY": "1", "PROMPTFOO_DISABLE_UPDATE": "1",
           "PROMPTFOO_DISABLE_REMOTE_GENERATION": "1", "PROMPTFOO_DISABLE_SHARING": "1",
           "PROMPTFOO_CONFIG_DIR": str(tmp_path / ".promptfoo"), "SIM_BASE_URL": naive, "OPENAI_API_KEY": "test-key"}
    done = subprocess.run([*shlex.split(command), "eval", "-c", "promptfooconfig.yaml", "-o", "results.json",
                           "--no-cache", "--no-table", "--no-progress-bar"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 100), done.stdout[-2000:] + done.stderr[-2000:]  # 100: some tests failed
    for source in ("promptfooconfig.yaml", "results.json"):
        (tmp_path / source.split(".")[0]).mkdir()
        check_promptfoo(tmp_path / source, tmp_path / "results.json", naive, tmp_path / source.split(".")[0])
