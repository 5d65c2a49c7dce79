"""Disclosure tables: every change of a field's sharing label, with who decided it and why
(lowering one is a recorded decision of the owning organisation)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

__all__ = ["LabelDecision"]


class LabelDecision(Base):
    __tablename__ = "disclosure_label_decisions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(8))  # report | flaw
    object_id: Mapped[str] = mapped_column(String(32), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    from_label: Mapped[str] = mapped_column(String(20))
    to_label: Mapped[str] = mapped_column(String(20))
    #: raise | lower
    direction: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
