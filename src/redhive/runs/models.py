"""Scan runs and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base


class Run(Base):
    __tablename__ = "runs"
    #: the run list's order (D51)
    __table_args__ = (Index("ix_runs_created_at", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: running | completed | interrupted | failed
    status: Mapped[str] = mapped_column(String(20))
    #: The RunConfig (targets, suites, attacks, repeats, params, suite fingerprints); never a key.
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_size: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    redhive_version: Mapped[str] = mapped_column(String(40))


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
