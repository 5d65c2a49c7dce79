"""Pydantic schemas of the disclosure API: sharing labels and their changes, disclosure clocks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redhive.auth.schemas import UTCDateTime

__all__ = ["ClockExtend", "ClockRead", "LabelsRead", "LabelsUpdate"]


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
