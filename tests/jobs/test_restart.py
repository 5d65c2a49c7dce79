"""The Must-show of issue 18's jobs: a re-test of a slow target runs as a job, the request returns at
once, the server (a real `redhive serve`) is killed with SIGKILL in the middle of the job and started
again, and the job completes, once: the exact result, one replay stored, two attempts."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from tests.jobs.builders import retest_world
from tests.servers import running_server

from redhive.audit.models import AuditEvent
from redhive.db.session import Database
from redhive.findings.models import Flaw, Replay
from redhive.jobs.models import Job
from redhive.testing.mock_openai import MockOpenAI

#: Only a safety net against a hung server or job: the test waits on events (requests reaching the
#: target, the job's status), however long a loaded machine makes them take.
HUNG = 300
TRIALS = 4
#: Short leases so the restarted server finds the dead one's job soon (the default is 60 s).
SERVER_ENV = {"REDHIVE_JOBS_LEASE_SECONDS": "2"}


def _until(what: str, check: Any) -> Any:
    deadline = time.monotonic() + HUNG
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {HUNG} s"
        time.sleep(0.05)


def _job(url: str, token: str, job_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{url}/api/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"},
                                       timeout=30).json()
    return answer


async def _stored(db_url: str, job_id: str, flaw_id: str) -> tuple[Job, list[Replay], int, Flaw]:
    db = Database(db_url)
    try:
        async with db.session() as session:
            job = await session.get(Job, job_id)
            replays = list((await session.scalars(select(Replay).where(Replay.flaw_id == flaw_id))).all())
            runs = await session.scalar(select(func.count()).select_from(AuditEvent)
                                        .where(AuditEvent.action == "findings.regression_run"))
            flaw = await session.get(Flaw, flaw_id)
            assert job is not None and flaw is not None
            return job, replays, int(runs or 0), flaw
    finally:
        await db.dispose()


@pytest.mark.slow
def test_a_retest_job_survives_a_killed_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    db_url = f"sqlite:///{home / 'redhive.db'}"
    mock = MockOpenAI(latency_ms=1500)  # a slow target that refuses: the fix holds
    with mock.serve() as upstream:
        async def build() -> Any:
            db = Database(db_url)
            await db.ensure_schema()
            try:
                return await retest_world(db, upstream)
            finally:
                await db.dispose()

        world = asyncio.run(build())
        auth = {"Authorization": f"Bearer {world.token}"}
        started: list[subprocess.Popen[str]] = []
        with running_server(home, started=started, env=SERVER_ENV) as (url, _):
            r = httpx.post(f"{url}/api/findings/flaws/{world.flaw_id}/retest", headers=auth, timeout=30,
                           json={"version_id": world.version_id, "trials": TRIALS})
            # at once: the answer names a queued job; the re-test itself takes TRIALS × 1.5 s
            assert r.status_code == 202, r.text
            assert r.json()["status"] == "queued" and r.json()["result"] is None
            job_id = r.json()["id"]
            assert r.headers["location"] == f"/api/jobs/{job_id}"
            _until("the job reached the target", lambda: mock.requests >= 1)
            assert _job(url, world.token, job_id)["status"] == "running"
            started[0].send_signal(signal.SIGKILL)
            started[0].wait(timeout=HUNG)

        job, replays, runs, _ = asyncio.run(_stored(db_url, job_id, world.flaw_id))
        assert (job.status, job.attempts, replays, runs) == ("running", 1, [], 0)  # cut short: nothing stored
        before = mock.requests
        assert before < TRIALS

        with running_server(home, env=SERVER_ENV) as (url, _):
            done = _until("the job ended after the restart",
                          lambda: (j := _job(url, world.token, job_id))["status"] in ("succeeded", "failed",
                                                                                      "cancelled") and j)
        assert done["status"] == "succeeded", done
        assert done["attempts"] == 2  # the dead server's claim, and the one that finished
        assert done["result"] == {"version_id": world.version_id, "results": [{
            "flaw_id": world.flaw_id, "replay_id": done["result"]["results"][0]["replay_id"],
            "successes": 0, "trials": TRIALS, "result": "fixed", "state": "resolved"}]}
        assert mock.requests == before + TRIALS  # the resumed job re-ran its one unfinished case

    job, replays, runs, flaw = asyncio.run(_stored(db_url, job_id, world.flaw_id))
    assert [(r.id, r.trials, r.successes, r.errors, r.result) for r in replays] == [
        (done["result"]["results"][0]["replay_id"], TRIALS, 0, 0, "fixed")]  # one replay: nothing twice
    assert runs == 1
    assert (flaw.state, flaw.fixed_version_id) == ("resolved", world.version_id)
    assert (job.status, job.owner, job.lease_expires_at) == ("succeeded", None, None)
