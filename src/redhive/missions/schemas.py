"""Pydantic schemas of missions, their terms, invitations, participants and coverage."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from redhive.auth.schemas import UTCDateTime
from redhive.taxonomy import ACCESS_TIERS, DISCIPLINES, HAZARD_CLASSES, LANGUAGES, REGIONS, RISK_AREAS

__all__ = [
    "AcknowledgementCreate",
    "InvitationCreate",
    "InvitationRead",
    "InvitationResponse",
    "MissionCreate",
    "MissionOrgAdd",
    "MissionRead",
    "MissionUpdate",
    "ParticipantRead",
    "SelectionRequest",
    "TermsRead",
    "TransitionRequest",
]


def _weights(vocabulary: dict[str, str], what: str, required: bool = False) -> AfterValidator:
    def check(values: dict[str, float]) -> dict[str, float]:
        if required and not values:
            raise ValueError(f"choose at least one {what}")
        for key, weight in values.items():
            if key not in vocabulary:
                raise ValueError(f"{key!r} is not a known {what}; choose from the list")
            if not 0 < weight <= 10:
                raise ValueError(f"the weight of {key} must be above 0 and at most 10")
        return dict(sorted(values.items()))

    return AfterValidator(check)


def _line(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Title = Annotated[str, _line(160, 1)]
LongText = Annotated[str, _line(8000)]
Terms = Annotated[str, _line(20000, 20)]
AccessTier = Literal["T0_public", "T1_prerelease_mitigated", "T2_reduced_safeguards", "T3_internal"]
HazardClass = Literal["HZ0", "HZ1", "HZ2", "HZ3"]
assert set(AccessTier.__args__) == set(ACCESS_TIERS) and set(HazardClass.__args__) == set(HAZARD_CLASSES)  # type: ignore[attr-defined]


class _MissionFields(BaseModel):
    objective: LongText = ""
    in_scope: LongText = ""
    out_of_scope: LongText = ""
    risk_areas: Annotated[dict[str, float], _weights(RISK_AREAS, "risk area", required=True)]
    languages: Annotated[dict[str, float], _weights(LANGUAGES, "language")] = {}
    regions: Annotated[dict[str, float], _weights(REGIONS, "region")] = {}
    disciplines: Annotated[dict[str, float], _weights(DISCIPLINES, "discipline")] = {}
    access_tier: AccessTier = "T0_public"
    hazard_ceiling: HazardClass = "HZ1"
    starts_on: date | None = None
    ends_on: date | None = None
    min_hours_per_week: Annotated[int, Field(ge=0, le=60)] = 0
    cohort_size: Annotated[int, Field(ge=1, le=100)] = 8
    target_version_ids: Annotated[list[str], Field(max_length=20)] = []

    @field_validator("ends_on")
    @classmethod
    def _ends(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("starts_on")
        if value and start and value < start:
            raise ValueError("the mission ends before it starts")
        return value


class MissionCreate(_MissionFields):
    org_id: str
    title: Title
    rules_of_engagement: Terms
    nda: Terms


class MissionUpdate(_MissionFields):
    title: Title
    rules_of_engagement: Terms
    nda: Terms


class MissionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    title: str
    objective: str
    in_scope: str
    out_of_scope: str
    risk_areas: dict[str, float]
    languages: dict[str, float]
    regions: dict[str, float]
    disciplines: dict[str, float]
    access_tier: str
    hazard_ceiling: str
    starts_on: date | None
    ends_on: date | None
    min_hours_per_week: int
    cohort_size: int
    status: str
    created_at: UTCDateTime
    updated_at: UTCDateTime


class TermsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    version: int
    rules_of_engagement: str
    nda: str
    digest: str
    created_at: UTCDateTime


class MissionOrgAdd(BaseModel):
    org_id: str
    role: Literal["partner", "observer"]


class TransitionRequest(BaseModel):
    status: Literal["draft", "recruiting", "briefing", "active", "paused", "closed", "reported"]


class SelectionRequest(BaseModel):
    k: Annotated[int | None, Field(ge=1, le=100)] = None


class InvitationCreate(BaseModel):
    user_ids: Annotated[list[str], Field(min_length=1, max_length=100)]
    org_id: str | None = None  # the inviting organisation; the organiser when left out
    role: Literal["red_teamer", "lead", "domain_reviewer", "triager"] = "red_teamer"
    expires_in_days: Annotated[int, Field(ge=1, le=60)] = 14
    note: LongText = ""


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    mission_id: str
    user_id: str
    org_id: str
    role: str
    note: str
    status: str
    created_at: UTCDateTime
    expires_at: UTCDateTime
    responded_at: UTCDateTime | None


class InvitationResponse(BaseModel):
    accept: bool
    #: The version of the terms the invitee read and accepts (required to accept).
    terms_version: int | None = None
    acknowledge: bool = False


class AcknowledgementCreate(BaseModel):
    version: Annotated[int, Field(ge=1)]


class ParticipantRead(BaseModel):
    user_id: str
    display_name: str
    role: str
    joined_at: UTCDateTime
    acknowledged_version: int | None
    acknowledged_at: UTCDateTime | None
