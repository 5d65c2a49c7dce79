"""The gateway overhead benchmark runs end to end in --quick mode (mock, gateway and load generator
in their own processes) and prints its figures. No timing is asserted: figures go to bench/README.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "gateway_overhead.py"


@pytest.mark.slow
def test_quick_gateway_bench_prints_and_writes_its_figures(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(results)],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for label in ("gateway added latency p50", "max throughput: direct", "server CPU per request",
                  "QUICK smoke run"):
        assert label in proc.stdout
    data = json.loads(results.read_text())
    assert data["config"]["quick"] is True
    gateway = data["rounds"][0]["gateway"]
    assert gateway["n"] > 0 and gateway["errors"] == 0 and gateway["ok"] == gateway["n"]
    assert data["throughput"]["gateway"]["per_s"] > 0 and data["throughput"]["direct"]["per_s"] > 0
