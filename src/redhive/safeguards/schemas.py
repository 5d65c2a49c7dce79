"""Safeguards at the API boundary: trusted-access applications and decisions, escalation reviews."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from redhive.auth.schemas import UTCDateTime

__all__ = ["AccessApply", "AccessDecision", "AccessRead", "AccessVerify", "EscalationRead", "ReviewCreate",
           "ReviewRead"]

Programme = Literal["biology", "chemistry", "radiological_nuclear", "cyber"]


def _stripped(value: str) -> str:
    return value.strip()


class AccessApply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: Programme
    affiliation: str = Field(min_length=2, max_length=200)
    identity_evidence: str = Field(min_length=5, max_length=2000,
                                   description="How to confirm who you are: ORCID, institutional e-mail, staff page.")
    referee: str = Field(default="", max_length=200)
    purpose: str = Field(min_length=20, max_length=4000,
                         description="What the work is, and why it needs this programme.")

    _strip = field_validator("affiliation", "identity_evidence", "referee", "purpose")(_stripped)


class AccessVerify(BaseModel):
    """An admin's verification: both checks must be confirmed; the grant lasts `days` (at most a year)."""

    model_config = ConfigDict(extra="forbid")

    identity_verified: bool
    affiliation_verified: bool
    days: int = Field(default=90, ge=1, le=365)
    note: str = Field(default="", max_length=2000)


class AccessDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=3, max_length=2000)


class AccessRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    user_id: str
    programme: str
    status: str
    affiliation: str
    identity_evidence: str
    referee: str
    purpose: str
    identity_verified: bool
    affiliation_verified: bool
    decided_by_id: str | None
    decided_at: UTCDateTime | None
    decision_note: str
    expires_at: UTCDateTime | None
    created_at: UTCDateTime
    #: granted and not yet expired
    active: bool = False


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["benign", "concern"]
    note: str = Field(default="", max_length=4000)


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    exchange_id: str
    mission_id: str
    reviewer_id: str | None
    verdict: str
    note: str
    created_at: UTCDateTime


class EscalationRead(BaseModel):
    exchange_id: str
    mission_id: str
    mission_title: str
    user_id: str
    requester: str
    model: str
    started_at: UTCDateTime
    stage: str
    category: str
    score: float | None
    reason: str
    excerpt: str
    review: ReviewRead | None
    decisions: list[dict[str, Any]]
