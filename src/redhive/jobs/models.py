"""The `jobs` table: one row per piece of work the web app hands off (a replay, a re-test, a
regression or transfer run, a report build). The row is written in the transaction that asks for
the work, so a rolled-back request leaves none (redhive.jobs.service.enqueue)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

__all__ = ["FINAL", "STATUSES", "Job"]

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
#: A job in one of these states never runs again.
FINAL = frozenset({"succeeded", "failed", "cancelled"})


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_lease", "status", "lease_expires_at"),
                      Index("ix_jobs_org_created", "org_id", "created_at"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    #: The handler's registered name, "domain.verb" (redhive.jobs.registry).
    kind: Mapped[str] = mapped_column(String(64))
    #: Whose members see the job (None: only its creator and platform admins).
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: What the job acts on, for links and the object's page ("flaw", id).
    subject_type: Mapped[str] = mapped_column(String(24), default="")
    subject_id: Mapped[str] = mapped_column(String(32), default="", index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The handler's checkpoint: what its committed steps did (a resumed job skips them).
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JSON)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_note: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The one sentence a failed job ends with.
    error: Mapped[str] = mapped_column(Text, default="")
    #: Claims so far; a claim after a lost owner is one more. Also the fencing token of the lease.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The worker holding the job ("host:pid:random") and until when; a lapsed lease is claimable.
    owner: Mapped[str | None] = mapped_column(String(80))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: A file the job built (a report), served by GET /api/jobs/{id}/output.
    output: Mapped[str | None] = mapped_column(Text)
    output_media_type: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
