"""Pydantic shapes of the gateway's management API (keys, settings, flags, exchanges)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from redhive.auth.schemas import UTCDateTime

__all__ = ["CheckpointRead", "CheckpointsRead", "ExchangeRead", "FlagCreate", "FlagRead", "KeyCreate", "KeyIssued",
           "KeyRead", "SettingsRead", "SettingsUpdate", "VerifyRead"]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: The participant the key is for (default: yourself; others only for mission staff).
    user_id: str | None = Field(default=None, max_length=32)
    label: str = Field(default="", max_length=80)
    #: Days the key lasts; never past the mission's time box.
    days: int = Field(default=30, ge=1, le=365)
    requests_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    tokens_per_day: int | None = Field(default=None, ge=1, le=1_000_000_000)
    max_concurrent: int | None = Field(default=None, ge=1, le=1024)


class KeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    prefix: str
    label: str
    mission_id: str
    user_id: str
    requests_per_minute: int
    tokens_per_day: int
    max_concurrent: int
    created_at: UTCDateTime
    expires_at: UTCDateTime
    revoked_at: UTCDateTime | None


class KeyIssued(KeyRead):
    #: The key itself: shown this once, stored only as a hash.
    key: str


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    deny_list: list[str] | None = Field(default=None, max_length=500)
    allow_system_prompt: bool | None = None
    requests_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    tokens_per_day: int | None = Field(default=None, ge=1, le=1_000_000_000)
    max_concurrent: int | None = Field(default=None, ge=1, le=1024)

    @field_validator("deny_list")
    @classmethod
    def _phrases(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        cleaned = [v.strip() for v in value if v.strip()]
        if any(len(v) > 200 for v in cleaned):
            raise ValueError("each deny-list phrase must be at most 200 characters")
        return cleaned


class SettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    deny_list: list[str]
    allow_system_prompt: bool
    requests_per_minute: int
    tokens_per_day: int
    max_concurrent: int


class FlagCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=4000)


class FlagRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    exchange_id: str
    mission_id: str
    user_id: str
    note: str
    created_at: UTCDateTime


class ExchangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    seq: int
    session_id: str
    user_id: str
    model: str
    channel: str
    stream: bool
    request: dict[str, Any]
    response: dict[str, Any] | None
    outcome: str
    status_code: int
    error: str | None
    decisions: list[dict[str, Any]]
    input_tokens: int
    output_tokens: int
    started_at: UTCDateTime
    latency_ms: float
    hash: str


class CheckpointRead(BaseModel):
    """A signed statement: the mission's chain had `seq` records ending in `hash` at `signed_at`."""

    mission_id: str
    seq: int
    hash: str
    signed_at: str  # canonical UTC time, as signed: 2026-12-07T08:00:00.000000Z
    key_id: str
    signature: str  # base64 Ed25519 over the statement (docs/gateway.md)


class CheckpointsRead(BaseModel):
    """Keep this document: `redhive audit verify MISSION --checkpoint FILE --public-key KEY` later
    proves the transcript was neither rewritten nor cut back since."""

    mission_id: str
    algorithm: str = "Ed25519"
    key_id: str
    public_key_pem: str
    checkpoints: list[CheckpointRead]


class VerifyRead(BaseModel):
    ok: bool
    checked: int
    broken_seq: int | None
    broken_id: str | None
    message: str
