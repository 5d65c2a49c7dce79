"""Pydantic schemas of flaw reports, flaws, assessments, replays, remediations and webhooks. The
same `ReportCreate` validates the web form, the JSON API and the CLI's YAML file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from redhive.auth.schemas import UTCDateTime
from redhive.findings.models import LINK_TYPES, PROVENANCES, REMEDIATION_KINDS, REPORT_TYPES
from redhive.findings.severity import BANDS, SeverityInputs
from redhive.taxonomy import ATLAS_TECHNIQUES, AVID_SEP, HAZARD_CLASSES, OWASP_LLM_2025

__all__ = ["AssessmentRead", "BulkAction", "ExposureUpdate", "FlawRead", "FlawTransition", "RegressionResult",
           "RemediationCreate", "RemediationRead", "ReplayRead", "ReplayRequest", "ReplicationPacket", "ReportCreate",
           "ReportRead", "ReportSubmitted", "ReportTransition", "Reproducibility", "RetestRequest", "SeverityInputs",
           "SuggestionRead", "WebhookCreate", "WebhookRead", "check_taxonomy_id"]

_Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_taxonomy_id(value: str) -> str:
    """OWASP `LLMxx:2025`, MITRE ATLAS `AML.Txxxx[.xxx]` or an AVID SEP code (`S0403`)."""
    value = value.strip()
    if value in OWASP_LLM_2025 or value in ATLAS_TECHNIQUES or value in AVID_SEP:
        return value
    if value.upper().startswith("LLM") and ":" not in value:
        raise ValueError(f"{value!r} has no edition: write it as {value.upper()}:2025 (OWASP LLM Top 10 2025)")
    if value.startswith("AML."):
        raise ValueError(f"{value!r} is not a MITRE ATLAS technique redhive knows; known ones include "
                         "AML.T0051, AML.T0054 and AML.T0056")
    raise ValueError(f"{value!r} is not a known taxonomy id: use OWASP (LLM01:2025), MITRE ATLAS (AML.T0054) "
                     "or AVID (S0403)")


class ReplicationPacket(BaseModel):
    """What a replay runs through the engine: one probe of a suite under one attack chain."""

    model_config = _Strict
    suite: str = Field(default="core", min_length=1, max_length=200)
    probe_id: str = Field(min_length=1, max_length=80)
    attack: str = Field(default="none", min_length=1, max_length=200)
    temperature: float | None = Field(default=None, ge=0, le=2)
    seed: int | None = None


class Reproducibility(BaseModel):
    model_config = _Strict
    trials: int = Field(default=0, ge=0, le=100_000)
    successes: int = Field(default=0, ge=0)
    sampling: str = Field(default="", max_length=500)

    @field_validator("successes")
    @classmethod
    def _at_most_trials(cls, value: int, info: Any) -> int:
        if value > info.data.get("trials", 0):
            raise ValueError("successes cannot exceed trials")
        return value


class _ReportFields(BaseModel):
    """What a reporter writes, whether the report starts from scratch or from a flagged exchange."""

    model_config = _Strict
    title: str = Field(min_length=5, max_length=200)
    policy_violated: str = Field(default="", max_length=5_000)
    steps: str = Field(default="", max_length=20_000)
    impacts: str = Field(default="", max_length=5_000)
    report_types: list[Literal[REPORT_TYPES]] = Field(default_factory=lambda: ["vulnerability"],  # type: ignore[valid-type]
                                                      min_length=1)
    taxonomy: list[str] = Field(default_factory=list, max_length=20)
    hazard_class: Literal["HZ0", "HZ1", "HZ2", "HZ3"] = "HZ0"
    #: A biological or chemical hazard at HZ2+ restricts the report on creation (findings.restriction).
    hazard_domain: Literal["none", "biological", "chemical", "radiological_nuclear", "cyber_offence"] = "none"
    provenance: Literal[PROVENANCES] = "human"  # type: ignore[valid-type]
    evidence: list[str] = Field(default_factory=list, max_length=100)
    replication: ReplicationPacket | None = None
    reproducibility: Reproducibility = Field(default_factory=Reproducibility)
    proposed_severity: Literal[BANDS] | None = None  # type: ignore[valid-type]
    #: False keeps it a draft.
    submit: bool = True

    @field_validator("taxonomy")
    @classmethod
    def _taxonomy(cls, values: list[str]) -> list[str]:
        return sorted({check_taxonomy_id(v) for v in values})

    @field_validator("evidence")
    @classmethod
    def _evidence(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(v.strip() for v in values if v.strip()))


class ReportCreate(_ReportFields):
    version_id: str = Field(min_length=1, max_length=32)
    mission_id: str | None = Field(default=None, max_length=32)
    description: str = Field(min_length=10, max_length=20_000)
    attack_prompts: str = Field(default="", max_length=50_000)


class FlagReport(_ReportFields):
    """A report from a flagged exchange: the version, the mission and the exchange as evidence come
    from the transcript; the description and the attack prompts default to the flag's note and the
    request's user turns."""

    description: str | None = Field(default=None, min_length=10, max_length=20_000)
    attack_prompts: str | None = Field(default=None, max_length=50_000)


