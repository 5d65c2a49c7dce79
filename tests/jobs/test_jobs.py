"""The job layer on a real database (SQLite, and PostgreSQL under the `postgres` marker): enqueue
takes effect at commit, one claimer wins each job, a lapsed lease is claimed again and fences its
old owner out, steps run once across a worker's death, cancellation is cooperative."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import func, select, update

from redhive.audit.models import AuditEvent
from redhive.audit.service import record
from redhive.auth import service as auth
from redhive.auth.permissions import Actor
from redhive.db.session import Database
from redhive.errors import Conflict, InvalidInput, NotFound
from redhive.jobs import JobContext, JobResources, cancel_job, enqueue, get_job, job, lease, list_jobs, service
from redhive.jobs.models import Job
from redhive.jobs.runner import JobRunner
from redhive.kit import utcnow
from redhive.orgs.models import Membership, Organization

HUNG = 120


class Crash(BaseException):
    """The worker dies in the middle of a step (nothing after this line of the step runs)."""


#: step number -> crash there (once); the gate a gated handler waits on between its steps.
CRASH_AT: dict[str, int] = {}
GATES: dict[str, asyncio.Event] = {}


async def _step(ctx: JobContext, n: int) -> None:
    async with ctx.step(f"step {n}") as session:
        actor = await ctx.actor(session)
        await record(session, actor, "tests.step", object_type="job", object_id=f"{ctx.id}:{n}")
        ctx.checkpoint.setdefault("done", []).append(n)
        ctx.progress(n, 3)
        if CRASH_AT.get(ctx.id) == n:
            del CRASH_AT[ctx.id]
            raise Crash


@job("tests.steps")
async def three_steps(ctx: JobContext) -> dict[str, Any]:
    for n in (1, 2, 3):
        if n not in ctx.checkpoint.get("done", []):
            await _step(ctx, n)
    return {"done": ctx.checkpoint["done"]}


@job("tests.gated")
async def gated(ctx: JobContext) -> dict[str, Any]:
    await _step(ctx, 1)
    await GATES[ctx.id].wait()
    await _step(ctx, 2)
    return {"done": ctx.checkpoint["done"]}


@job("tests.refused")
async def refused(ctx: JobContext) -> None:
    raise InvalidInput("The version was deleted meanwhile: start the re-test on another version.")


async def _people(db: Database) -> tuple[Actor, Actor, str]:
    """A coordinator of the Lab, and an admin of another organisation."""
    async with db.session() as session:
        actors = []
        for name in ("Lab", "Other"):
            org = Organization(name=name, name_key=name.lower(), kind="developer", description="", created_at=utcnow())
            session.add(org)
            await session.flush()
            user = await auth.register_user(session, email=f"someone@{name.lower()}.example", display_name=name,
                                            password=None)
            role = "coordinator" if name == "Lab" else "admin"
            session.add(Membership(user_id=user.id, org_id=org.id, role=role, created_at=utcnow()))
            await session.flush()
            actors.append((await auth.load_actor(session, user, via="password"), org.id))
    (lab_actor, lab_id), (other_actor, _) = actors
    return lab_actor, other_actor, lab_id


async def _enqueue(db: Database, actor: Actor, org_id: str, kind: str = "tests.steps") -> str:
    async with db.session() as session:
        return (await enqueue(session, actor, kind, args={}, org_id=org_id, title=kind)).id


async def _steps_done(db: Database, job_id: str) -> list[str]:
    async with db.session() as session:
        rows = await session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "tests.step",
                                                                        AuditEvent.object_id.like(f"{job_id}:%"))
                                     .order_by(AuditEvent.id))
        return [r.split(":")[1] for r in rows]


async def _job(db: Database, job_id: str) -> Job:
    async with db.session() as session:
        found = await session.get(Job, job_id)
        assert found is not None
        return found


async def test_enqueue_takes_effect_only_when_the_transaction_commits(db: Database) -> None:
    actor, _, lab = await _people(db)
    woken = asyncio.Event()
    service.add_waker(asyncio.get_running_loop(), woken)
    try:
        with pytest.raises(RuntimeError):
            async with db.session() as session:
                await enqueue(session, actor, "tests.steps", args={}, org_id=lab, title="rolled back")
                raise RuntimeError("the request failed after asking for the job")
        await asyncio.sleep(0)  # a wake-up would have been scheduled by now
        assert not woken.is_set()
        async with db.session() as session:
            assert await session.scalar(select(func.count()).select_from(Job)) == 0
        job_id = await _enqueue(db, actor, lab)
        await asyncio.wait_for(woken.wait(), HUNG)  # the runner is told at once, after the commit
    finally:
        service.remove_waker(asyncio.get_running_loop(), woken)
    found = await _job(db, job_id)
    assert (found.status, found.attempts, found.created_by_id, found.org_id) == ("queued", 0, actor.user_id, lab)


async def test_each_job_is_claimed_by_exactly_one_of_several_claimers(db: Database) -> None:
    actor, _, lab = await _people(db)
    ids = {await _enqueue(db, actor, lab) for _ in range(6)}
    claimed: list[tuple[str, str]] = []

    async def claimer(owner: str) -> None:
        while (got := await lease.claim(db, owner, 60, frozenset({"tests.steps"}))) is not None:
            claimed.append((got.id, owner))

    await asyncio.gather(*(claimer(f"worker-{n}") for n in range(3)))
    assert sorted(i for i, _ in claimed) == sorted(ids)  # every job, none twice
    async with db.session() as session:
        rows = (await session.execute(select(Job.status, Job.attempts, Job.owner))).all()
    assert {(status, attempts) for status, attempts, _ in rows} == {("running", 1)}
    assert {owner for *_, owner in rows} == {owner for _, owner in claimed}


async def test_a_lapsed_lease_is_claimed_again_and_its_old_owner_writes_nothing(db: Database) -> None:
    actor, _, lab = await _people(db)
    job_id = await _enqueue(db, actor, lab)
    first = await lease.claim(db, "dead-worker", 60)
    assert first is not None and first.attempt == 1
    assert await lease.claim(db, "second-worker", 60) is None  # held: nobody else takes it
    async with db.session() as session:  # the first worker stopped heartbeating long ago
        await session.execute(update(Job).where(Job.id == job_id).values(lease_expires_at=utcnow()))
    second = await lease.claim(db, "second-worker", 60)
    assert second is not None and (second.id, second.attempt) == (job_id, 2)
    assert await lease.renew(db, first, 60) == (False, False)
    assert not await lease.finish(db, first, "succeeded", result={"by": "the dead worker"})
    assert await lease.finish(db, second, "succeeded", result={"by": "the second worker"})
    found = await _job(db, job_id)
    assert (found.status, found.result, found.attempts, found.owner) == ("succeeded", {"by": "the second worker"},
                                                                         2, None)


async def test_a_job_whose_worker_died_resumes_after_its_last_committed_step(db: Database) -> None:
    actor, _, lab = await _people(db)
    job_id = await _enqueue(db, actor, lab)
    CRASH_AT[job_id] = 2
    dying = JobRunner(db, JobResources(), owner="dying-worker")
    claim = await lease.claim(db, dying.owner, 60)
    assert claim is not None
    with pytest.raises(Crash):
        await dying.run(claim)
    assert await _steps_done(db, job_id) == ["1"]  # step 2 was cut short: nothing of it stored
    found = await _job(db, job_id)
    assert (found.status, found.checkpoint, found.progress_done) == ("running", {"done": [1]}, 1)

    async with db.session() as session:  # its lease lapses
        await session.execute(update(Job).where(Job.id == job_id).values(lease_expires_at=utcnow()))
    heir = JobRunner(db, JobResources(), owner="next-worker")
    claim = await lease.claim(db, heir.owner, 60)
    assert claim is not None and claim.checkpoint == {"done": [1]}
    await heir.run(claim)
    assert await _steps_done(db, job_id) == ["1", "2", "3"]  # each step exactly once
    found = await _job(db, job_id)
    assert (found.status, found.result, found.attempts, found.progress_done) == ("succeeded", {"done": [1, 2, 3]},
                                                                                 2, 3)


async def test_cancelling_stops_a_queued_job_at_once_and_a_running_one_between_steps(db: Database) -> None:
    actor, other, lab = await _people(db)
    queued = await _enqueue(db, actor, lab)
    async with db.session() as session:
        assert (await cancel_job(session, actor, queued)).status == "cancelled"
    async with db.session() as session:
        with pytest.raises(Conflict, match="already ended"):
            await cancel_job(session, actor, queued)

    running = await _enqueue(db, actor, lab, "tests.gated")
    GATES[running] = asyncio.Event()
    runner = JobRunner(db, JobResources())
    claim = await lease.claim(db, runner.owner, 60, frozenset({"tests.gated"}))
    assert claim is not None and claim.id == running
    task = asyncio.create_task(runner.run(claim))
    deadline = time.monotonic() + HUNG
    while (await _job(db, running)).progress_done < 1:  # the first step committed
        assert time.monotonic() < deadline and not task.done()
        await asyncio.sleep(0.02)
    async with db.session() as session:
        with pytest.raises(NotFound):  # another organisation's admin does not learn it exists
            await cancel_job(session, other, running)
    async with db.session() as session:
        asked = await cancel_job(session, actor, running)
        assert (asked.status, asked.cancel_requested) == ("running", True)
    GATES[running].set()
    await asyncio.wait_for(task, HUNG)
    found = await _job(db, running)
    assert (found.status, found.result, found.finished_at is not None) == ("cancelled", None, True)
    assert await _steps_done(db, running) == ["1"]  # what the finished step stored stays
    assert await lease.claim(db, "anyone", 60, frozenset({"tests.steps", "tests.gated"})) is None


async def test_a_refused_job_fails_with_its_sentence_and_jobs_are_seen_by_their_organisation(db: Database) -> None:
    actor, other, lab = await _people(db)
    job_id = await _enqueue(db, actor, lab, "tests.refused")
    runner = JobRunner(db, JobResources())
    assert await runner.claim_one()
    deadline = time.monotonic() + HUNG
    while (found := await _job(db, job_id)).status == "running" or found.status == "queued":
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert (found.status, found.error) == ("failed", "The version was deleted meanwhile: start the re-test on "
                                                     "another version.")
    async with db.session() as session:
        assert [j.id for j in await list_jobs(session, actor)] == [job_id]
        assert list(await list_jobs(session, other)) == []
        with pytest.raises(NotFound):
            await get_job(session, other, job_id)
        with pytest.raises(InvalidInput, match="status is one of"):
            await list_jobs(session, actor, status="done")


def test_an_unknown_executor_is_refused_before_serving(tmp_path: Any) -> None:
    from redhive.app import create_app
    from redhive.settings import Settings

    with pytest.raises(InvalidInput) as refused:
        create_app(Settings(home=tmp_path, secret_key="k" * 40, env="dev", jobs_executor="celery"))
    assert refused.value.message == ("REDHIVE_JOBS_EXECUTOR is 'celery', which is no job executor: use one of "
                                     "in-process, off, ray.")
