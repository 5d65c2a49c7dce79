"""A real `redhive serve` killed with SIGKILL after it answered: the exchanges it answered but had
not committed are in the chain after the next start, once each, and the chain verifies."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from tests.helpers import redhive
from tests.servers import running_server

from redhive.gateway.demo import DEMO_KEY

pytestmark = pytest.mark.slow


def _models(url: str) -> list[str]:
    with httpx.Client(base_url=f"{url}/v1", headers={"Authorization": f"Bearer {DEMO_KEY}"}) as gateway:
        return [m["id"] for m in gateway.get("/models").json()["data"]]


def test_answers_given_before_a_kill_are_recorded_at_the_next_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = home / "redhive.db"
    answered: list[str] = []
    server: list[subprocess.Popen[str]] = []
    with running_server(home, "--demo", started=server) as (url, _lines):
        model = _models(url)[0]
        # Hold SQLite's write lock from here, so that the server can answer (journal first) but not
        # commit: what it answers now exists only in its journal when it is killed.
        blocker = sqlite3.connect(database, timeout=30, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with httpx.Client(base_url=f"{url}/v1", headers={"Authorization": f"Bearer {DEMO_KEY}"},
                              timeout=20) as gateway:
                for n in range(5):
                    r = gateway.post("/chat/completions", json={"model": model, "messages": [
                        {"role": "user", "content": f"Hello number {n}, what can you do?"}]})
                    assert r.status_code == 200, r.text
                    answered.append(r.headers["X-Redhive-Exchange-Id"])
            server[0].send_signal(signal.SIGKILL)
            server[0].wait(timeout=10)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        stored = _exchange_ids(database)
        assert not set(answered) & stored  # none of them reached the database before the kill
    with running_server(home, "--demo") as (url, _lines):  # the next start replays the journal
        assert len(_models(url)) == 2
    stored = _exchange_ids(database)
    assert set(answered) <= stored  # every answer given is on the chain, once (ids are the primary key)
    mission = _mission_of(database, answered[0])
    verify = redhive("audit", "verify", mission, home=home)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert not list((home / "gateway-journal").glob("*/*.jsonl"))  # replayed, then removed


def _exchange_ids(database: Path) -> set[str]:
    with sqlite3.connect(database) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM gateway_exchanges")}


def _mission_of(database: Path, exchange_id: str) -> str:
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT mission_id FROM gateway_exchanges WHERE id = ?", (exchange_id,)).fetchone()
    assert row is not None
    return str(row[0])
