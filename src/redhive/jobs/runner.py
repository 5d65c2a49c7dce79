"""The in-process executor: a loop inside `redhive serve` that claims jobs and runs their handlers
on the server's event loop, `concurrency` at a time.

Each running job has a heartbeat that extends its lease every third of it and reads whether
cancellation was asked for. When the server stops, running jobs are cancelled and handed back
(queued again, resumed by the next start); when it dies (SIGKILL, power), their leases lapse and
the next runner to poll claims them again. The handler then resumes from its checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from typing import Any

from redhive.db.session import Database
from redhive.errors import RedhiveError
from redhive.jobs import lease
from redhive.jobs.context import JobCancelled, JobContext, JobResources, LeaseLost
from redhive.jobs.registry import load_handlers
from redhive.jobs.service import add_waker, remove_waker

__all__ = ["JobRunner", "new_owner"]

log = logging.getLogger("redhive.jobs")

UNEXPECTED = "The job failed unexpectedly ({name}): the server's log has the details; start it again."


def new_owner() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class JobRunner:
    """`await runner.start()` in the app's lifespan, `await runner.aclose()` when it ends."""

    def __init__(self, db: Database, resources: JobResources, *, lease_seconds: float = 60.0,
                 poll_seconds: float = 2.0, concurrency: int = 2, owner: str | None = None) -> None:
        self.db, self.resources = db, resources
        self.lease_seconds, self.poll_seconds, self.concurrency = lease_seconds, poll_seconds, max(1, concurrency)
        self.owner = owner or new_owner()
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._running: dict[asyncio.Task[None], lease.Claim] = {}

    async def start(self) -> None:
        load_handlers()
        loop = asyncio.get_running_loop()
        add_waker(loop, self._wake)
        self._loop_task = asyncio.create_task(self._poll(), name="redhive-jobs")

    async def aclose(self) -> None:
        remove_waker(asyncio.get_running_loop(), self._wake)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        claims = list(self._running.items())
        for task, _ in claims:
            task.cancel()
        for task, claim in claims:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            with contextlib.suppress(Exception):  # a database that is gone: the lease lapses instead
                await lease.release(self.db, claim)

    async def _poll(self) -> None:
        while True:
            try:
                while len(self._running) < self.concurrency and await self.claim_one():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup: try again at the next poll
                log.exception("claiming a job failed")
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def claim_one(self) -> bool:
        """Claim one job and start it; False when none is waiting."""
        claim = await lease.claim(self.db, self.owner, self.lease_seconds, frozenset(load_handlers()))
        if claim is None:
            return False
        task = asyncio.create_task(self.run(claim), name=f"redhive-job-{claim.id}")
        self._running[task] = claim
        task.add_done_callback(self._ended)
        return True

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._running.pop(task, None)
        self._wake.set()  # a slot is free

    async def run(self, claim: lease.Claim) -> None:
        handler = load_handlers()[claim.kind]
        ctx = JobContext(self.db, claim, self.resources, checkpoint=dict(claim.checkpoint))
        work: asyncio.Future[dict[str, Any] | None] = asyncio.ensure_future(handler(ctx))
        beat = asyncio.create_task(self._heartbeat(claim, ctx, work))
        try:
            result = await work
        except JobCancelled:
            await lease.finish(self.db, claim, "cancelled")
        except LeaseLost:
            log.warning("job %s: another worker holds it now; this one stops", claim.id)
        except asyncio.CancelledError:
            if beat.done() and not beat.cancelled() and beat.result() is False:
                log.warning("job %s: lease lost, stopped", claim.id)
                return
            raise
        except RedhiveError as exc:
            await lease.finish(self.db, claim, "failed", error=exc.message)
        except Exception as exc:
            log.exception("job %s (%s) failed", claim.id, claim.kind)
            await lease.finish(self.db, claim, "failed", error=UNEXPECTED.format(name=type(exc).__name__))
        else:
            await lease.finish(self.db, claim, "succeeded", result=result)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await beat

    async def _heartbeat(self, claim: lease.Claim, ctx: JobContext, work: asyncio.Future[Any]) -> bool:
        """Extend the lease until the work ends; stop the work if the lease was lost."""
        while not work.done():
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                held, asked = await lease.renew(self.db, claim, self.lease_seconds)
            except Exception:  # the database is busy or away: the lease still runs a while
                log.exception("job %s: heartbeat failed", claim.id)
                continue
            if not held:
                work.cancel()
                return False
            ctx.cancel_requested = ctx.cancel_requested or asked
        return True
