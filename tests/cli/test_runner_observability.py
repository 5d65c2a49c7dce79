"""The runner's Prometheus metrics and the structured logs, as an operator uses them: `redhive scan
--metrics-file` and `--metrics-port` against a local endpoint that fails a few times first, and
`--log-format json` (or REDHIVE_LOG_FORMAT=json) with one JSON object per stderr line, each naming its
run; the platform's request ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from tests.helpers import redhive
from tests.platform_fixtures import make_client
from tests.servers import free_port

from redhive.testing import MockOpenAI

REPLY = "I'm sorry, but I can't help with that."


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scan_args(base_url: str, *extra: str) -> list[str]:
    return ["scan", "--json", "-t", "openai:mock-model", "--base-url", base_url, "--api-key", "test-key",
            "--target-mode", "model", "-s", "core", "-a", "none", "--max-retries", "4", *extra]


def test_metrics_file_counts_what_the_scan_did(tmp_path: Path) -> None:
    mock = MockOpenAI(reply=REPLY, fail_429=2, retry_after="0", fail_500=1)
    with mock.serve() as base_url:
        proc = redhive(*scan_args(base_url, "--metrics-file", str(tmp_path / "runner.prom")), home=tmp_path / "h")
    assert proc.returncode == 0, proc.stderr
    totals = json.loads(proc.stdout)["totals"]
    got = samples((tmp_path / "runner.prom").read_text(encoding="utf-8"))
    target = (("target", "openai:mock-model"),)
    attempts = {(dict(labels)["kind"], dict(labels)["outcome"]): value for (name, labels), value in got.items()
                if name == "redhive_runner_attempts_total"}
    assert sum(attempts.values()) == totals["attempts"]
    assert attempts.get(("attack", "success"), 0) == totals["successes"]
    assert attempts[("control", "success")] == totals["over_refusal"]["refusals"] > 0  # the mock refuses them
    assert got[("redhive_runner_requests_total", (("result", "ok"), *target))] == mock.requests - 3
    assert got[("redhive_runner_requests_total", (("result", "transient"), *target))] == 3
    assert got[("redhive_runner_retries_total", target)] == 3
    assert got[("redhive_runner_request_duration_seconds_count", target)] == mock.requests
    assert got[("redhive_runner_tokens_total", (("direction", "input"), *target))] == totals["input_tokens"]
    assert got[("redhive_runner_tokens_total", (("direction", "output"), *target))] == totals["output_tokens"]
    assert got[("redhive_runner_attempt_duration_seconds_count", target)] == totals["attempts"]
    for gauge in ("redhive_runner_in_flight_requests", "redhive_runner_queued_requests"):
        assert got[(gauge, target)] == 0  # nothing left waiting or in flight once the scan ended
    assert got[("redhive_runner_pending_attempts", ())] == 0


def test_metrics_port_serves_while_the_scan_runs(tmp_path: Path) -> None:
    port = free_port()
    mock = MockOpenAI(reply=REPLY, latency_ms=150)
    with mock.serve() as base_url:
        env = {**{k: v for k, v in os.environ.items() if k != "REDHIVE_DATABASE_URL"},
               "REDHIVE_HOME": str(tmp_path / "h")}
        proc = subprocess.Popen([sys.executable, "-m", "redhive.cli",
                                 *scan_args(base_url, "--metrics-port", str(port), "--concurrency", "2")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
        try:
            seen: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
            while proc.poll() is None:  # scrape until the scan is seen working (or it ends: then fail below)
                try:
                    seen = samples(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
                except httpx.TransportError:
                    continue  # not listening yet
                if seen.get(("redhive_runner_in_flight_requests", (("target", "openai:mock-model"),)), 0) > 0:
                    break
            assert seen.get(("redhive_runner_in_flight_requests", (("target", "openai:mock-model"),)), 0) > 0
            assert seen[("redhive_runner_pending_attempts", ())] > 0
        finally:
            proc.kill()
            proc.communicate()


def test_a_busy_metrics_port_is_one_sentence(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = redhive("scan", "-t", "sim:naive", "-s", "core", "--metrics-port", str(busy.getsockname()[1]),
                       home=tmp_path / "h")
    assert proc.returncode == 2 and "choose a free port" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_json_logs_name_the_run_on_every_line(how: str, tmp_path: Path) -> None:
    mock = MockOpenAI(reply=REPLY, fail_500=1)
    with mock.serve() as base_url:
        args = scan_args(base_url)
        if how == "flag":
            proc = redhive("--log-format", "json", *args, home=tmp_path / "h")
        else:
            proc = redhive(*args, home=tmp_path / "h", env={"REDHIVE_LOG_FORMAT": "json"})
    assert proc.returncode == 0, proc.stderr
    run_id = json.loads(proc.stdout)["run"]["id"]
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]  # every line is one object
    messages = [line["message"] for line in lines]
    assert messages[0] == "scan started" and messages[-1] == "scan finished" and "retrying" in messages
    assert all(line["run_id"] == run_id and line["ts"].endswith("+00:00") for line in lines)
    finished = lines[-1]
    assert finished["status"] == "completed" and finished["retries"] == 1 and finished["errors"] == 0
    retry = next(line for line in lines if line["message"] == "retrying")
    assert retry["level"] == "info" and retry["target"] == "openai:mock-model"


def test_default_text_logs_keep_stderr_quiet_and_a_bad_format_is_one_sentence(tmp_path: Path) -> None:
    proc = redhive("scan", "-t", "sim:naive", "-s", "core", "-a", "none", "--json", home=tmp_path / "h")
    assert proc.returncode == 0 and "scan started" not in proc.stderr
    proc = redhive("--log-format", "xml", "runs", "list", home=tmp_path / "h")
    assert proc.returncode == 2 and "log format 'xml' is not one of text, json" in proc.stderr


async def test_each_request_gets_an_id_the_answer_echoes(app: FastAPI) -> None:
    async with make_client(app) as client:
        given = await client.get("/healthz", headers={"X-Request-Id": "trace-42.a"})
        assert given.headers["x-request-id"] == "trace-42.a"
        fresh = await client.get("/healthz", headers={"X-Request-Id": "no spaces or <tags>"})
        assert len(fresh.headers["x-request-id"]) == 32 and fresh.headers["x-request-id"] != "trace-42.a"
        again = await client.get("/login")
        assert again.headers["x-request-id"] != fresh.headers["x-request-id"]
