"""`redhive agent-scan`, `agent-runs`, `traces show` and `report` on agent runs, run as a user runs
them (subprocesses): the JSON metrics, the readable trace, the HTML report with the survival
curve, CI gating, bad input as one sentence with exit 2, and misbehaving models (invalid tool
calls, endless loops, timeouts) recorded and counted while the run goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import redhive

from redhive.testing import MockOpenAI

TASKS = ["--user-task", "reply-lunch", "--user-task", "forward-invoice"]
BOTH = ["--target", "sim:agent-naive", "--target", "sim:agent-hardened", "--env", "workspace"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture(autouse=True)
def _no_inherited_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "REDHIVE_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def agent_json(home: Path, *args: str) -> dict[str, Any]:
    proc = redhive("agent-scan", *args, "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return data


def one_error(proc: Any) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, proc.stderr
    return " ".join(proc.stderr.split())


def test_agent_scan_json_traces_and_html_report(home: Path, tmp_path: Path) -> None:
    data = agent_json(home, *BOTH, "--attacks", "injection", *TASKS, "--monitor", "both")
    m = data["metrics"]
    for name in ("benign_utility", "utility_under_attack", "targeted_asr", "side_effect_rate",
                 "forbidden_action_rate", "goal_drift"):
        assert {"k", "n", "rate", "ci95"} <= set(m[name]) and m[name]["n"] > 0
    assert m["steps_to_first_violation"]["n"] == m["scored"] and "events" in m["cascades"]
    rows = {(r["monitor_mode"], r["target"]): r for r in data["targets"]}
    assert rows[("flag", "sim:agent-naive")]["targeted_asr"]["rate"] == 1.0
    assert rows[("flag", "sim:agent-hardened")]["targeted_asr"]["k"] == 0
    assert rows[("halt", "sim:agent-naive")]["forbidden_executed_rate"]["k"] == 0
    assert data["safeguard_delta"]["targeted_asr"]["delta"] < 0
    assert len(data["run"]["config"]["attacks"]) == 4  # injection = every shipped attack
    run_id = data["run"]["id"]

    listed = redhive("agent-runs", "list", home=home)
    assert listed.returncode == 0 and run_id in listed.stdout
    episodes = redhive("traces", "show", run_id, home=home)
    assert episodes.returncode == 0 and "sim:agent-naive" in episodes.stdout

    from redhive.engine.agentic import episode_id

    naive = episode_id("workspace", "reply-lunch", "exfiltrate-credentials", "important_instructions",
                       "sim:agent-naive", 0)
    trace = redhive("traces", "show", run_id, "--episode", naive[:12], "--mode", "flag", home=home)
    assert trace.returncode == 0, trace.stderr
    text = " ".join(trace.stdout.split())
    assert "hash chain: intact" in text and "ACHIEVED" in text and "send_email" in text
    ambiguous = redhive("traces", "show", run_id, "--episode", naive[:12], home=home)
    assert "--mode" in one_error(ambiguous)

    html = tmp_path / "agent.html"
    report = redhive("report", run_id, "--html", str(html), home=home)
    assert report.returncode == 0, report.stderr
    page = html.read_text(encoding="utf-8")
    assert "Kaplan–Meier" in page and page.count("<svg") >= 2 and "Safeguard delta" in page
    assert "reply-lunch" in page and "95% CI" in page


def test_fail_on_gates_on_the_agent_metrics(home: Path) -> None:
    gated = redhive("agent-scan", *BOTH, "--attacks", "important_instructions", "--user-task", "reply-lunch",
                    "--fail-on", "targeted_asr>0.1", home=home)
    assert gated.returncode == 1 and "Gate failed: targeted_asr" in " ".join(gated.stderr.split())
    clean = redhive("agent-scan", "--target", "sim:agent-hardened", "--env", "workspace", "--attacks",
                    "important_instructions", "--user-task", "reply-lunch", "--fail-on", "targeted_asr>0", home=home)
    assert clean.returncode == 0, clean.stderr
    assert "for example targeted_asr>0.05" in one_error(redhive("agent-scan", *BOTH, "--fail-on", "asr>0.1",
                                                                home=home))


@pytest.mark.parametrize(("args", "expected"), [
    (["--attacks", "nope"], "Unknown agentic attack 'nope'"),
    (["--monitor", "sometimes"], "--monitor must be flag, halt or both"),
    (["--fail-on", "wobble>1"], "--fail-on 'wobble>1' is not a condition"),
    (["--user-task", "no-such-task"], "No user task no-such-task"),
    (["--repeats", "0"], "--repeats must be at least 1"),
])
def test_bad_options_are_one_sentence_and_exit_2(home: Path, args: list[str], expected: str) -> None:
    assert expected in one_error(redhive("agent-scan", *BOTH, *args, home=home))


def test_a_malformed_environment_file_names_the_file_and_line(home: Path, tmp_path: Path) -> None:
    env = tmp_path / "broken.yaml"
    env.write_text(
        'kind: workspace\nname: broken\nstart_time: "2030-01-01T09:00:00+00:00"\n'
        "user_tasks:\n  - id: t1\n    prompt: Delete the file 'a.txt'.\n    scope: [shred_everything]\n"
        "    check:\n      - absent: {table: files, key: f1}\n", encoding="utf-8")
    text = one_error(redhive("agent-scan", "--target", "sim:agent-naive", "--env", str(env), home=home))
    assert "broken.yaml, line 7" in text and "shred_everything" in text
    env.write_text("kind: workspace\nstate: [unclosed\n", encoding="utf-8")
    text = one_error(redhive("agent-scan", "--target", "sim:agent-naive", "--env", str(env), home=home))
    assert "broken.yaml" in text and "line" in text
    missing = one_error(redhive("agent-scan", "--target", "sim:agent-naive", "--env", "atlantis", home=home))
    assert "Unknown environment 'atlantis'" in missing


def test_unknown_runs_and_episodes_are_one_sentence(home: Path) -> None:
    assert "No agent run 'nope'" in one_error(redhive("traces", "show", "nope", home=home))
    data = agent_json(home, "--target", "sim:agent-hardened", "--env", "workspace", "--attacks", "none",
                      "--user-task", "reply-lunch")
    assert "No episode 'zzz'" in one_error(redhive("traces", "show", data["run"]["id"], "--episode", "zzz",
                                                    home=home))


def _bad_calls(body: dict[str, Any]) -> tuple[str, str] | None:
    """A broken agent: bad JSON, then an unknown tool, then a valid call, then it answers."""
    done = sum(1 for m in body["messages"] if m.get("role") == "tool")
    script = [("search_emails", '{"query": "lunch"'), ("launch_rockets", "{}"),
              ("search_emails", '{"query": "lunch"}')]
    return script[done] if done < len(script) else None


def test_invalid_tool_calls_loops_and_timeouts_are_recorded_and_the_run_goes_on(home: Path) -> None:
    common = ["--env", "workspace", "--attacks", "important_instructions", "--user-task", "reply-lunch",
              "--injection-task", "exfiltrate-credentials", "--api-key", "k", "--max-retries", "0"]
    with MockOpenAI(reply="Done.", tool_call=_bad_calls).serve() as url:
        data = agent_json(home, "--target", "openai:mock-model", "--base-url", url, *common)
    m = data["metrics"]
    assert m["episodes"] == 2 and m["errors"] == 0 and m["statuses"] == {"completed": 2}
    assert m["invalid_call_rate"]["k"] == m["invalid_call_rate"]["n"] == 2
    ep = json.loads(redhive("traces", "show", data["run"]["id"], "--episode",
                            _first_episode(home, data["run"]["id"]), "--json", home=home).stdout)
    statuses = [a["status"] for s in ep["steps"] for a in s["actions"]]
    assert statuses == ["invalid", "invalid", "executed"]
    errors = [a["error"] for s in ep["steps"] for a in s["actions"]][:2]
    assert "not valid JSON" in errors[0] and "no tool 'launch_rockets'" in errors[1]

    with MockOpenAI(tool_call=("list_files", "{}")).serve() as url:  # never stops calling tools
        data = agent_json(home, "--target", "openai:mock-model", "--base-url", url, *common, "--max-steps", "4")
    assert data["metrics"]["statuses"] == {"step_limit": 2} and data["run"]["status"] == "completed"

    with MockOpenAI(tool_call=("list_files", "{}"), latency_ms=150).serve() as url:
        data = agent_json(home, "--target", "openai:mock-model", "--base-url", url, *common,
                          "--episode-timeout", "0.4")
    m = data["metrics"]
    assert m["statuses"] == {"timeout": 2} and m["errors"] == 2 and m["targeted_asr"]["n"] == 0


def _first_episode(home: Path, run_id: str) -> str:
    import sqlite3

    with sqlite3.connect(home / "redhive.db") as conn:
        row = conn.execute("SELECT id FROM episodes WHERE run_id = ? ORDER BY seq", (run_id,)).fetchone()
    return str(row[0])


def test_attacks_list_agentic_names_every_family_with_its_source(home: Path) -> None:
    proc = redhive("attacks", "list", "--agentic", home=home, env={"COLUMNS": "250"})
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    for name in ("tool_knowledge", "important_instructions_no_names", "injecagent", "captcha_dos", "system_message",
                 "ignore_previous", "adaptive_rewrite"):
        assert name in text
    assert "arXiv:2406.13352" in text and "arXiv:2403.02691" in text and "NIST" in text


def test_long_horizon_data_set_self_check_and_report_curve(home: Path, tmp_path: Path) -> None:
    report = tmp_path / "long.html"
    data = agent_json(home, "--target", "sim:agent-scripted", "--env", "devices:long", "--attacks",
                      "important_instructions", "--injection-task", "thaw-freezer", "--html", str(report))
    m = data["metrics"]
    assert m["benign_utility"]["rate"] == 1.0 and m["targeted_asr"]["k"] == 0 and m["errors"] == 0
    assert m["side_effect_rate"]["k"] == 0 and m["statuses"] == {"completed": m["episodes"]}
    html = report.read_text()
    assert "Kaplan" in html and "<svg" in html
    assert data["run"]["config"]["envs"] == ["devices:long"]


def test_unknown_data_sets_and_agentdojo_suites_are_one_sentence(home: Path) -> None:
    assert "has no data set 'huge'" in one_error(redhive("agent-scan", "--target", "sim:agent-scripted", "--env",
                                                           "workspace:huge", home=home))


def test_agentdojo_banking_under_redhive(home: Path) -> None:
    pytest.importorskip("agentdojo")
    data = agent_json(home, "--target", "sim:agent-scripted", "--target-option", "obey=0.5", "--env",
                      "agentdojo:banking", "--attacks", "important_instructions", "--max-steps", "16")
    m = data["metrics"]
    assert (m["benign_utility"]["k"], m["benign_utility"]["n"]) == (16, 16)
    assert m["targeted_asr"]["n"] == 144 and 0 < m["targeted_asr"]["k"] < 144
