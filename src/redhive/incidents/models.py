"""Incident tables: a serious flaw found in a deployed system — its record (labelled per field like a
flaw), timeline, affected organisations, notifications sent to partner agencies and their
acknowledgements, and actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

__all__ = ["EVENT_KINDS", "Incident", "IncidentAction", "IncidentEvent", "IncidentNotification",
           "IncidentOrganization", "STATUSES"]

#: open -> contained -> resolved -> closed (a contained or resolved incident may reopen)
STATUSES = ("open", "contained", "resolved", "closed")
EVENT_KINDS = ("detected", "observed", "contained", "mitigated", "resolved", "closed", "reopened", "notified",
               "acknowledged", "action", "note")


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    #: The organisation that runs the deployed system and owns the record.
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[str | None] = mapped_column(ForeignKey("system_versions.id", ondelete="SET NULL"))
    flaw_id: Mapped[str | None] = mapped_column(ForeignKey("flaws.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    technical_details: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(4))
    hazard_class: Mapped[str] = mapped_column(String(4), default="HZ0")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    #: TLP 2.0 label per field (redhive.disclosure.tlp, kind "incident").
    labels: Mapped[dict[str, str] | None] = mapped_column(JSON)
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncidentEvent(Base):
    """One entry of the timeline: when it happened (given), what, who recorded it and when."""

    __tablename__ = "incident_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncidentOrganization(Base):
    __tablename__ = "incident_organizations"
    __table_args__ = (UniqueConstraint("incident_id", "org_id", name="uq_incident_organizations_incident_org"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    #: How the organisation is affected (part of the labelled `affected` field).
    impact: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncidentNotification(Base):
    """The incident sent to one organisation (a partner agency, an affected deployer) at a label;
    its members see it redacted for that label, and its triage team acknowledges it."""

    __tablename__ = "incident_notifications"
    __table_args__ = (UniqueConstraint("incident_id", "org_id", name="uq_incident_notifications_incident_org"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class IncidentAction(Base):
    __tablename__ = "incident_actions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
