"""Pydantic schemas of the network: the application form, reviews, decisions, expert profiles."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

from redhive.auth.schemas import Email, UTCDateTime, VettingLevel
from redhive.taxonomy import DISCIPLINES, LANGUAGES, REGIONS, RISK_AREAS, SECTORS

__all__ = [
    "ActivationRequest",
    "ApplicationCreate",
    "ApplicationRead",
    "DecisionCreate",
    "ExpertRead",
    "ReviewCreate",
    "ReviewRead",
    "VettingGrant",
]


def _keys(vocabulary: dict[str, str], what: str, max_items: int = 12, required: bool = True) -> AfterValidator:
    def check(values: list[str]) -> list[str]:
        if required and not values:
            raise ValueError(f"choose at least one {what}")
        unknown = [v for v in values if v not in vocabulary]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a known {what}; choose from the list")
        if len(set(values)) > max_items:
            raise ValueError(f"choose at most {max_items}")
        return sorted(set(values))

    return AfterValidator(check)


def _links(values: list[str]) -> list[str]:
    for value in values:
        if not value.startswith(("https://", "http://")) or " " in value:
            raise ValueError(f"{value[:60]!r} is not a web address (https://…)")
    return list(dict.fromkeys(values))


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=300)]
OrgName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class ApplicationCreate(BaseModel):
    full_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    email: Email
    affiliation: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    disciplines: Annotated[list[str], _keys(DISCIPLINES, "discipline")]
    risk_areas: Annotated[list[str], _keys(RISK_AREAS, "risk area")]
    languages: Annotated[list[str], _keys(LANGUAGES, "language")]
    regions: Annotated[list[str], _keys(REGIONS, "region")]
    sectors: Annotated[list[str], _keys(SECTORS, "sector", required=False)] = []
    years_experience: Annotated[int, Field(ge=0, le=60)]
    links: Annotated[list[Link], Field(max_length=10), AfterValidator(_links)] = []
    statement: Annotated[str, StringConstraints(strip_whitespace=True, min_length=40, max_length=4000)]
    conflicts: Annotated[list[OrgName], Field(max_length=20)] = []
    hours_per_week: Annotated[int, Field(ge=1, le=60)]
    available_from: date | None = None
    available_until: date | None = None
    consent: bool

    @field_validator("consent")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError("we can only review an application whose author consents to its processing")
        return value

    @field_validator("available_until")
    @classmethod
    def _until(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("available_from")
        if value and start and value < start:
            raise ValueError("the end of your availability comes before its start")
        return value


class ApplicationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    full_name: str
    email: str
    affiliation: str
    disciplines: list[str]
    risk_areas: list[str]
    languages: list[str]
    regions: list[str]
    sectors: list[str]
    years_experience: int
    links: list[str]
    statement: str
    conflicts: list[str]
    hours_per_week: int
    available_from: date | None
    available_until: date | None
    submitted_at: UTCDateTime
    status: str
    decided_at: UTCDateTime | None
    reason_codes: list[str]
    decision_note: str
    reapply_after: date | None
    user_id: str | None


class ReviewCreate(BaseModel):
    scores: dict[str, int]
    comment: Text = ""


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    application_id: str
    reviewer_id: str
    scores: dict[str, int]
    comment: str
    created_at: UTCDateTime


class DecisionCreate(BaseModel):
    decision: Literal["accept", "reject", "waitlist"]
    reason_codes: Annotated[list[str], Field(max_length=8)]
    reapply_after: date | None = None
    note: Text = ""


class ExpertRead(BaseModel):
    user_id: str
    display_name: str
    vetting_level: str
    affiliation: str
    disciplines: list[str]
    risk_areas: list[str]
    languages: list[str]
    regions: list[str]
    sectors: list[str]
    years_experience: int
    hours_per_week: int
    quality: float
    joined_at: UTCDateTime


class VettingGrant(BaseModel):
    level: VettingLevel


class ActivationRequest(BaseModel):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=10, max_length=256)]
