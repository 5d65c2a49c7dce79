"""Agent runs and their episodes: one row per episode, with its facts (for metrics) and its
hash-chained trace (for `traces show`, replay and audit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base


class AgentRun(Base):
    __tablename__ = "agent_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: running | completed | interrupted | failed
    status: Mapped[str] = mapped_column(String(20))
    #: The AgentRunConfig (targets, environments and their fingerprints, attacks, modes, limits); never a key.
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_size: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    redhive_version: Mapped[str] = mapped_column(String(40))


class AgentEpisode(Base):
    """One environment × user task × injection task × attack × target × repeat × monitor mode;
    `id` is the engine's deterministic episode id, so a resumed run skips what is stored."""

    __tablename__ = "agent_episodes"
    __table_args__ = (Index("ix_agent_episodes_run_seq", "run_id", "seq"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("agent_runs.id", ondelete="CASCADE"), primary_key=True)
    monitor_mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    env: Mapped[str] = mapped_column(String(80))
    user_task: Mapped[str] = mapped_column(String(120))
    injection_task: Mapped[str | None] = mapped_column(String(120))
    attack: Mapped[str | None] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(200))
    repeat: Mapped[int] = mapped_column(Integer)
    #: completed | halted | step_limit | timeout | error
    status: Mapped[str] = mapped_column(String(12))
    utility: Mapped[bool | None] = mapped_column(Boolean)
    injection_success: Mapped[bool | None] = mapped_column(Boolean)
    steps: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    #: EpisodeFacts.to_dict(): what the metrics need, so they never load traces.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Episode.to_dict() as canonical JSON text (the hash chain is verifiable from it).
    trace: Mapped[str] = mapped_column(Text)
    seal: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
