"""The throughput benchmark runs end to end in --quick mode and prints its figures. No timing is
asserted: timings belong to bench/README.md, measured as ratios in one run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "engine_throughput.py"


@pytest.mark.slow
def test_quick_bench_prints_and_writes_its_figures(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--json", str(results)],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for label in ("0 ms: engine (attempts/s)", "engine / best bare loop", "engine / ideal, whole run (median)",
                  "RSS growth after warm-up", "QUICK smoke run"):
        assert label in proc.stdout
    assert "Traceback" not in proc.stderr
    data = json.loads(results.read_text())
    assert data["config"]["quick"] is True
    engine = data["zero_latency"]["rounds"][0]["engine"]
    assert engine["n"] > 0 and engine["per_s"] > 0 and engine["cpu_ms_each"] > 0
    assert data["latency"]["ideal_per_s"] == 256 / 0.2
    assert data["latency"]["rounds"][0]["engine"]["n"] >= 256
    assert data["rss"]["attempts"] >= 1000 and data["rss"]["samples"] >= 2


AGENT_BENCH = BENCH.parent / "agent_throughput.py"


@pytest.mark.slow
def test_quick_agent_bench_prints_and_writes_its_figures(tmp_path: Path) -> None:
    results = tmp_path / "agent.json"
    proc = subprocess.run([sys.executable, str(AGENT_BENCH), "--quick", "--json", str(results)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for label in ("scripted, 1 process", "scripted, 2 processes", "scripted + stored", "engine overhead",
                  "QUICK smoke run"):
        assert label in proc.stdout
    data = json.loads(results.read_text())
    assert data["scripted"]["best"]["episodes"] == 182 and data["stored"]["episodes"] == 182
    assert data["mock"]["engine"]["not_completed"] == 0
    assert data["mock"]["engine"]["steps"] == 4 * data["mock"]["engine"]["episodes"]  # 3 tool calls + answer


SCREEN_BENCH = BENCH.parent / "hazard_screen.py"


@pytest.mark.slow
def test_quick_hazard_screen_bench_prints_its_figures(tmp_path: Path, hazard_model: Path) -> None:
    proc = subprocess.run([sys.executable, str(SCREEN_BENCH), "--quick"], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for label in ("deny list only: p50", "hazard screen + deny list: p50", "added by the hazard screen",
                  "red-team probes (non-jailbreak)"):
        assert label in proc.stdout


STARTUP_BENCH = BENCH.parent / "startup.py"


@pytest.mark.slow
def test_quick_startup_bench_measures_each_fixed_cost() -> None:
    proc = subprocess.run([sys.executable, str(STARTUP_BENCH), "--quick", "--json"], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["python_pass_s"] > 0 and data["redhive_version_s"] > data["python_pass_s"]
    assert data["libraries_s"] > data["python_pass_s"] and data["first_request_over_libraries"] > 0
    assert data["first_request_fresh_home_s"] > 0 and data["first_request_same_home_s"] > 0
    assert data["whole_scan_same_home_s"] > data["first_request_same_home_s"]
    assert set(data["load_us_per_probe"]) == {"jsonl", "yaml", "yaml_pyyaml", "yaml_pyyaml_cached"}
    assert data["yaml_over_jsonl"] > 0 and data["yaml_pyyaml_over_jsonl"] > 0
    assert data["yaml_pyyaml_cached_over_jsonl"] > 0


STORE_BENCH = BENCH.parent / "store_plans.py"


@pytest.mark.postgres
@pytest.mark.slow
def test_store_plans_bench_explains_every_query_on_its_own_database(tmp_path: Path) -> None:
    """40,000 attempts in runs of 400: small, but each run is 1 % of the store, so a per-run query
    that seq-scans or reads beyond its run fails the script as it would at 10 M."""
    import os
    import secrets

    import psycopg
    from sqlalchemy import make_url

    server = os.environ.get("REDHIVE_TEST_POSTGRES_URL", "")
    if not server:
        pytest.skip("set REDHIVE_TEST_POSTGRES_URL to run the store plans smoke test")
    url = make_url(server).set(drivername="postgresql", database=f"redhive_store_plans_{secrets.token_hex(4)}")
    results = tmp_path / "plans.json"
    command = [sys.executable, str(STORE_BENCH), "--database", url.render_as_string(hide_password=False),
               "--attempts", "40000", "--run-size", "400", "--json", str(results), "--drop"]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    finally:
        admin = url.set(database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(results.read_text())
    names = {q["query"] for q in data["queries"]}
    assert {"list_runs (page of 50)", "summarise: categories", "iter_attempts_with_turns", "turns_of (60 attempts)",
            "html: 20 errors"} <= names
    assert all(not q["seq_scan"] for q in data["queries"])
    assert {"ix_attempts_run_seq", "ix_runs_created_at"} <= {s["relation"] for s in data["sizes"]}
    assert "Traceback" not in proc.stderr


GROWTH_BENCH = BENCH.parent / "store_growth.py"


@pytest.mark.slow
def test_tiny_store_growth_bench_compares_first_and_last_runs(tmp_path: Path) -> None:
    results = tmp_path / "growth.json"
    proc = subprocess.run([sys.executable, str(GROWTH_BENCH), "--runs", "3", "--attempts", "500",
                           "--tolerance", "10", "--database", f"sqlite:///{tmp_path}/growth.db",
                           "--json", str(results)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "per-attempt cost growth (against the control" in proc.stdout
    data = json.loads(results.read_text())
    assert [r["stored_before"] for r in data["runs"]] == [125, 625, 1125]  # the warm-up, then each run
    assert all(r["cpu_us_per_attempt"] > 0 and r["wall_vs_control"] > 0 for r in data["runs"])
    assert set(data["ratios"]) >= {"wall_us_per_attempt", "cpu_vs_control", "summarise_ms", "list_runs_ms"}
    assert not (tmp_path / "growth_control.db").exists()  # the control database is dropped at the end
