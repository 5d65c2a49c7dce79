"""Missions, the organisations and system versions they involve, versioned terms, invitations,
participants and their acknowledgements of an exact version of the terms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

MISSION_ORG_ROLES = ("organiser", "partner", "observer")
PARTICIPANT_ROLES = ("red_teamer", "lead", "domain_reviewer", "triager")
INVITATION_STATUSES = ("pending", "accepted", "declined", "revoked")


class Mission(Base):
    __tablename__ = "missions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    #: The organising organisation (its staff manage the mission).
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    objective: Mapped[str] = mapped_column(Text, default="")
    in_scope: Mapped[str] = mapped_column(Text, default="")
    out_of_scope: Mapped[str] = mapped_column(Text, default="")
    #: key -> weight, for the cells of cohort selection (redhive.network.selection)
    risk_areas: Mapped[dict[str, Any]] = mapped_column(JSON)
    languages: Mapped[dict[str, Any]] = mapped_column(JSON)
    regions: Mapped[dict[str, Any]] = mapped_column(JSON)
    disciplines: Mapped[dict[str, Any]] = mapped_column(JSON)
    access_tier: Mapped[str] = mapped_column(String(32), default="T0_public")
    hazard_ceiling: Mapped[str] = mapped_column(String(4), default="HZ1")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    min_hours_per_week: Mapped[int] = mapped_column(Integer, default=0)
    cohort_size: Mapped[int] = mapped_column(Integer, default=8)
    #: draft | recruiting | briefing | active | paused | closed | reported (missions.lifecycle)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MissionOrganization(Base):
    """An organisation taking part in a (joint) mission: organiser, partner, or observer (a
    regulator granted sight of the mission)."""

    __tablename__ = "mission_organizations"
    __table_args__ = (UniqueConstraint("mission_id", "org_id", name="uq_mission_organizations_mission_org"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MissionTarget(Base):
    __tablename__ = "mission_targets"
    __table_args__ = (UniqueConstraint("mission_id", "version_id", name="uq_mission_targets_mission_version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("system_versions.id", ondelete="CASCADE"))


class MissionTerms(Base):
    """One version of the rules of engagement and the NDA; never edited, only superseded."""

    __tablename__ = "mission_terms"
    __table_args__ = (UniqueConstraint("mission_id", "version", name="uq_mission_terms_mission_version"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    rules_of_engagement: Mapped[str] = mapped_column(Text)
    nda: Mapped[str] = mapped_column(Text)
    #: sha256 of both texts, shown next to an acknowledgement so anyone can check what was agreed.
    digest: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MissionInvitation(Base):
    """An invitation of one expert to a mission, sent by one of the mission's organisations."""

    __tablename__ = "mission_invitations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default="red_teamer")
    #: Why cohort selection chose this person (empty for a manual invitation).
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    invited_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MissionParticipant(Base):
    __tablename__ = "mission_participants"
    __table_args__ = (UniqueConstraint("mission_id", "user_id", name="uq_mission_participants_mission_user"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    invitation_id: Mapped[str | None] = mapped_column(ForeignKey("mission_invitations.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TermsAcknowledgement(Base):
    """A participant agreed to one exact version of the terms, at a recorded time."""

    __tablename__ = "mission_acknowledgements"
    __table_args__ = (UniqueConstraint("terms_id", "user_id", name="uq_mission_acknowledgements_terms_user"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    terms_id: Mapped[str] = mapped_column(ForeignKey("mission_terms.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
