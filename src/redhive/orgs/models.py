"""Organisations, memberships, AI systems and their exact versions, and grants to observers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from redhive.db.base import Base
from redhive.kit import new_id

ORG_KINDS = ("developer", "deployer", "regulator", "coordinator")
ROLES = ("admin", "coordinator", "triager", "red_teamer", "observer")
SYSTEM_KINDS = ("Model", "System", "Dataset")


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    #: Unique, compared case-insensitively through `name_key`.
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    #: developer | deployer | regulator | coordinator
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Membership(Base):
    """A user's one role in one organisation."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "org_id", name="uq_memberships_user_org"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    #: admin | coordinator | triager | red_teamer | observer
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AISystem(Base):
    """A product, model or dataset under test [AVID artifacts.type], owned by one organisation."""

    __tablename__ = "ai_systems"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_ai_systems_org_name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Model | System | Dataset
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    versions: Mapped[list[SystemVersion]] = relationship(
        back_populates="system", lazy="raise", order_by="SystemVersion.created_at")


class SystemVersion(Base):
    """The exact thing tested: checkpoint, safeguard version, system-prompt hash, release date, and
    the upstream endpoint the gateway forwards to. The credential is Fernet-encrypted at rest and
    no read schema ever carries it."""

    __tablename__ = "system_versions"
    __table_args__ = (UniqueConstraint("system_id", "label", name="uq_system_versions_system_label"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    checkpoint_id: Mapped[str] = mapped_column(String(200), default="")
    safeguard_version: Mapped[str] = mapped_column(String(120), default="")
    system_prompt_hash: Mapped[str] = mapped_column(String(128), default="")
    release_date: Mapped[date | None] = mapped_column(Date)
    #: A target spec (`sim:guarded`, `openai:gpt-4o-mini`, `anthropic:…`).
    upstream_target: Mapped[str] = mapped_column(String(200))
    upstream_base_url: Mapped[str | None] = mapped_column(String(500))
    upstream_credential_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    system: Mapped[AISystem] = relationship(back_populates="versions", lazy="raise")


class SystemGrant(Base):
    """An AI system made visible to another organisation (a regulator's observers see only these)."""

    __tablename__ = "system_grants"
    __table_args__ = (UniqueConstraint("system_id", "org_id", name="uq_system_grants_system_org"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
