"""The CI recipes run as GitHub and pre-commit would run them: the composite action's steps
(action.yml) executed in bash with the inputs of the example workflow (examples/github/), and the
pre-commit hook's entry with its arguments. A passing model passes the gate and leaves SARIF (valid
against the schema) and JUnit; a failing one fails the step with exit 1 and still leaves them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
pytestmark = pytest.mark.skipif(shutil.which("bash") is None or not (BIN / "redhive").exists(),
                                reason="needs bash and the redhive command")


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def run_action(inputs: dict[str, str], folder: Path) -> tuple[int, str, dict[str, str]]:
    """Every step of action.yml, in order, as the runner does: `${{ inputs.X }}` in a step's env from
    `inputs` (else the input's default), GITHUB_OUTPUT a file; stops at the first failing step."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"the workflow passes inputs the action lacks: {unknown}"
    values.update(inputs)
    outputs, said = folder / "github-output", []
    outputs.write_text("", encoding="utf-8")
    for step in action["runs"]["steps"]:
        env = {**_env(), "GITHUB_OUTPUT": str(outputs)}
        for key, value in (step.get("env") or {}).items():
            env[key] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m[1]], str(value))
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              cwd=folder, env=env, capture_output=True, text=True, timeout=300)
        said.append(done.stdout + done.stderr)
        if done.returncode != 0:
            return done.returncode, "\n".join(said), _outputs(outputs)
    return 0, "\n".join(said), _outputs(outputs)


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)


def _workflow_inputs() -> dict[str, str]:
    workflow: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "github" / "redhive-scan.yml").read_text("utf-8"))
    step = next(s for s in workflow["jobs"]["scan"]["steps"] if s.get("uses") == "./")
    return {k: str(v) for k, v in step["with"].items()}


def test_the_example_workflow_passes_its_gate_and_leaves_sarif_and_junit(tmp_path: Path) -> None:
    code, said, outputs = run_action({**_workflow_inputs(), "install": ""}, tmp_path)  # redhive is installed here
    assert code == 0, said
    assert outputs["run-id"]
    log = json.loads((tmp_path / "redhive.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    assert log["runs"][0]["automationDetails"]["id"] == f"redhive/{outputs['run-id']}"
    assert ET.parse(tmp_path / "redhive-junit.xml").getroot().findall(".//testcase")


def test_a_crossed_gate_fails_the_step_and_still_leaves_the_results(tmp_path: Path) -> None:
    inputs = {**_workflow_inputs(), "install": "", "target": "sim:naive", "fail-on": "asr>0.05"}
    code, said, outputs = run_action(inputs, tmp_path)
    assert code == 1 and "::error::redhive: the gate 'asr>0.05' was crossed" in said
    assert outputs["run-id"] and json.loads((tmp_path / "redhive.sarif").read_text("utf-8"))["runs"][0]["results"]


def test_bad_input_fails_the_step_with_one_sentence(tmp_path: Path) -> None:
    code, said, _ = run_action({"install": "", "target": "nonsense", "suite": "core"}, tmp_path)
    assert code == 2 and "Traceback" not in said and "kind:name" in said


def test_the_pre_commit_hook_runs_its_entry_with_its_arguments(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "redhive-scan")
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    done = subprocess.run([*hook["entry"].split(), *hook["args"]], cwd=tmp_path, env=_env(), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    failing = [*hook["entry"].split(), "--target", "sim:naive", "--suite", "core", "--fail-on", "asr>0.05"]
    assert subprocess.run(failing, cwd=tmp_path, env=_env(), capture_output=True, timeout=300).returncode == 1
