"""Disclosure tables: every change of a field's sharing label, with who decided it and why
(lowering one is a recorded decision of the owning organisation); disclosure clocks of reports and
flaws, with their reminders, escalations and extensions; sharing agreements (who receives which
labels of a mission's or system's flaws, from when); sign-offs of reports' public versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

__all__ = ["ClockExtension", "DisclosureClock", "LabelDecision", "ReportSignoff", "SharingAgreement"]


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


class DisclosureClock(Base):
    """One deadline of a report or flaw (redhive.disclosure.clocks), kept in step by `clock_service.tick`."""

    __tablename__ = "disclosure_clocks"
    __table_args__ = (UniqueConstraint("object_type", "object_id", "kind", name="uq_disclosure_clocks_object_kind"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(8))  # report | flaw
    object_id: Mapped[str] = mapped_column(String(32), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The default deadline plus every extension granted.
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    extended_days: Mapped[int] = mapped_column(Integer, default=0)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ClockExtension(Base):
    """An extension of a clock: the first (up to 14 days, on evidence of active work) by the triage
    team; any further one by the organisation's staff, as a recorded decision."""

    __tablename__ = "disclosure_clock_extensions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    clock_id: Mapped[str] = mapped_column(ForeignKey("disclosure_clocks.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SharingAgreement(Base):
    """What one organisation (the owner of the flaws) shares with another (a regulator, a partner
    lab): the flaws of one mission or one system, each field up to `audience`, each flaw from
    `after` (validated | fixed) plus `delay_days`. TLP:RED reaches only the `named_user_ids`
    (members of the recipient); the recipient's other members get TLP:AMBER+STRICT at most."""

    __tablename__ = "sharing_agreements"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    recipient_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    #: mission | system
    scope_type: Mapped[str] = mapped_column(String(8))
    scope_id: Mapped[str] = mapped_column(String(32), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    #: validated | fixed: the event each flaw's sharing counts from
    after: Mapped[str] = mapped_column(String(12))
    delay_days: Mapped[int] = mapped_column(Integer, default=0)
    named_user_ids: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Set when the row carries one party's share under a joint exercise's agreement (redhive.joint, D40).
    joint_agreement_id: Mapped[str | None] = mapped_column(ForeignKey("joint_agreements.id", ondelete="CASCADE"),
                                                           index=True)
    #: the recipient (a regulator) must sign off a report's public version too (D39)
    public_signoff: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class ReportSignoff(Base):
    """One organisation's sign-off of the public (TLP:CLEAR) version of a report of `org_id`'s
    mission or system (and period): `digest` is the content signed off (D39), so a report that
    changed since is not signed off."""

    __tablename__ = "report_signoffs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    signer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    #: developer | regulator
    role: Mapped[str] = mapped_column(String(12))
    scope_type: Mapped[str] = mapped_column(String(8))
    scope_id: Mapped[str] = mapped_column(String(32), index=True)
    since: Mapped[date | None] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    digest: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
