"""kill -9 in the middle of a scan, then --resume: the attempt count equals the plan, no duplicates,
and the resumed invocation executed only what was missing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.helpers import redhive

from redhive.engine.suites.loader import BUILTIN_DIR

SCAN = ["scan", "--target", "sim:naive", "--target", "sim:guarded", "--attack", "all",
        "--repeats", "3", "--target-option", "latency_ms=20", "--concurrency", "16"]


def stored(db: Path) -> tuple[str, int, int, int] | None:
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        try:
            row = conn.execute("SELECT id, plan_size FROM runs").fetchone()
            if row is None:
                return None
            total, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT id) FROM attempts WHERE run_id = ?", (row[0],)
            ).fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0], row[1], total, distinct


#: Only a safety net against a hung scan: the tests wait on events (attempts stored, the process
#: ending), however long a loaded machine makes them take.
HUNG = 600


@contextmanager
def scanning(home: Path) -> Iterator[subprocess.Popen[str]]:
    """Scan a private copy of the core suite (a suite that changes under a run refuses to resume);
    the process is reaped whatever the test does."""
    suite = home.parent / "core"
    shutil.copytree(BUILTIN_DIR / "core", suite)
    env = {**os.environ, "REDHIVE_HOME": str(home)}
    env.pop("REDHIVE_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "redhive.cli", *SCAN, "--suite", str(suite)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def wait_for_partial(proc: subprocess.Popen[str], db: Path) -> tuple[str, int, int, int]:
    """Until some attempts are stored (and fewer than half), or the scan ends first."""
    deadline = time.monotonic() + HUNG
    while time.monotonic() < deadline:
        state = stored(db)
        if state and 0 < state[2] < state[1] // 2:
            return state
        if proc.poll() is not None:
            _, stderr = proc.communicate()
            raise AssertionError(f"the scan ended before it could be interrupted: {stderr}")
        time.sleep(0.05)
    raise AssertionError(f"no attempts were stored within {HUNG} s: the scan hung")


@pytest.mark.slow
def test_kill_9_then_resume(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "redhive.db"
    with scanning(home) as proc:
        run_id, planned, _, _ = wait_for_partial(proc, db)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=HUNG)
    _, _, before, distinct_before = stored(db) or ("", 0, 0, 0)
    assert 0 < before < planned and before == distinct_before

    resumed = redhive("scan", "--resume", run_id, "--json", home=home, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    totals = json.loads(resumed.stdout)["totals"]
    assert totals["attempts"] == planned
    _, _, after, distinct_after = stored(db) or ("", 0, 0, 0)
    assert after == distinct_after == planned
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
    assert status == "completed"


@pytest.mark.slow
def test_ctrl_c_stores_what_finished_and_says_how_to_resume(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db = home / "redhive.db"
    with scanning(home) as proc:
        run_id, planned, _, _ = wait_for_partial(proc, db)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=HUNG)  # the event: the scan stored what finished and ended
    assert proc.returncode == 130
    assert f"redhive scan --resume {run_id}" in " ".join(stderr.split())
    assert "Traceback" not in stderr
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
    assert status == "interrupted"
    resumed = redhive("scan", "--resume", run_id, "--json", home=home, timeout=300)
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["totals"]["attempts"] == planned


@pytest.mark.slow
def test_a_second_process_resuming_a_running_scan_is_refused(tmp_path: Path) -> None:
    """The run's lease: a second `--resume` of a scan still running is refused in one sentence (it
    would redo the same work), and the first finishes the plan exactly once."""
    home = tmp_path / "home"
    db = home / "redhive.db"
    with scanning(home) as proc:
        run_id, planned, _, _ = wait_for_partial(proc, db)
        second = redhive("scan", "--resume", run_id, home=home, timeout=300)
        assert second.returncode == 2 and "Traceback" not in second.stderr
        assert f"Run {run_id} is being executed by another process" in " ".join(second.stderr.split())
        _, stderr = proc.communicate(timeout=HUNG)  # the event: the first scan ended
    assert "Traceback" not in stderr
    _, _, after, distinct = stored(db) or ("", 0, 0, 0)
    assert after == distinct == planned
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status, holder FROM runs WHERE id = ?", (run_id,)).fetchone() == ("completed", None)
