"""Safeguard tables: trusted-access grants (a member's application for a hazard programme, an
admin's verification of identity and affiliation, an expiry) and reviewers' decisions on the
exchanges the gateway escalated. The escalations themselves are exchanges on the hash chain
(outcome `escalated`), so the queue can never lose one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id
from redhive.safeguards.screening import PROGRAMMES

__all__ = ["ACCESS_STATES", "PROGRAMMES", "VERDICTS", "HazardReview", "TrustedAccess"]

ACCESS_STATES = ("pending", "granted", "rejected", "revoked")
VERDICTS = ("benign", "concern")


class TrustedAccess(Base):
    """One application to a trusted-access programme and what became of it."""

    __tablename__ = "safeguard_trusted_access"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme: Mapped[str] = mapped_column(String(24))
    #: pending | granted | rejected | revoked (a granted one past `expires_at` reads as expired)
    status: Mapped[str] = mapped_column(String(12), index=True)
    affiliation: Mapped[str] = mapped_column(String(200))
    #: How the applicant can be identified (ORCID, institutional e-mail, staff page) — checked by hand.
    identity_evidence: Mapped[str] = mapped_column(Text)
    #: Who can vouch for the work (a principal investigator, an institutional biosafety officer).
    referee: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text)
    identity_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    affiliation_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HazardReview(Base):
    """A cleared reviewer's decision on one escalated exchange."""

    __tablename__ = "safeguard_reviews"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exchange_id: Mapped[str] = mapped_column(ForeignKey("gateway_exchanges.id", ondelete="CASCADE"), unique=True)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: benign (a false alarm: nothing to do) | concern (a real concern: follow up with the member)
    verdict: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
