"""REDHIVE_JOBS_EXECUTOR=ray: a re-test posted to the server runs as a job in a Ray actor (another
process, with its own database connection and gateway), and resolves the flaw as the in-process
runner does."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.helpers import finished_job
from tests.jobs.builders import retest_world
from tests.platform_fixtures import make_client, platform_settings

from redhive.app import create_app
from redhive.db.session import Database
from redhive.findings.models import Flaw
from redhive.jobs.models import Job
from redhive.testing.mock_openai import MockOpenAI

pytest.importorskip("ray")
pytestmark = pytest.mark.slow


@pytest.fixture
async def ray_app(db: Database, db_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    application = create_app(platform_settings(db_url, tmp_path / "home", jobs_executor="ray", jobs_concurrency=2))
    async with application.router.lifespan_context(application):
        yield application


async def test_a_retest_runs_in_a_ray_actor_and_resolves_the_flaw(ray_app: FastAPI) -> None:
    owners = ray_app.state.jobs.owners
    assert len(owners) == 2 and all(not o.split(":")[1] == str(os.getpid()) for o in owners)
    mock = MockOpenAI(latency_ms=300)  # refuses every time (the fix holds), slowly enough to see who works
    with mock.serve() as upstream:
        world = await retest_world(ray_app.state.db, upstream)
        async with make_client(ray_app) as client:
            client.headers["Authorization"] = f"Bearer {world.token}"
            started = await client.post(f"/api/findings/flaws/{world.flaw_id}/retest",
                                        json={"version_id": world.version_id, "trials": 3})
            assert started.status_code == 202 and started.json()["status"] == "queued"
            holder = None
            while holder is None:  # the event: an actor claimed it (it holds the lease while it runs)
                async with ray_app.state.db.session() as session:
                    row = await session.get(Job, started.json()["id"])
                    assert row is not None and row.status in ("queued", "running"), row.status
                    holder = row.owner
                await asyncio.sleep(0.05)
            assert holder in owners  # claimed by an actor's runner, not by this process
            job = await finished_job(client, started)
            assert job["status"] == "succeeded", job
            assert [(r["successes"], r["trials"], r["result"]) for r in job["result"]["results"]] == [(0, 3, "fixed")]
            assert mock.requests == 3
    async with ray_app.state.db.session() as session:
        flaw = await session.get(Flaw, world.flaw_id)
        assert flaw is not None and flaw.state == "resolved"
