"""Imports every domain's tables so that Base.metadata is complete (for Alembic and tests)."""

from redhive.audit.models import AuditEvent
from redhive.auth.models import ApiToken, Invitation, LoginFailure, RecoveryCode, User, WebSession
from redhive.disclosure.models import ClockExtension, DisclosureClock, LabelDecision
from redhive.findings.models import (
    Comment,
    FindingLink,
    Flaw,
    FlawReport,
    RegressionCase,
    Remediation,
    Replay,
    ReportAttachment,
    SeverityAssessment,
    TransitionEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from redhive.gateway.models import (
    ChainHead,
    Exchange,
    ExchangeFlag,
    GatewayKey,
    GatewaySettings,
    TranscriptCheckpoint,
)
from redhive.incidents.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentNotification,
    IncidentOrganization,
)
from redhive.jobs.models import Job
from redhive.joint.models import JointAgreement, JointParty, TransferNotice
from redhive.missions.models import (
    Mission,
    MissionInvitation,
    MissionOrganization,
    MissionParticipant,
    MissionTarget,
    MissionTerms,
    TermsAcknowledgement,
)
from redhive.network.models import Application, ApplicationReview, ExpertProfile
from redhive.notifications.models import Notification
from redhive.orgs.models import AISystem, Membership, Organization, SystemGrant, SystemVersion
from redhive.runs.models import AgentEpisode, Attempt, Run
from redhive.runs.turns import Turn
from redhive.safeguards.models import HazardReview, TrustedAccess

__all__ = [
    "Incident",
    "IncidentAction",
    "IncidentEvent",
    "IncidentNotification",
    "IncidentOrganization",
    "JointAgreement",
    "JointParty",
    "TransferNotice",
    "ClockExtension",
    "DisclosureClock",
    "LabelDecision",
    "Comment",
    "Notification",
    "FindingLink",
    "Flaw",
    "FlawReport",
    "RegressionCase",
    "Remediation",
    "Replay",
    "ReportAttachment",
    "SeverityAssessment",
    "TransitionEvent",
    "WebhookDelivery",
    "WebhookEndpoint",
    "AISystem",
    "AgentEpisode",
    "ApiToken",
    "Application",
    "ApplicationReview",
    "Attempt",
    "AuditEvent",
    "ChainHead",
    "Exchange",
    "ExchangeFlag",
    "ExpertProfile",
    "GatewayKey",
    "GatewaySettings",
    "HazardReview",
    "Invitation",
    "Job",
    "LoginFailure",
    "RecoveryCode",
    "Membership",
    "Mission",
    "MissionInvitation",
    "MissionOrganization",
    "MissionParticipant",
    "MissionTarget",
    "MissionTerms",
    "Organization",
    "Run",
    "SystemGrant",
    "SystemVersion",
    "TermsAcknowledgement",
    "TranscriptCheckpoint",
    "TrustedAccess",
    "Turn",
    "User",
    "WebSession",
]
