"""kill -9 in the middle of an agent scan, then --resume: the episode count equals the plan, no
duplicates, and the resumed invocation ran only the episodes that were missing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.helpers import redhive

SCAN = ["agent-scan", "--target", "sim:agent-naive", "--target", "sim:agent-hardened", "--env", "workspace",
        "--attacks", "injection", "--repeats", "2", "--target-option", "latency_ms=20", "--concurrency", "16"]


def stored(db: Path) -> tuple[str, int, int, int] | None:
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        try:
            row = conn.execute("SELECT id, plan_size FROM runs").fetchone()
            if row is None:
                return None
            total, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT monitor_mode || id) FROM episodes WHERE run_id = ?", (row[0],)
            ).fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0], row[1], total, distinct


@pytest.mark.slow
def test_kill_9_then_resume_runs_only_what_is_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "redhive.db"
    env = {**os.environ, "REDHIVE_HOME": str(home)}
    env.pop("REDHIVE_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "redhive.cli", *SCAN], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    state = None
    while time.monotonic() < deadline:
        state = stored(db)
        if state and 0 < state[2] < state[1] // 2:
            break
        if proc.poll() is not None:
            raise AssertionError(f"the agent scan ended before it could be interrupted: {proc.communicate()[1]}")
        time.sleep(0.05)
    assert state is not None, "no episodes were stored within 120 s"
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    run_id, planned, before, distinct = stored(db) or ("", 0, 0, 0)
    assert 0 < before < planned and before == distinct

    resumed = redhive("agent-scan", "--resume", run_id, "--json", home=home, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["run"]["stored"] == data["run"]["planned"] == planned
    assert data["run"]["this_invocation"] == {"ran": planned - before, "skipped": before}
    _, _, after, distinct_after = stored(db) or ("", 0, 0, 0)
    assert after == distinct_after == planned
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
        traces = conn.execute("SELECT trace FROM episodes WHERE run_id = ?", (run_id,)).fetchall()
    assert status == "completed"
    from redhive.engine.agentic import Episode, verify_chain

    assert all(verify_chain(Episode.from_dict(json.loads(t))) == [] for (t,) in traces[:200])
    assert data["metrics"]["benign_utility"]["n"] == 13 * 2 * 2  # tasks x targets x repeats, none twice
