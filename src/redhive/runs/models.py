"""Runs and what they stored: a probe run's attempts, an agent run's episodes. One table of runs
for both kinds, so listing, resume, jobs and reports see every run the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base


class Run(Base):
    __tablename__ = "runs"
    #: the run list's order (D51)
    __table_args__ = (Index("ix_runs_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: probe (attempts: `redhive scan`) | agent (episodes: `redhive agent-scan`)
    kind: Mapped[str] = mapped_column(String(10), server_default="probe")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: running | completed | interrupted | failed
    status: Mapped[str] = mapped_column(String(20))
    #: The RunConfig or AgentRunConfig (targets, suites or environments, attacks, limits, their
    #: fingerprints); never a key.
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_size: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    redhive_version: Mapped[str] = mapped_column(String(40))
    #: The process executing the run ("host:pid") and until when its lease holds (renewed while it
    #: runs): a second process resuming the run is refused instead of redoing the same work.
    holder: Mapped[str | None] = mapped_column(String(120))
    held_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Attempt(Base):
    """One probe × attack chain × target × repeat; `id` is deterministic within its run."""

    __tablename__ = "attempts"
    #: run_outcome: counts by outcome from the index alone (run list, progress); run_seq: a run in
    #: plan order without a sort (exports, examples, transcripts). See D51.
    __table_args__ = (Index("ix_attempts_run_outcome", "run_id", "outcome"),
                      Index("ix_attempts_run_seq", "run_id", "seq"))

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    suite: Mapped[str] = mapped_column(String(80))
    probe_id: Mapped[str] = mapped_column(String(80))
    risk_area: Mapped[str] = mapped_column(String(80))
    #: attack | control (an over-refusal control: its success is a refusal of a harmless request)
    kind: Mapped[str] = mapped_column(String(10), server_default="attack")
    attack: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(200))
    repeat: Mapped[int] = mapped_column(Integer)
    #: success | refused | resisted | unscorable | error
    outcome: Mapped[str] = mapped_column(String(12))
    prompt: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    latency_ms: Mapped[float] = mapped_column(Float)
    input_tokens: Mapped[int] = mapped_column(Integer)
    output_tokens: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AgentEpisode(Base):
    """One environment × user task × injection task × attack × target × repeat × monitor mode of an
    agent run, with its facts (for metrics) and its hash-chained trace (for `traces show`, replay
    and audit); `id` is the engine's deterministic episode id, so a resumed run skips what is stored."""

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_run_seq", "run_id", "seq"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
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
