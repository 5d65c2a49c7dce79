"""Pydantic schemas of organisations, members, AI systems and versions.

Two read schemas for versions: `SystemVersionRead` (what every member, red teamers included, sees:
no upstream endpoint, no credential) and `SystemVersionStaffRead` (admins and coordinators: the
upstream endpoint and whether a credential is set). No schema ever carries the credential itself.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from redhive.auth.schemas import Email, UTCDateTime

__all__ = [
    "AISystemCreate",
    "AISystemRead",
    "MemberAdd",
    "MemberRead",
    "MemberUpdate",
    "OrgKind",
    "OrganizationCreate",
    "OrganizationRead",
    "Role",
    "SystemGrantCreate",
    "SystemGrantRead",
    "SystemKind",
    "SystemVersionCreate",
    "SystemVersionRead",
    "SystemVersionStaffRead",
]

OrgKind = Literal["developer", "deployer", "regulator", "coordinator"]
Role = Literal["admin", "coordinator", "triager", "red_teamer", "observer"]
SystemKind = Literal["Model", "System", "Dataset"]


def _text(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


def _target_spec(value: str) -> str:
    if not _TARGET.match(value):
        raise ValueError("This is not a target spec: write kind:name, e.g. sim:guarded or openai:gpt-4o-mini")
    return value


def _base_url(value: str) -> str:
    if value and not _URL.match(value):
        raise ValueError("This is not an http(s) URL, e.g. http://127.0.0.1:8001/v1")
    return value


_TARGET = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")
_URL = re.compile(r"^https?://\S+$")
Name = Annotated[str, _text(120)]
Description = Annotated[str, _text(2000, 0)]
Short = Annotated[str, _text(200, 0)]


class OrganizationCreate(BaseModel):
    name: Name
    kind: OrgKind
    description: Description = ""


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    kind: str
    description: str
    created_at: UTCDateTime


class MemberAdd(BaseModel):
    """Add an existing account by email (people without one get an invitation instead)."""

    email: Email
    role: Role


class MemberUpdate(BaseModel):
    role: Role


class MemberRead(BaseModel):
    id: str
    user_id: str
    org_id: str
    email: str
    display_name: str
    role: str
    created_at: UTCDateTime


class AISystemCreate(BaseModel):
    name: Name
    kind: SystemKind = "Model"
    description: Description = ""


class AISystemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    name: str
    kind: str
    description: str
    created_at: UTCDateTime


class SystemVersionCreate(BaseModel):
    label: Annotated[str, _text(80)]
    checkpoint_id: Short = ""
    safeguard_version: Annotated[str, _text(120, 0)] = ""
    system_prompt_hash: Annotated[str, _text(128, 0)] = ""
    release_date: date | None = None
    #: A target spec the gateway forwards to: `sim:guarded`, `openai:MODEL`, `anthropic:MODEL`…
    upstream_target: Annotated[str, _text(200), AfterValidator(_target_spec)]
    upstream_base_url: Annotated[str, _text(500, 0), AfterValidator(_base_url)] = ""
    #: Write-only: encrypted at rest, never returned.
    upstream_credential: Annotated[str, Field(max_length=4000)] = ""


class SystemVersionRead(BaseModel):
    """What red teamers (and every member) see of a version."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    system_id: str
    label: str
    checkpoint_id: str
    safeguard_version: str
    system_prompt_hash: str
    release_date: date | None
    created_at: UTCDateTime


class SystemVersionStaffRead(SystemVersionRead):
    """Admins and coordinators also see where the version lives, and whether a credential is set."""

    upstream_target: str
    upstream_base_url: str | None
    has_credential: bool


class SystemGrantCreate(BaseModel):
    org_id: str


class SystemGrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    system_id: str
    org_id: str
    created_at: UTCDateTime
