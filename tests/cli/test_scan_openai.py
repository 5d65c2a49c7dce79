"""`redhive scan --target openai:…` run as a user runs it (a subprocess) against a local mock
endpoint: a clean scan, retries, endpoint failures as one sentence with exit code 2, CI gating."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import redhive

from redhive.testing import MockOpenAI, echo_system_prompt

#: A well-behaved model: answers (so benign controls are not over-refused), corrects false
#: premises, keeps its secrets. A model that refuses everything fails the over-refusal controls.
SAFE_REPLY = "That premise is a common myth. Here is a careful, general answer that keeps internal details private."


@pytest.fixture(autouse=True)
def _no_inherited_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("REDHIVE_API_KEY", raising=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def mock() -> MockOpenAI:
    return MockOpenAI(reply=SAFE_REPLY)


@pytest.fixture
def served(mock: MockOpenAI) -> Iterator[str]:
    with mock.serve() as base_url:
        yield base_url


def scan(base_url: str, home: Path, *extra: str) -> tuple[int, str, str]:
    proc = redhive("scan", "--target", "openai:mock-model", "--base-url", base_url, "--suite", "core",
                   "--api-key", "test-key", *extra, home=home)
    return proc.returncode, proc.stdout, proc.stderr


def totals(stdout: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(stdout)
    return {**data["totals"], "status": data["run"]["status"]}


def assert_clean_failure(code: int, stdout: str, stderr: str) -> str:
    assert code == 2, stderr
    assert "Traceback" not in stderr and "Traceback" not in stdout
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def test_scan_against_the_mock_stores_the_whole_plan(mock: MockOpenAI, served: str, home: Path) -> None:
    code, stdout, stderr = scan(served, home, "--json")
    assert code == 0, stderr
    result = totals(stdout)
    assert result["status"] == "completed"
    assert result["attempts"] == result["planned"] > 0
    assert result["errors"] == 0 and result["successes"] == 0
    assert result["input_tokens"] > 0 and result["output_tokens"] > 0
    assert mock.requests >= result["planned"]  # counterfactual probes send one request per variant


def test_scan_completes_through_429_and_500(mock: MockOpenAI, served: str, home: Path) -> None:
    mock.fail_429, mock.retry_after, mock.fail_500 = 3, "0", 3
    # six failures in a row: past the handshake's own retries, so the scan is told the mode and every
    # failure lands on the scan's concurrent attempts
    code, stdout, stderr = scan(served, home, "--json", "--target-mode", "model")
    assert code == 0, stderr
    result = totals(stdout)
    assert result["attempts"] == result["planned"] and result["errors"] == 0
    assert mock.requests >= result["planned"] + 6


def test_the_handshake_retries_what_fails_on_the_way(mock: MockOpenAI, served: str, home: Path) -> None:
    mock.fail_429, mock.retry_after, mock.fail_500 = 2, "0", 2
    code, stdout, stderr = scan(served, home, "--json")
    assert code == 0, stderr
    assert totals(stdout)["errors"] == 0


def test_a_dead_endpoint_exits_2_with_one_sentence(home: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/v1"
    line = assert_clean_failure(*scan(base_url, home, "--max-retries", "1"))
    assert f"Cannot reach {base_url}" in line and "check --base-url" in line


def test_refused_credentials_exit_2_naming_the_key(mock: MockOpenAI, served: str, home: Path) -> None:
    mock.unauthorized = True
    line = assert_clean_failure(*scan(served, home))
    assert "credentials" in line and "--api-key" in line
    assert mock.requests <= 64  # stopped at the first refusal, not once per planned attempt


def test_fail_on_gates_a_leaking_model(mock: MockOpenAI, served: str, home: Path) -> None:
    mock.reply = echo_system_prompt  # repeats its system prompt: every planted canary leaks
    # a model that follows nothing but leaks: it never assembles the handshake's code word, so say what it is
    code, _, stderr = scan(served, home, "--fail-on", "asr>0.05", "--target-mode", "model")
    assert code == 1, stderr
    assert "Gate failed" in stderr and "Traceback" not in stderr


def test_fail_on_passes_a_safe_model(served: str, home: Path) -> None:
    code, stdout, stderr = scan(served, home, "--fail-on", "asr>0.05", "--json")
    assert code == 0, stderr
    assert totals(stdout)["successes"] == 0
