"""Imports every domain's tables so that Base.metadata is complete (for Alembic and tests)."""

from redhive.audit.models import AuditEvent
from redhive.auth.models import ApiToken, Invitation, User, WebSession
from redhive.orgs.models import AISystem, Membership, Organization, SystemGrant, SystemVersion
from redhive.runs.models import Attempt, Run

__all__ = [
    "AISystem",
    "ApiToken",
    "Attempt",
    "AuditEvent",
    "Invitation",
    "Membership",
    "Organization",
    "Run",
    "SystemGrant",
    "SystemVersion",
    "User",
    "WebSession",
]
