"""The turns of multi-turn attempts (strategies and scripted sequences), one row per message."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKeyConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base

__all__ = ["Turn"]


class Turn(Base):
    """One message of an attempt's conversation, written in the same transaction as the attempt."""

    __tablename__ = "turns"
    __table_args__ = (
        ForeignKeyConstraint(["run_id", "attempt_id"], ["attempts.run_id", "attempts.id"], ondelete="CASCADE"),
    )

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    attempt_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: user (sent to the target, or proposed and pruned: see note) | assistant (the target's answer)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    #: "" for a linear conversation, "s2" for a PAIR stream, "1.0.2" for a TAP node
    branch: Mapped[str] = mapped_column(String(200))
    parent: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text)