class SuggestionRead(BaseModel):
    report_id: str
    flaw_id: str | None
    title: str
    score: float
    text_similarity: float
    link_type: str


class ReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    org_id: str
    mission_id: str | None
    system_id: str
    version_id: str
    reporter_id: str | None
    reporter_org_id: str | None = None
    title: str
    description: str
    policy_violated: str
    steps: str
    impacts: str
    attack_prompts: str
    report_types: list[str]
    taxonomy: list[str]
    hazard_class: str
    hazard_domain: str
    restricted: bool
    embargo_until: UTCDateTime | None
    provenance: str
    evidence: list[str]
    replication: dict[str, Any]
    reproducibility: dict[str, Any]
    proposed_severity: str | None
    state: str
    flaw_id: str | None
    assignee_id: str | None
    submitted_at: UTCDateTime | None
    created_at: UTCDateTime


class ReportSubmitted(BaseModel):
    report: ReportRead
    duplicates: list[SuggestionRead]


class ReportTransition(BaseModel):
    model_config = _Strict
    state: str = Field(min_length=1, max_length=20)
    reason: str = Field(default="", max_length=5_000)
    #: validated: attach to this flaw (else a new flaw); duplicate: the original flaw.
    flaw_id: str | None = None
    link_type: Literal[LINK_TYPES] = "semantic"  # type: ignore[valid-type]


class BulkAction(BaseModel):
    model_config = _Strict
    report_ids: list[str] = Field(min_length=1, max_length=500)
    action: Literal["assign", "transition"]
    assignee_id: str | None = None
    state: str | None = None
    reason: str = ""


class FlawTransition(BaseModel):
    model_config = _Strict
    state: str = Field(min_length=1, max_length=20)
    reason: str = Field(default="", max_length=5_000)
    risk_accepted_until: datetime | None = None


class ExposureUpdate(BaseModel):
    """Deployment reach 1 (internal) … 4 (public, widely deployed); see severity.EXPOSURE_LEVELS."""

    model_config = _Strict
    exposure: int = Field(ge=1, le=4)
    reason: str = Field(default="", max_length=2_000)


class RetestRequest(BaseModel):
    model_config = _Strict
    version_id: str = Field(min_length=1, max_length=32)
    trials: int = Field(default=10, ge=1, le=1000)


class FlawRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    org_id: str
    system_id: str
    mission_id: str | None
    title: str
    root_cause: str
    taxonomy: list[str]
    hazard_class: str
    hazard_domain: str
    restricted: bool
    embargo_until: UTCDateTime | None
    state: str
    band: str | None
    exposure: int
    priority: int
    owner_id: str | None
    cluster_id: str | None
    reliability: dict[str, Any] | None
    fixed_version_id: str | None
    fix_due_at: UTCDateTime | None
    created_at: UTCDateTime


class AssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    flaw_id: str
    assessor_id: str
    rubric_version: str
    inputs: dict[str, Any]
    band: str


class ReplayRequest(BaseModel):
    model_config = _Strict
    trials: int = Field(default=10, ge=1, le=1000)
    version_id: str | None = None


class ReplayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    report_id: str | None
    flaw_id: str | None
    version_id: str
    purpose: str
    target: str
    trials: int
    successes: int
    errors: int
    ci_low: float
    ci_high: float
    result: str


class RemediationCreate(BaseModel):
    model_config = _Strict
    kind: Literal[REMEDIATION_KINDS]  # type: ignore[valid-type]
    ticket_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    target_version_id: str | None = None
    due_on: date | None = None
    notes: str = Field(default="", max_length=5_000)


class RemediationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    flaw_id: str
    kind: str
    ticket_url: str
    target_version_id: str | None
    due_on: date | None


class RegressionResult(BaseModel):
    flaw_id: str
    replay_id: str
    successes: int
    trials: int
    result: str
    state: str


class WebhookCreate(BaseModel):
    model_config = _Strict
    url: str = Field(pattern=r"^https?://\S+$", max_length=500)
    secret: str = Field(min_length=16, max_length=200)


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    org_id: str
    url: str


HAZARD_CLASS_NAMES = HAZARD_CLASSES
