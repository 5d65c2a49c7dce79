"""What a handler gets: its arguments, its checkpoint, the app's resources, and `step()`, the
transaction that commits a step's writes together with the job's checkpoint and progress.

    @job("domain.verb")
    async def verb(ctx: JobContext) -> dict[str, Any]:
        for item in ctx.args["items"]:
            if item in ctx.checkpoint.setdefault("done", {}):
                continue                                   # committed before the worker died
            async with ctx.step(f"item {item}") as session:
                actor = await ctx.actor(session)
                ctx.checkpoint["done"][item] = await service.do(session, actor, item)
                ctx.progress(len(ctx.checkpoint["done"]))
        return {"done": ctx.checkpoint["done"]}

A step runs exactly once: its writes and the checkpoint commit in one transaction guarded by the
lease, so a step that was cut short left nothing, and one that committed is skipped on resume.
Cancellation is cooperative: `step()` refuses to start one once cancellation was asked for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.db.session import Database
from redhive.errors import InvalidInput
from redhive.jobs.lease import Claim, fence
from redhive.jobs.models import Job

__all__ = ["JobCancelled", "JobContext", "JobResources", "LeaseLost"]


class JobCancelled(Exception):
    """Cancellation was asked for: the handler stops before its next step."""


class LeaseLost(Exception):
    """Another worker holds the job now (this one outlived its lease): write nothing more."""


@dataclass
class JobResources:
    """What the server lends its jobs: the gateway (replays of recorded conversations go through it),
    the key box for upstream credentials, the settings."""

    gateway: Any = None
    box: Any = None
    settings: Any = None


@dataclass
class JobContext:
    db: Database
    claim: Claim
    resources: JobResources
    checkpoint: dict[str, Any] = field(default_factory=dict)
    cancel_requested: bool = False
    _done: int | None = None
    _total: int | None = None
    _output: tuple[str, str] | None = None

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def args(self) -> dict[str, Any]:
        return self.claim.args

    def progress(self, done: int, total: int | None = None) -> None:
        """Written with the step's commit."""
        self._done, self._total = done, total if total is not None else self._total

    def output(self, text: str, media_type: str) -> None:
        """A file the job built (GET /api/jobs/{id}/output), written with the step's commit."""
        self._output = (text, media_type)

    async def actor(self, session: AsyncSession) -> Actor:
        """Whoever started the job, with their permissions as they are now."""
        from redhive.auth import service as auth
        from redhive.auth.models import User

        user = await session.get(User, self.claim.created_by_id) if self.claim.created_by_id else None
        if user is None or not user.is_active:
            raise InvalidInput("The account that started this job no longer exists or was deactivated.")
        strict = bool(self.resources.settings and self.resources.settings.requires_admin_second_factor)
        return await auth.load_actor(session, user, via="job", admin_second_factor=strict)

    @asynccontextmanager
    async def step(self, note: str = "") -> AsyncIterator[AsyncSession]:
        async with self.db.session() as session:
            asked = await session.scalar(select(Job.cancel_requested).where(Job.id == self.id))
            if asked or self.cancel_requested:
                raise JobCancelled
            before = dict(self.checkpoint)
            try:
                yield session
            except BaseException:
                self.checkpoint.clear()
                self.checkpoint.update(before)  # the step's writes roll back, and so does what it noted
                self._output = None
                raise
            values: dict[str, Any] = {"checkpoint": _copy(self.checkpoint), "progress_note": note[:200]}
            if self._done is not None:
                values["progress_done"] = self._done
            if self._total is not None:
                values["progress_total"] = self._total
            if self._output is not None:
                values["output"], values["output_media_type"] = self._output
            held = await session.execute(update(Job).where(fence(self.claim)).values(**values)
                                         .execution_options(synchronize_session=False))
            if held.rowcount != 1:  # type: ignore[attr-defined]
                raise LeaseLost


def _copy(value: Any) -> Any:
    """A fresh JSON value, so SQLAlchemy sees the change (it compares JSON by identity)."""
    import json

    return json.loads(json.dumps(value))
