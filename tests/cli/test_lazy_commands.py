"""A command line imports only the command it names (D50); the full command line stays the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redhive.cli import COMMANDS, app

PROBE = """
import json, sys
from redhive.cli import main
sys.argv = ["redhive", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("redhive.cli.", "redhive.engine.", "httpx")))))
"""


def loaded(*argv: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=300)
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def test_every_command_of_the_full_command_line_is_in_the_table() -> None:
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert names == set(COMMANDS)


@pytest.mark.parametrize(("argv", "wanted", "unwanted"), [
    (["--version"], set(), {"redhive.cli.scan", "redhive.cli.runs", "redhive.engine.runner"}),
    (["--log-format", "json", "runs", "--help"], {"redhive.cli.runs"}, {"redhive.cli.scan", "redhive.cli.findings"}),
    (["suites", "--help"], {"redhive.cli.suites", "redhive.cli.imports"}, {"redhive.cli.scan"}),
])
def test_a_command_line_imports_only_what_it_names(argv: list[str], wanted: set[str], unwanted: set[str]) -> None:
    modules = loaded(*argv)
    assert wanted <= modules
    assert not unwanted & modules


def test_a_sim_scan_imports_no_http_client_and_no_agent_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDHIVE_HOME", str(tmp_path / "home"))
    suite = tmp_path / "one.jsonl"
    suite.write_text(json.dumps({"id": "lazy-one", "title": "One probe", "risk_area": "benchmark",
                                 "owasp": "LLM07:2025", "atlas": "AML.T0056", "prompt": "Say hello.",
                                 "detector": {"type": "refusal"}}) + "\n", encoding="utf-8")
    modules = loaded("scan", "-t", "sim:naive", "-s", str(suite), "--json")
    assert "redhive.engine.runner" in modules  # it did scan
    assert not {m for m in modules if m.startswith(("httpx", "redhive.engine.agentic"))}
