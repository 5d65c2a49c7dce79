"""Pydantic schemas of the disclosure API: sharing labels and their changes, disclosure clocks,
sharing agreements."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from redhive.auth.schemas import UTCDateTime

__all__ = ["AgreementCreate", "AgreementRead", "ClockExtend", "ClockRead", "LabelsRead", "LabelsUpdate",
           "ExploitedCreate", "SignoffCreate"]


class LabelsUpdate(BaseModel):
    """Field -> new TLP 2.0 label; lowering any needs a reason (recorded with the decision)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    labels: dict[str, str] = Field(min_length=1, max_length=20)
    reason: str = Field(default="", max_length=2_000)


class LabelsRead(BaseModel):
    kind: str
    id: str
    hazard_class: str
    restricted: bool
    #: The label each field counts with.
    labels: dict[str, str]
    #: The lowest label each field may be given (its hazard floor).
    floors: dict[str, str]


class ClockExtend(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    days: int = Field(ge=1, le=365)
    #: The evidence of active work (a first extension) or the decision's grounds.
    reason: str = Field(min_length=1, max_length=2_000)


class ClockRead(BaseModel):
    id: str
    object_type: str
    object_id: str
    kind: str
    started_at: UTCDateTime
    due_at: UTCDateTime
    extended_days: int
    done_at: UTCDateTime | None
    reminded_at: UTCDateTime | None
    escalated_at: UTCDateTime | None
    #: done | overdue | due_soon (within 2 days) | on_track
    status: str


class AgreementCreate(BaseModel):
    """Share the flaws of one mission or system with another organisation, up to `audience`, each
    from `after` (validated | fixed) plus `delay_days`; TLP:RED only to `named_user_ids`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    recipient_org_id: str = Field(min_length=1, max_length=32)
    scope_type: Literal["mission", "system"]
    scope_id: str = Field(min_length=1, max_length=32)
    audience: str = Field(min_length=1, max_length=20)
    after: Literal["validated", "fixed"] = "validated"
    delay_days: int = Field(default=0, ge=0, le=3650)
    named_user_ids: list[str] = Field(default_factory=list, max_length=100)
    note: str = Field(default="", max_length=2_000)
    #: the recipient must sign off the public version of the scope's reports too (D39)
    public_signoff: bool = False


class AgreementRead(BaseModel):
    id: str
    org_id: str
    recipient_org_id: str
    scope_type: str
    scope_id: str
    audience: str
    after: str
    delay_days: int
    named_user_ids: list[str]
    note: str
    public_signoff: bool
    created_at: UTCDateTime
    revoked_at: UTCDateTime | None
    #: Set when the agreement is one party's share under a joint exercise's agreement (redhive.joint).
    joint_agreement_id: str | None = None


class SignoffCreate(BaseModel):
    """Sign off the public (TLP:CLEAR) version of a mission's or system's report (and period) as it
    reads now (D39)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    scope_type: Literal["mission", "system"]
    scope_id: str = Field(min_length=1, max_length=32)
    since: str | None = Field(default=None, max_length=10)
    until: str | None = Field(default=None, max_length=10)
    note: str = Field(default="", max_length=2_000)


class ExploitedCreate(BaseModel):
    """Record that a flaw is exploited in the wild, and how that is known."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    evidence: str = Field(min_length=1, max_length=2_000)
