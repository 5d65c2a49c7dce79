"""Joint-exercise tables: the one agreement of a mission run by several organisations (its parties,
each with the label it receives of the others' findings, and whether the party has accepted it), and
the notices of a flaw shown to transfer to another developer's system, held by the coordinator until
it forwards them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

__all__ = ["JointAgreement", "JointParty", "NOTICE_STATUSES", "TransferNotice"]

#: received (by the coordinator) -> forwarded (to the developer) -> acknowledged (by it) | dismissed
NOTICE_STATUSES = ("received", "forwarded", "acknowledged", "dismissed")


class JointAgreement(Base):
    """A joint exercise's one agreement: what each party organisation receives of the others' flaws
    in the mission, from when. Its shares are `sharing_agreements` rows pointing here (D40)."""

    __tablename__ = "joint_agreements"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), unique=True)
    #: validated | fixed, as a sharing agreement's `after`
    after: Mapped[str] = mapped_column(String(12))
    delay_days: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JointParty(Base):
    """One organisation under the agreement: the label it receives, the named individuals who receive
    TLP:RED, and when its staff accepted (from then on its own flaws in the mission are shared)."""

    __tablename__ = "joint_agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "org_id", name="uq_joint_agreement_parties_agreement_org"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("joint_agreements.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    named_user_ids: Mapped[list[str]] = mapped_column(JSON)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class TransferNotice(Base):
    """A transfer test found another developer's system affected by a flaw. The coordinator's
    organisation receives the notice, reviews it and forwards it (at a label) or dismisses it; the
    developer sees it only once forwarded, redacted for that label."""

    __tablename__ = "transfer_notices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    flaw_id: Mapped[str] = mapped_column(ForeignKey("flaws.id", ondelete="CASCADE"), index=True)
    replay_id: Mapped[str | None] = mapped_column(ForeignKey("finding_replays.id", ondelete="SET NULL"))
    mission_id: Mapped[str | None] = mapped_column(ForeignKey("missions.id", ondelete="SET NULL"))
    #: The flaw's owner, the coordinating organisation, and the developer of the affected system.
    source_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    coordinator_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    developer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    version_id: Mapped[str] = mapped_column(ForeignKey("system_versions.id", ondelete="CASCADE"))
    successes: Mapped[int] = mapped_column(Integer)
    trials: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default="received", index=True)
    #: The label it was forwarded at: the developer sees the flaw redacted for it.
    audience: Mapped[str | None] = mapped_column(String(20))
    #: The coordinator's words to the developer (forwarded) or for the record (dismissed).
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
