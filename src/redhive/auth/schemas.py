"""Pydantic schemas of accounts: what the API and the forms accept and return."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from redhive.kit import as_utc

__all__ = [
    "ApiTokenCreate",
    "ApiTokenCreated",
    "ApiTokenRead",
    "CodeRequest",
    "Email",
    "InvitationCreate",
    "InvitationCreated",
    "InvitationRead",
    "LoginRequest",
    "MeRead",
    "MembershipBrief",
    "Password",
    "RecoveryCodes",
    "RevokedCount",
    "SessionRead",
    "SignupRequest",
    "TotpEnrolment",
    "TotpStatusRead",
    "UTCDateTime",
    "UserCreate",
    "UserRead",
    "VettingLevel",
    "VettingUpdate",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
VettingLevel = Literal["self_declared", "id_verified", "background_checked", "gov_cleared"]
Role = Literal["admin", "coordinator", "triager", "red_teamer", "observer"]


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("This is not an email address (write it as name@example.org)")
    return value.lower()


#: A datetime always given out with its UTC offset (SQLite stores them naive).
UTCDateTime = Annotated[datetime, AfterValidator(as_utc)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
                  AfterValidator(_email)]
Password = Annotated[str, Field(min_length=10, max_length=256)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class UserCreate(BaseModel):
    email: Email
    display_name: DisplayName
    password: Password
    is_platform_admin: bool = False
    vetting_level: VettingLevel = "self_declared"


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    display_name: str
    is_platform_admin: bool
    vetting_level: str
    created_at: UTCDateTime


class VettingUpdate(BaseModel):
    vetting_level: VettingLevel


class MembershipBrief(BaseModel):
    org_id: str
    org_name: str
    org_kind: str
    role: str


class MeRead(BaseModel):
    user: UserRead
    memberships: list[MembershipBrief]
    #: Send it back as `X-CSRF-Token` on state-changing calls made with the session cookie.
    csrf_token: str | None = None


class LoginRequest(BaseModel):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
    #: The authenticator's current 6-digit code (or a recovery code), for accounts with a second factor.
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None


class CodeRequest(BaseModel):
    """A one-time code: the authenticator's 6 digits, or a recovery code."""

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


class TotpStatusRead(BaseModel):
    enabled: bool
    enabled_at: UTCDateTime | None
    recovery_codes_left: int


class TotpEnrolment(BaseModel):
    #: Type it into the app, or scan `otpauth_uri` as a QR code; confirm with a code to turn it on.
    secret: str
    otpauth_uri: str


class RecoveryCodes(BaseModel):
    #: Shown this once: each stands in for the authenticator one time. Only their hashes are stored.
    recovery_codes: list[str]


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: UTCDateTime
    expires_at: UTCDateTime
    user_agent: str
    client_address: str
    #: This request's own session.
    current: bool = False


class RevokedCount(BaseModel):
    revoked: int


class ApiTokenCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    #: Days until the token expires; None: it never expires (until revoked).
    expires_in_days: Annotated[int, Field(ge=1, le=366)] | None = 90


class ApiTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str
    created_at: UTCDateTime
    expires_at: UTCDateTime | None
    revoked_at: UTCDateTime | None
    last_used_at: UTCDateTime | None


class ApiTokenCreated(ApiTokenRead):
    #: Shown this once; only its hash is stored.
    token: str


class InvitationCreate(BaseModel):
    email: Email
    org_id: str | None = None
    role: Role | None = None
    expires_in_days: Annotated[int, Field(ge=1, le=60)] = 7


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    org_id: str | None
    role: str | None
    created_at: UTCDateTime
    expires_at: UTCDateTime
    accepted_at: UTCDateTime | None


class InvitationCreated(InvitationRead):
    #: Shown this once: the sign-up link is `/signup?token=<token>`.
    token: str


class SignupRequest(BaseModel):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    display_name: DisplayName
    password: Password
