"""`REDHIVE_JOBS_EXECUTOR=ray`: the server's jobs run in Ray actors instead of its own process.

Each actor is a job worker of its own: it opens the database, builds what jobs borrow from the
server (the gateway, the key box) from the same settings, and runs the in-process runner
(`jobs.runner.JobRunner`) with one job at a time — claiming, leases, heartbeats, checkpoints and
resume are that runner's, so a job behaves the same wherever it runs, and an actor that dies
leaves a lease that lapses and is claimed again. The server starts `jobs_concurrency` actors with
the app and stops them with it (running jobs are handed back, queued). `REDHIVE_RAY_ADDRESS`
names a cluster to join; without it a local one is started (as `scan --executor ray` does).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from redhive.db.session import Database
from redhive.errors import InvalidInput
from redhive.jobs.context import JobResources
from redhive.runs.ray_executor import OBJECT_STORE_BYTES, require_ray

__all__ = ["RayJobs"]

log = logging.getLogger("redhive.jobs")


class JobWorker:
    """The actor's body (wrapped with `ray.remote` when the executor starts): one job runner."""

    def __init__(self, settings: Any, lease_seconds: float) -> None:
        self.settings, self.lease_seconds = settings, lease_seconds
        self.runner: Any = None
        self.db: Database | None = None
        self.gateway: Any = None

    async def start(self) -> str:
        from redhive.app import make_gateway
        from redhive.gateway.signing import TranscriptSigner
        from redhive.jobs.runner import JobRunner
        from redhive.kit import SecretBox
        from redhive.safeguards.screening import ClassifierOptions, create_classifier

        s = self.settings
        self.db = Database(s.resolved_database_url(), busy_timeout=s.db_busy_timeout)
        box = SecretBox(s.resolved_secret_key())
        classifier = create_classifier(s.hazard_classifier, ClassifierOptions(cache_dir=s.resolved_cache()))
        signer = TranscriptSigner.load_or_create(s.resolved_signing_key())
        self.gateway = make_gateway(s, self.db, box, classifier, signer)
        await self.gateway.start()
        self.runner = JobRunner(self.db, JobResources(gateway=self.gateway, box=box, settings=s),
                                lease_seconds=self.lease_seconds, concurrency=1)
        await self.runner.start()
        return str(self.runner.owner)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.aclose()
        if self.gateway is not None:
            await self.gateway.aclose()
        if self.db is not None:
            await self.db.dispose()


class RayJobs:
    """The executor: `start` joins or starts Ray and its actors, `aclose` stops them."""

    def __init__(self, db: Database, resources: JobResources, lease_seconds: float, concurrency: int) -> None:
        self.settings = resources.settings
        self.lease_seconds, self.concurrency = lease_seconds, concurrency
        self.db_url = db.url
        self.actors: list[Any] = []
        self.owners: list[str] = []
        self._started = False

    async def start(self) -> None:
        ray = require_ray()
        if Database(self.db_url).is_sqlite and self.db_url.rstrip("/").endswith(":memory:"):
            raise InvalidInput("An in-memory SQLite database cannot be shared with Ray job workers: set "
                               "REDHIVE_DATABASE_URL to a file or a PostgreSQL database.")
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING,
                                      "configure_logging": False}
            address = os.environ.get("REDHIVE_RAY_ADDRESS")
            if address:
                ray.init(address=address, **common)
            else:
                ray.init(num_cpus=self.concurrency, object_store_memory=OBJECT_STORE_BYTES,
                         include_dashboard=False, **common)
            self._started = True
        actor = ray.remote(JobWorker).options(num_cpus=1, max_concurrency=4)
        self.actors = [actor.remote(self.settings, self.lease_seconds) for _ in range(self.concurrency)]
        self.owners = list(await asyncio.gather(*(a.start.remote() for a in self.actors)))
        log.info("job workers started on Ray", extra={"owners": self.owners})

    async def aclose(self) -> None:
        ray = require_ray()
        try:
            await asyncio.gather(*(a.stop.remote() for a in self.actors), return_exceptions=True)
            for a in self.actors:
                ray.kill(a)
        finally:
            self.actors = []
            if self._started:
                ray.shutdown()
                self._started = False
