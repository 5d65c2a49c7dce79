"""Findings tables: flaw reports (one submission by one reporter), canonical flaws that gather
reports, links between them, severity assessments, replays, remediations, regression cases and
their re-tests, attachments, and webhook endpoints with their deliveries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

PROVENANCES = ("human", "ai_assisted", "ai_generated")
REPORT_TYPES = ("vulnerability", "safeguard_bypass", "hazard", "malign_use", "real_world_event", "security_incident")
LINK_TYPES = ("exact", "semantic", "same_root_cause", "variant", "transfer")
REMEDIATION_KINDS = ("model_training", "classifier", "system_prompt", "tool_permission", "product_change",
                     "policy", "monitoring")


class FlawReport(Base):
    """One flaw report (Longpre et al. 2025 fields, DESIGN §8), pinned to an exact system version."""

    __tablename__ = "finding_reports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    #: The organisation that owns the system (its triagers handle the report).
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    mission_id: Mapped[str | None] = mapped_column(ForeignKey("missions.id", ondelete="SET NULL"), index=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("system_versions.id", ondelete="CASCADE"))
    reporter_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The organisation the reporter tested for (in a joint exercise, their party; missions.reporting_org).
    reporter_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    policy_violated: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    impacts: Mapped[str] = mapped_column(Text, default="")
    #: The attack prompts, one per line (dedup reads them; the replication packet replays them).
    attack_prompts: Mapped[str] = mapped_column(Text, default="")
    report_types: Mapped[list[str]] = mapped_column(JSON)
    #: Taxonomy ids with their edition: LLM01:2025, AML.T0054, AVID S0403.
    taxonomy: Mapped[list[str]] = mapped_column(JSON)
    hazard_class: Mapped[str] = mapped_column(String(4), default="HZ0")
    #: What kind of hazard the payload holds: none | biological | chemical | radiological_nuclear | cyber_offence.
    hazard_domain: Mapped[str] = mapped_column(String(24), default="none")
    #: Set on creation for a biological or chemical hazard at HZ2+ (redhive.findings.restriction): seen only by
    #: cleared reviewers and named contacts, payload never exported, embargoed until `embargo_until`.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    embargo_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provenance: Mapped[str] = mapped_column(String(16), default="human")
    #: TLP 2.0 label per field (redhive.disclosure.tlp); missing fields count with their default.
    labels: Mapped[dict[str, str] | None] = mapped_column(JSON)
    #: Evidence ids the platform verified: "exchange:<id>" (gateway transcript), "attempt:<run>/<id>".
    evidence: Mapped[list[str]] = mapped_column(JSON)
    #: What a replay runs: {"suite", "probe_id", "attack"} plus sampling params.
    replication: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: What the reporter measured: {"trials", "successes", "sampling"}.
    reproducibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    proposed_severity: Mapped[str | None] = mapped_column(String(4))
    #: draft | submitted | triage | needs_info | validated | duplicate | ... (findings.lifecycle)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    flaw_id: Mapped[str | None] = mapped_column(ForeignKey("flaws.id", ondelete="SET NULL"), index=True)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Sha-256 of the normalised text: equal fingerprints are exact duplicates.
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    #: The SLA clock: seconds spent in needs_info, and since when it is paused.
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportAttachment(Base):
    __tablename__ = "finding_attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    report_id: Mapped[str] = mapped_column(ForeignKey("finding_reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Flaw(Base):
    """The canonical, deduplicated issue (AVID Vulnerability); many reports point at it."""

    __tablename__ = "flaws"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True)
    mission_id: Mapped[str | None] = mapped_column(ForeignKey("missions.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    root_cause: Mapped[str] = mapped_column(Text, default="")
    taxonomy: Mapped[list[str]] = mapped_column(JSON)
    hazard_class: Mapped[str] = mapped_column(String(4), default="HZ0")
    hazard_domain: Mapped[str] = mapped_column(String(24), default="none")
    #: Inherited from the report it was validated from (redhive.findings.restriction).
    restricted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    embargo_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: TLP 2.0 label per field (redhive.disclosure.tlp); missing fields count with their default.
    labels: Mapped[dict[str, str] | None] = mapped_column(JSON)
    #: new | validated | severity_assessed | ... | resolved | regressed (findings.lifecycle)
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)
    band: Mapped[str | None] = mapped_column(String(4))
    #: deployment exposure 1 (internal) .. 4 (public, widely deployed); priority = band weight × exposure
    exposure: Mapped[int] = mapped_column(Integer, default=2)
    priority: Mapped[int] = mapped_column(Integer, default=0, index=True)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cluster_id: Mapped[str | None] = mapped_column(String(32), index=True)
    #: Latest measured reliability: {"trials", "successes", "low", "high", "version_id"}.
    reliability: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    risk_accepted_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The version a re-test found it fixed on: re-tests of older versions record them as still
    #: affected instead of reopening the flaw (CSAF first_fixed / known_affected).
    fixed_version_id: Mapped[str | None] = mapped_column(String(32))
    validated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fix_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: when the flaw became known to be exploited in the wild (its disclosure clock starts then)
    exploited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FindingLink(Base):
    """report → flaw (a report counted against a flaw) or flaw → flaw (variant, transfer, ...)."""

    __tablename__ = "finding_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    source_type: Mapped[str] = mapped_column(String(8))  # report | flaw
    source_id: Mapped[str] = mapped_column(String(32), index=True)
    flaw_id: Mapped[str] = mapped_column(ForeignKey("flaws.id", ondelete="CASCADE"), index=True)
    link_type: Mapped[str] = mapped_column(String(20))
    #: hash | tfidf | reviewer
    method: Mapped[str] = mapped_column(String(12))
    score: Mapped[float | None] = mapped_column(Float)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TransitionEvent(Base):
    """Every state change of a report or a flaw: who, when, from, to and why."""

    __tablename__ = "finding_transitions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(8))  # report | flaw
    object_id: Mapped[str] = mapped_column(String(32), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeverityAssessment(Base):
    """One assessor's rubric inputs and the band they give (the rubric is versioned)."""

    __tablename__ = "finding_severity_assessments"
    __table_args__ = (UniqueConstraint("flaw_id", "assessor_id", name="uq_finding_severity_flaw_assessor"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    flaw_id: Mapped[str] = mapped_column(ForeignKey("flaws.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rubric_version: Mapped[str] = mapped_column(String(16))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    band: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Replay(Base):
    """A replication packet run N times against one pinned version: k successes of N."""

    __tablename__ = "finding_replays"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    report_id: Mapped[str | None] = mapped_column(ForeignKey("finding_reports.id", ondelete="CASCADE"), index=True)
    flaw_id: Mapped[str | None] = mapped_column(ForeignKey("flaws.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("system_versions.id", ondelete="CASCADE"))
    #: replay (reproduce a report) | regression (re-test a fix) | transfer (another system)
    purpose: Mapped[str] = mapped_column(String(12))
    target: Mapped[str] = mapped_column(String(200))
    trials: Mapped[int] = mapped_column(Integer)
    successes: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    ci_low: Mapped[float] = mapped_column(Float)
    ci_high: Mapped[float] = mapped_column(Float)
    #: for regression/transfer: fixed | partially_mitigated | not_fixed | regressed | affected | unaffected
    result: Mapped[str] = mapped_column(String(24), default="")
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Remediation(Base):
    __tablename__ = "finding_remediations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    flaw_id: Mapped[str] = mapped_column(ForeignKey("flaws.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ticket_url: Mapped[str] = mapped_column(String(500), default="")
    target_version_id: Mapped[str | None] = mapped_column(ForeignKey("system_versions.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegressionCase(Base):
    """A validated flaw turned into an automated check, re-run on every new version of its system."""

    __tablename__ = "finding_regression_cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    flaw_id: Mapped[str] = mapped_column(ForeignKey("flaws.id", ondelete="CASCADE"), unique=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True)
    packet: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The flaw counts as fixed on a version when the success rate is at most this.
    max_success_rate: Mapped[float] = mapped_column(Float, default=0.0)
    last_version_id: Mapped[str | None] = mapped_column(ForeignKey("system_versions.id", ondelete="SET NULL"))
    last_result: Mapped[str] = mapped_column(String(24), default="")
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Comment(Base):
    """A comment on a report (its reporter and the triagers talk) or on a flaw (the triage team's;
    `internal` ones are never shown to reporters)."""

    __tablename__ = "finding_comments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(8))  # report | flaw
    object_id: Mapped[str] = mapped_column(String(32), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebhookEndpoint(Base):
    __tablename__ = "finding_webhooks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    #: Encrypted with the SecretBox; signs each body (X-Redhive-Signature: sha256=<hex>).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(Base):
    __tablename__ = "finding_webhook_deliveries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("finding_webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
