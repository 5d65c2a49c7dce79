"""`--executor ray` of `redhive scan` and `redhive agent-scan`: a run's plan sharded across Ray
workers (decisions D48, D54).

The driver (the command) records the run as usual, then keeps one shard per worker in flight as
Ray tasks (the run kind's shard function, `shards.run_shard` or `shards.run_agent_shard`: the one
runner on a span of the plan, writing into the shared database) and hands out the next shard as
each finishes. A worker process that dies fails its task with a system error, which Ray retries
(`RETRIES` times) on a live worker; the retried shard skips what the dead one had stored.
Progress is read from the database (stored records by outcome), so the bar counts what is kept,
whoever wrote it.

Ray is the optional `ray` extra, imported only here and only when this executor is used. A local
cluster is started with `num_cpus` = the workers, no dashboard, no usage statistics and a small
object store (the shards pass a few numbers, never records); it is shut down at the end. With
`--ray-address` the driver joins that cluster and leaves it running.

SQLite is refused unless every node of the cluster is this machine: its WAL locking is correct
between processes of one host (the busy timeout makes writers queue), not across machines."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import make_url

from redhive.db.session import Database
from redhive.engine.execution import RunnerResult
from redhive.errors import InvalidInput, OptionalDependencyMissing, RedhiveError
from redhive.runs import queries
from redhive.runs.lifecycle import ScanResult
from redhive.runs.shards import Shard, Sharded, ShardFn, ShardOutcome, merge

__all__ = ["OBJECT_STORE_BYTES", "RETRIES", "RayExecutor", "require_ray"]

#: Times Ray re-runs a shard whose worker process died, before the run stops (then --resume).
RETRIES = 3
#: Ray's object store of a local cluster: its floor (75 MiB) plus room; the shards exchange only
#: their spans and counts.
OBJECT_STORE_BYTES = 96 * 1024 * 1024
#: Seconds between progress reads from the database.
PROGRESS_INTERVAL = 0.5


def require_ray() -> Any:
    """The ray module, or one sentence on how to install it."""
    try:
        import ray
    except ImportError:
        raise OptionalDependencyMissing("Running a scan on Ray (--executor ray)", "ray") from None
    return ray


def run_shard_task(function: ShardFn, url: str, busy_timeout: float, run_id: str, shard: Shard,
                   api_key: str | None, workers: int) -> ShardOutcome:
    """The Ray task (in a worker process): one shard of a run of either kind on its own event loop."""
    from redhive import aio

    return aio.run(function(url, busy_timeout, run_id, shard, api_key, workers))


class RayExecutor:
    """One run's dispatch to Ray: `check` connects (or starts a local cluster) before the run is
    recorded, `run` executes the shards and shuts a cluster it started down."""

    def __init__(self, *, address: str | None = None, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise InvalidInput(f"--ray-workers must be at least 1, not {workers}.")
        self.address = address
        self.workers = workers
        self.result = RunnerResult()
        self._started = False  # this executor started Ray, so it shuts it down

    def check(self, db: Database) -> None:
        """Connect to Ray and refuse a database its workers cannot share."""
        ray = require_ray()
        if db.is_sqlite and make_url(db.url).database in (None, "", ":memory:"):
            raise InvalidInput("An in-memory SQLite database cannot be shared by Ray workers: "
                               "point REDHIVE_DATABASE_URL at a file or a PostgreSQL database.")
        if not ray.is_initialized():
            self._connect(ray)
        try:
            if self.workers is None:
                self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
            if db.is_sqlite:
                nodes = [n for n in ray.nodes() if n.get("Alive")]
                here = ray.get_runtime_context().get_node_id()
                if any(n["NodeID"] != here for n in nodes):
                    raise InvalidInput(
                        f"SQLite cannot be shared by Ray workers on other machines (this cluster has {len(nodes)} "
                        "nodes): set REDHIVE_DATABASE_URL to a PostgreSQL database that every node reaches.")
        except BaseException:
            self._shutdown(ray)
            raise

    def _connect(self, ray: Any) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        common: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING,
                                  "configure_logging": False}
        try:
            if self.address is None:
                workers = self.workers or os.cpu_count() or 1
                self.workers = workers
                ray.init(num_cpus=workers, object_store_memory=OBJECT_STORE_BYTES, include_dashboard=False,
                         **common)
            else:
                _answers(self.address)
                ray.init(address=self.address, **common)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray cluster"
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InvalidInput(f"Cannot start or reach {where} ({reason}): check the address and that "
                               "`ray status` answers there.") from None
        self._started = True

    def close(self) -> None:
        """Shut down a cluster `check` started, when the run is refused after it (its lease held)."""
        if self._started:
            self._shutdown(require_ray())

    def _shutdown(self, ray: Any) -> None:
        if self._started:
            ray.shutdown()
            self._started = False

    async def execute(self, db: Database, run_id: str, work: Sharded,
                      on_progress: Callable[[str], None] | None) -> ScanResult:
        """`run`, with how it ended as a run's outcome: failed with the sentence that stopped it,
        or interrupted, each with the counts of the shards that finished."""
        outcome = ScanResult(run_id, "completed")
        try:
            outcome.result = await self.run(db, run_id, work, on_progress)
        except RedhiveError as exc:
            outcome.status, outcome.error, outcome.result = "failed", exc, self.result
        except (asyncio.CancelledError, KeyboardInterrupt):
            outcome.status, outcome.result = "interrupted", self.result
        return outcome

    async def run(self, db: Database, run_id: str, work: Sharded,
                  on_progress: Callable[[str], None] | None) -> RunnerResult:
        """Execute every shard of the run (`shards.probe_work` or `shards.agent_work`); what the
        database lacks, exactly once."""
        ray = require_ray()
        try:
            progress = _Progress(db, work.progress(run_id), on_progress)
            await progress.poll(report=False)
            # Ray prints what its raylets report (a worker that died) on stdout; there it would
            # break `--json`, so it goes to stderr while the shards run.
            with contextlib.redirect_stdout(sys.stderr):
                await self._dispatch(ray, db, run_id, work, progress)
        finally:
            self._shutdown(ray)
        return self.result

    async def _dispatch(self, ray: Any, db: Database, run_id: str, work: Sharded, progress: _Progress) -> None:
        workers = self.workers or 1
        task = ray.remote(run_shard_task).options(num_cpus=1, max_retries=RETRIES, retry_exceptions=False)
        url = _shareable_url(db.url)
        todo = collections.deque(work.shards(workers))
        pending: dict[asyncio.Future[ShardOutcome], tuple[Any, Shard]] = {}
        try:
            while todo or pending:
                while todo and len(pending) < workers:
                    shard = todo.popleft()
                    ref = task.remote(work.function, url, db.busy_timeout, run_id, shard, work.api_key, workers)
                    pending[asyncio.wrap_future(ref.future())] = (ref, shard)
                done, _ = await asyncio.wait(pending, timeout=PROGRESS_INTERVAL, return_when=asyncio.FIRST_COMPLETED)
                for future in done:
                    _, shard = pending.pop(future)
                    self._settle(ray, run_id, work.describe(shard), future)
                await progress.poll()
        except BaseException:
            for ref, _ in pending.values():
                ray.cancel(ref)
            raise
        finally:
            await progress.poll()

    def _settle(self, ray: Any, run_id: str, shard: str, future: asyncio.Future[ShardOutcome]) -> None:
        """Count a finished shard; raise what stops the run."""
        try:
            outcome = future.result()
        except ray.exceptions.RayError as exc:
            cause = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise RedhiveError(
                f"{shard} of run {run_id} failed on Ray after {RETRIES} retries "
                f"({cause[:200]}); after fixing the cause, finish with --resume {run_id}.") from None
        merge(self.result, outcome.result)
        if outcome.error is not None:
            raise outcome.error
        if outcome.interrupted:
            raise KeyboardInterrupt


class _Progress:
    """Stored records by outcome, read from the database: each newly stored one is reported once."""

    def __init__(self, db: Database, query: queries.Query, report: Callable[[str], None] | None) -> None:
        self.db, self.query, self.report = db, query, report
        self.seen: collections.Counter[str] = collections.Counter()

    async def poll(self, *, report: bool = True) -> None:
        if self.report is None:
            return
        async with self.db.session() as session:
            rows = (await session.execute(self.query)).all()
        for outcome, count in rows:
            new = count - self.seen[outcome]
            self.seen[outcome] = count
            for _ in range(new if report else 0):
                self.report(outcome)


def _answers(address: str) -> None:
    """Refuse a HOST:PORT nobody listens on at once: Ray would retry it for minutes."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return  # "auto" and the like: Ray finds the cluster itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise ConnectionError(exc.strerror or "no answer") from None


def _shareable_url(url: str) -> str:
    """The database URL as every worker must open it: a SQLite file by its absolute path (a worker's
    working directory is not the command's)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return parsed.set(database=str(Path(parsed.database).expanduser().resolve())).render_as_string(
            hide_password=False)
    return url
