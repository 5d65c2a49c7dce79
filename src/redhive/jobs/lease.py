"""Claiming a job and holding it: the SQL the runner runs, each statement its own short transaction.

A claim takes a queued job, or a running one whose lease lapsed (its owner died), and bumps
`attempts`: (id, owner, attempts) is the lease's fencing token. Every later write of that owner —
heartbeat, checkpoint, the final status — is an UPDATE guarded by the token, so a worker that lost
its lease (paused past its expiry, then woke up) writes nothing.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks a row no other claimer holds. SQLite has no
row locks (one writer at a time): a conditional UPDATE that repeats the claimable condition takes
the row only if nobody took it since it was read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.db.session import Database
from redhive.jobs.models import Job
from redhive.kit import utcnow

__all__ = ["Claim", "claim", "fence", "finish", "release", "renew"]

GAVE_UP = ("The job was interrupted {n} times (its worker stopped each time) and is not tried again: "
           "start it anew once the cause is fixed.")


@dataclass(frozen=True)
class Claim:
    id: str
    kind: str
    owner: str
    attempt: int
    args: dict[str, Any]
    checkpoint: dict[str, Any]
    created_by_id: str | None


def _claimable(now: datetime) -> Any:
    return or_(Job.status == "queued", and_(Job.status == "running", Job.lease_expires_at < now))


def fence(claim: Claim) -> Any:
    return and_(Job.id == claim.id, Job.owner == claim.owner, Job.attempts == claim.attempt,
                Job.status == "running")


async def claim(db: Database, owner: str, lease_seconds: float, kinds: frozenset[str] | None = None) -> Claim | None:
    """The oldest claimable job, now held by `owner`; None when there is none."""
    for _ in range(8):  # SQLite: another claimer may win the row we read; try the next one
        async with db.session() as session:
            now = utcnow()
            query = select(Job).where(_claimable(now)).order_by(Job.created_at, Job.id).limit(1)
            if kinds is not None:
                query = query.where(Job.kind.in_(kinds))
            if not db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            job = await session.scalar(query)
            if job is None:
                return None
            if job.status == "running" and (job.cancel_requested or job.attempts >= job.max_attempts):
                await _close_abandoned(session, job, now)  # its owner died: end it rather than run it again
                continue
            taken = await session.execute(
                update(Job).where(Job.id == job.id, Job.attempts == job.attempts, _claimable(now))
                .values(status="running", owner=owner, attempts=job.attempts + 1, heartbeat_at=now,
                        lease_expires_at=now + timedelta(seconds=lease_seconds),
                        started_at=job.started_at or now)
                .execution_options(synchronize_session=False))
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            return Claim(job.id, job.kind, owner, job.attempts + 1, dict(job.args), dict(job.checkpoint or {}),
                         job.created_by_id)
    return None


async def _close_abandoned(session: AsyncSession, job: Job, now: datetime) -> None:
    status, error = ("cancelled", "") if job.cancel_requested else ("failed", GAVE_UP.format(n=job.attempts))
    await session.execute(update(Job).where(Job.id == job.id, Job.attempts == job.attempts)
                          .values(status=status, error=error, owner=None, lease_expires_at=None, finished_at=now)
                          .execution_options(synchronize_session=False))


async def renew(db: Database, claim: Claim, lease_seconds: float) -> tuple[bool, bool]:
    """Extend the lease: (still held, cancellation asked for)."""
    async with db.session() as session:
        now = utcnow()
        held = await session.execute(update(Job).where(fence(claim))
                                     .values(heartbeat_at=now, lease_expires_at=now + timedelta(seconds=lease_seconds))
                                     .execution_options(synchronize_session=False))
        if held.rowcount != 1:  # type: ignore[attr-defined]
            return False, False
        return True, bool(await session.scalar(select(Job.cancel_requested).where(Job.id == claim.id)))


async def finish(db: Database, claim: Claim, status: str, *, result: dict[str, Any] | None = None,
                 error: str = "") -> bool:
    """The final status, written only while the lease is still held."""
    async with db.session() as session:
        done = await session.execute(update(Job).where(fence(claim))
                                     .values(status=status, result=result, error=error, owner=None,
                                             lease_expires_at=None, finished_at=utcnow())
                                     .execution_options(synchronize_session=False))
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


async def release(db: Database, claim: Claim) -> None:
    """Hand the job back (the server stops): queued again, picked up at once by the next worker."""
    async with db.session() as session:
        await session.execute(update(Job).where(fence(claim))
                              .values(status="queued", owner=None, lease_expires_at=None)
                              .execution_options(synchronize_session=False))
