"""Jobs as the web app and the CLI see them: enqueue (in the caller's transaction), read, list,
cancel. Never commits (DESIGN §3).

`enqueue` writes the job's row in the transaction of the request that asks for the work, so the
job exists exactly when that transaction commits: a rolled-back request enqueues nothing. After
the commit it wakes this process's runner, which otherwise finds the job on its next poll."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize, require_user
from redhive.auth.policy import STARTER, Relation
from redhive.db.hooks import after_commit
from redhive.errors import Conflict, NotFound
from redhive.jobs.models import FINAL, STATUSES, Job
from redhive.jobs.registry import load_handlers
from redhive.kit import utcnow

__all__ = ["cancel_job", "enqueue", "get_job", "job_relations", "list_jobs", "wake_runners"]

_wakers: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
_wakers_lock = threading.Lock()


def add_waker(loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
    with _wakers_lock:
        _wakers.add((loop, event))


def remove_waker(loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
    with _wakers_lock:
        _wakers.discard((loop, event))


def wake_runners() -> None:
    """Tell the runners of this process that a job was committed (they may run in other threads)."""
    with _wakers_lock:
        targets = list(_wakers)
    for loop, event in targets:
        if not loop.is_closed():
            loop.call_soon_threadsafe(event.set)


async def enqueue(session: AsyncSession, actor: Actor, kind: str, *, args: dict[str, Any], org_id: str | None,
                  title: str, subject: tuple[str, str] = ("", ""), total: int = 0) -> Job:
    """Ask for `kind` to run with `args` once this transaction commits. The caller checked that the
    actor may start it; the handler checks again when it runs (permissions may change meanwhile)."""
    if kind not in load_handlers():
        raise KeyError(f"no handler for the job {kind!r}: register one with @job in a tasks module")
    job = Job(kind=kind, org_id=org_id, created_by_id=actor.user_id, subject_type=subject[0], subject_id=subject[1],
              title=title[:200], status="queued", args=args, checkpoint={}, progress_total=total,
              progress_done=0, progress_note="", error="", attempts=0, cancel_requested=False,
              output_media_type="", created_at=utcnow())
    session.add(job)
    await session.flush()
    after_commit(session, wake_runners)
    return job


def job_relations(actor: Actor, job: Job) -> set[Relation]:
    relations = actor.relations(job.org_id)
    if actor.user_id is not None and job.created_by_id == actor.user_id:
        relations.add((STARTER, "*"))
    return relations


async def get_job(session: AsyncSession, actor: Actor, job_id: str) -> Job:
    """A job its starter, its organisation's triage team or a platform admin may see; 404 to others."""
    require_user(actor)
    job = await session.get(Job, job_id)
    if job is None:
        raise NotFound(f"There is no job {job_id} that you can see.")
    authorize(actor, "jobs.view", job_relations(actor, job), kind="job", object_id=job_id)
    return job


async def list_jobs(session: AsyncSession, actor: Actor, *, status: str | None = None,
                    subject_id: str | None = None, limit: int = 100) -> Sequence[Job]:
    """Newest first: the jobs of the organisations where the actor follows jobs, and their own."""
    require_user(actor)
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(max(1, min(limit, 500)))
    if not actor.is_platform_admin:
        query = query.where(or_(Job.org_id.in_(actor.org_ids("jobs.view")), Job.created_by_id == actor.user_id))
    if status is not None:
        if status not in STATUSES:
            from redhive.errors import InvalidInput

            raise InvalidInput(f"A job's status is one of {', '.join(STATUSES)}, not '{status}'.", field="status")
        query = query.where(Job.status == status)
    if subject_id is not None:
        query = query.where(Job.subject_id == subject_id)
    return (await session.scalars(query)).all()


async def cancel_job(session: AsyncSession, actor: Actor, job_id: str) -> Job:
    """A queued job is cancelled at once; a running one stops before its next step (its handler
    checks between steps, so what a finished step stored stays)."""
    job = await get_job(session, actor, job_id)
    authorize(actor, "jobs.cancel", job_relations(actor, job), kind="job", object_id=job_id)
    if job.status in FINAL:
        raise Conflict(f"The job already ended ({job.status}): there is nothing to cancel.")
    before = job.status
    job.cancel_requested = True
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", utcnow()
    await session.flush()
    await record(session, actor, "jobs.cancelled", object_type="job", object_id=job.id, org_id=job.org_id,
                 before={"status": before}, after={"status": job.status, "cancel_requested": True})
    return job
