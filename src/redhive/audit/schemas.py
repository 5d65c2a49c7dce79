"""Read schema of audit events."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from redhive.auth.schemas import UTCDateTime

__all__ = ["AuditEventRead"]


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UTCDateTime
    actor_id: str | None
    actor_email: str | None
    action: str
    object_type: str
    object_id: str
    org_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
