"""`inspect view` lists the logs redhive exports into a folder: Inspect lists only files named as it
names its own logs, so `redhive export RUN --inspect FOLDER` names them that way. The viewer is
started for real on a free port on 127.0.0.1 and asked for its listing (skipped without inspect-ai)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.servers import free_port, reap
from typer.testing import CliRunner

from redhive.cli import app

runner = CliRunner()


@contextmanager
def inspect_view(log_dir: Path) -> Iterator[str]:
    """`inspect view --log-dir` on 127.0.0.1; yields its base URL once it answers, and is always reaped."""
    inspect = shutil.which("inspect", path=str(Path(sys.executable).parent)) or shutil.which("inspect")
    assert inspect is not None
    port = free_port()
    proc = subprocess.Popen([inspect, "view", "--log-dir", str(log_dir), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # the event waited on: the viewer accepting a connection (or the process ending)
            if proc.poll() is not None:
                said = proc.stderr.read() if proc.stderr else ""
                raise AssertionError(f"inspect view exited ({proc.returncode}): {said}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("inspect view did not start within 60 s") from None
                time.sleep(0.1)
        yield base
    finally:
        reap(proc)


def test_inspect_view_lists_an_exported_log(tmp_path: Path) -> None:
    pytest.importorskip("inspect_ai")
    if shutil.which("inspect", path=str(Path(sys.executable).parent)) is None and shutil.which("inspect") is None:
        pytest.skip("the inspect command is not installed")
    scanned = runner.invoke(app, ["scan", "--json", "-t", "sim:guarded", "-t", "sim:hardened", "-s", "core",
                                  "-a", "none"], catch_exceptions=False)
    run_id = json.loads(scanned.stdout)["run"]["id"]
    logs = tmp_path / "logs"
    result = runner.invoke(app, ["export", run_id, "--inspect", str(logs)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in logs.iterdir())
    assert len(written) == 2 and all(name.endswith(".json") for name in written)
    shutil.copy(logs / written[0], logs / "redhive-run.json")  # the same log under a name of our own
    with inspect_view(logs) as base:
        listing = httpx.get(f"{base}/api/log-files", timeout=30).json()
    listed = {Path(f["name"]).name: f for f in listing["files"]}
    assert set(listed) == set(written), listing  # Inspect's names only: not redhive-run.json
    assert {f["task"] for f in listed.values()} == {"core"}
