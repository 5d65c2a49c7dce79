"""Applications to the network, their reviews, and the expert profiles of accepted applicants.

Lists (disciplines, languages, …) are JSON arrays of taxonomy keys: portable across SQLite and
PostgreSQL, and read whole every time. The vetting level lives on the user (redhive.auth)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

APPLICATION_STATUSES = ("pending", "accepted", "rejected", "waitlisted")


class Application(Base):
    __tablename__ = "network_applications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    full_name: Mapped[str] = mapped_column(String(120))
    #: Stored lower-cased; duplicates are refused by the service (see `find_duplicates`).
    email: Mapped[str] = mapped_column(String(254), index=True)
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    disciplines: Mapped[list[str]] = mapped_column(JSON)
    risk_areas: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    regions: Mapped[list[str]] = mapped_column(JSON)
    sectors: Mapped[list[str]] = mapped_column(JSON)
    years_experience: Mapped[int] = mapped_column(Integer)
    links: Mapped[list[str]] = mapped_column(JSON)
    statement: Mapped[str] = mapped_column(Text)
    #: Organisation names the applicant has a conflict of interest with.
    conflicts: Mapped[list[str]] = mapped_column(JSON)
    hours_per_week: Mapped[int] = mapped_column(Integer)
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: pending | accepted | rejected | waitlisted
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    reapply_after: Mapped[date | None] = mapped_column(Date)
    #: The account created on acceptance.
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ApplicationReview(Base):
    __tablename__ = "network_reviews"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_id", name="uq_network_reviews_app_reviewer"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("network_applications.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: criterion -> 1..5 (redhive.network.rubric.CRITERIA)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExpertProfile(Base):
    """What the network knows of an accepted expert, copied from the application and kept current."""

    __tablename__ = "expert_profiles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    application_id: Mapped[str | None] = mapped_column(ForeignKey("network_applications.id", ondelete="SET NULL"))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    disciplines: Mapped[list[str]] = mapped_column(JSON)
    risk_areas: Mapped[list[str]] = mapped_column(JSON)
    languages: Mapped[list[str]] = mapped_column(JSON)
    regions: Mapped[list[str]] = mapped_column(JSON)
    sectors: Mapped[list[str]] = mapped_column(JSON)
    years_experience: Mapped[int] = mapped_column(Integer)
    links: Mapped[list[str]] = mapped_column(JSON)
    conflicts: Mapped[list[str]] = mapped_column(JSON)
    hours_per_week: Mapped[int] = mapped_column(Integer)
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    #: 0..1: the reviewers' mean rubric score on acceptance (later: measured finding quality).
    quality: Mapped[float] = mapped_column(Float, default=0.5)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: One-time link for a new expert to set a password (hash only; cleared once used).
    activation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    activation_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @classmethod
    def from_application(cls, app: Application, user_id: str, *, quality: float, joined_at: datetime,
                         ) -> ExpertProfile:
        """An accepted application's profile: what the applicant declared, copied."""
        return cls(
            user_id=user_id, application_id=app.id, affiliation=app.affiliation, disciplines=app.disciplines,
            risk_areas=app.risk_areas, languages=app.languages, regions=app.regions, sectors=app.sectors,
            years_experience=app.years_experience, links=app.links, conflicts=app.conflicts,
            hours_per_week=app.hours_per_week, available_from=app.available_from,
            available_until=app.available_until, quality=quality, active=True, joined_at=joined_at,
        )
