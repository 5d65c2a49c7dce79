"""Findings: flaw reports, flaws, links, transitions, severity assessments, replays, remediations,
regression cases, attachments, webhook endpoints and deliveries.

Revision ID: 0007_findings
Revises: 0006_gateway
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_findings"
down_revision = "0006_gateway"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_transitions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=False),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_finding_transitions_actor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_transitions")),
    )
    op.create_index(op.f("ix_finding_transitions_object_id"), "finding_transitions", ["object_id"], unique=False)
    op.create_table(
        "finding_webhooks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_finding_webhooks_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_webhooks")),
    )
    op.create_index(op.f("ix_finding_webhooks_org_id"), "finding_webhooks", ["org_id"], unique=False)
    op.create_table(
        "finding_webhook_deliveries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("endpoint_id", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["finding_webhooks.id"],
            name=op.f("fk_finding_webhook_deliveries_endpoint_id_finding_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_webhook_deliveries")),
    )
    op.create_index(
        op.f("ix_finding_webhook_deliveries_endpoint_id"), "finding_webhook_deliveries", ["endpoint_id"], unique=False
    )
    op.create_table(
        "flaws",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("system_id", sa.String(length=32), nullable=False),
        sa.Column("mission_id", sa.String(length=32), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("taxonomy", sa.JSON(), nullable=False),
        sa.Column("hazard_class", sa.String(length=4), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("band", sa.String(length=4), nullable=True),
        sa.Column("exposure", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("cluster_id", sa.String(length=32), nullable=True),
        sa.Column("reliability", sa.JSON(), nullable=True),
        sa.Column("risk_accepted_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("validated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fix_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mission_id"], ["missions.id"], name=op.f("fk_flaws_mission_id_missions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_flaws_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_flaws_owner_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["system_id"], ["ai_systems.id"], name=op.f("fk_flaws_system_id_ai_systems"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flaws")),
    )
    op.create_index(op.f("ix_flaws_cluster_id"), "flaws", ["cluster_id"], unique=False)
    op.create_index(op.f("ix_flaws_org_id"), "flaws", ["org_id"], unique=False)
    op.create_index(op.f("ix_flaws_priority"), "flaws", ["priority"], unique=False)
    op.create_index(op.f("ix_flaws_state"), "flaws", ["state"], unique=False)
    op.create_index(op.f("ix_flaws_system_id"), "flaws", ["system_id"], unique=False)
    op.create_table(
        "finding_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("source_type", sa.String(length=8), nullable=False),
        sa.Column("source_id", sa.String(length=32), nullable=False),
        sa.Column("flaw_id", sa.String(length=32), nullable=False),
        sa.Column("link_type", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_by_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_finding_links_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["flaw_id"], ["flaws.id"], name=op.f("fk_finding_links_flaw_id_flaws"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_links")),
    )
    op.create_index(op.f("ix_finding_links_flaw_id"), "finding_links", ["flaw_id"], unique=False)
    op.create_index(op.f("ix_finding_links_source_id"), "finding_links", ["source_id"], unique=False)
    op.create_table(
        "finding_regression_cases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("flaw_id", sa.String(length=32), nullable=False),
        sa.Column("system_id", sa.String(length=32), nullable=False),
        sa.Column("packet", sa.JSON(), nullable=False),
        sa.Column("max_success_rate", sa.Float(), nullable=False),
        sa.Column("last_version_id", sa.String(length=32), nullable=True),
        sa.Column("last_result", sa.String(length=24), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flaw_id"], ["flaws.id"], name=op.f("fk_finding_regression_cases_flaw_id_flaws"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["last_version_id"],
            ["system_versions.id"],
            name=op.f("fk_finding_regression_cases_last_version_id_system_versions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_finding_regression_cases_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_regression_cases")),
        sa.UniqueConstraint("flaw_id", name=op.f("uq_finding_regression_cases_flaw_id")),
    )
    op.create_index(
        op.f("ix_finding_regression_cases_system_id"), "finding_regression_cases", ["system_id"], unique=False
    )
    op.create_table(
        "finding_remediations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("flaw_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ticket_url", sa.String(length=500), nullable=False),
        sa.Column("target_version_id", sa.String(length=32), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_finding_remediations_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["flaw_id"], ["flaws.id"], name=op.f("fk_finding_remediations_flaw_id_flaws"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["target_version_id"],
            ["system_versions.id"],
            name=op.f("fk_finding_remediations_target_version_id_system_versions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_remediations")),
    )
    op.create_index(op.f("ix_finding_remediations_flaw_id"), "finding_remediations", ["flaw_id"], unique=False)
    op.create_table(
        "finding_reports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("mission_id", sa.String(length=32), nullable=True),
        sa.Column("system_id", sa.String(length=32), nullable=False),
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("reporter_id", sa.String(length=32), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("policy_violated", sa.Text(), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("impacts", sa.Text(), nullable=False),
        sa.Column("attack_prompts", sa.Text(), nullable=False),
        sa.Column("report_types", sa.JSON(), nullable=False),
        sa.Column("taxonomy", sa.JSON(), nullable=False),
        sa.Column("hazard_class", sa.String(length=4), nullable=False),
        sa.Column("provenance", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("replication", sa.JSON(), nullable=False),
        sa.Column("reproducibility", sa.JSON(), nullable=False),
        sa.Column("proposed_severity", sa.String(length=4), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("flaw_id", sa.String(length=32), nullable=True),
        sa.Column("assignee_id", sa.String(length=32), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_finding_reports_assignee_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["flaw_id"], ["flaws.id"], name=op.f("fk_finding_reports_flaw_id_flaws"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["mission_id"], ["missions.id"], name=op.f("fk_finding_reports_mission_id_missions"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_finding_reports_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_finding_reports_reporter_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["system_id"], ["ai_systems.id"], name=op.f("fk_finding_reports_system_id_ai_systems"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["system_versions.id"],
            name=op.f("fk_finding_reports_version_id_system_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_reports")),
    )
    op.create_index(op.f("ix_finding_reports_fingerprint"), "finding_reports", ["fingerprint"], unique=False)
    op.create_index(op.f("ix_finding_reports_flaw_id"), "finding_reports", ["flaw_id"], unique=False)
    op.create_index(op.f("ix_finding_reports_mission_id"), "finding_reports", ["mission_id"], unique=False)
    op.create_index(op.f("ix_finding_reports_org_id"), "finding_reports", ["org_id"], unique=False)
    op.create_index(op.f("ix_finding_reports_reporter_id"), "finding_reports", ["reporter_id"], unique=False)
    op.create_index(op.f("ix_finding_reports_state"), "finding_reports", ["state"], unique=False)
    op.create_index(op.f("ix_finding_reports_system_id"), "finding_reports", ["system_id"], unique=False)
    op.create_table(
        "finding_severity_assessments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("flaw_id", sa.String(length=32), nullable=False),
        sa.Column("assessor_id", sa.String(length=32), nullable=False),
        sa.Column("rubric_version", sa.String(length=16), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("band", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"],
            ["users.id"],
            name=op.f("fk_finding_severity_assessments_assessor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flaw_id"], ["flaws.id"], name=op.f("fk_finding_severity_assessments_flaw_id_flaws"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_severity_assessments")),
        sa.UniqueConstraint("flaw_id", "assessor_id", name="uq_finding_severity_flaw_assessor"),
    )
    op.create_index(
        op.f("ix_finding_severity_assessments_flaw_id"), "finding_severity_assessments", ["flaw_id"], unique=False
    )
    op.create_table(
        "finding_attachments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["finding_reports.id"],
            name=op.f("fk_finding_attachments_report_id_finding_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_attachments")),
    )
    op.create_index(op.f("ix_finding_attachments_report_id"), "finding_attachments", ["report_id"], unique=False)
    op.create_table(
        "finding_replays",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("report_id", sa.String(length=32), nullable=True),
        sa.Column("flaw_id", sa.String(length=32), nullable=True),
        sa.Column("version_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("successes", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("ci_low", sa.Float(), nullable=False),
        sa.Column("ci_high", sa.Float(), nullable=False),
        sa.Column("result", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_finding_replays_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["flaw_id"], ["flaws.id"], name=op.f("fk_finding_replays_flaw_id_flaws"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["finding_reports.id"],
            name=op.f("fk_finding_replays_report_id_finding_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["system_versions.id"],
            name=op.f("fk_finding_replays_version_id_system_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_replays")),
    )
    op.create_index(op.f("ix_finding_replays_flaw_id"), "finding_replays", ["flaw_id"], unique=False)
    op.create_index(op.f("ix_finding_replays_report_id"), "finding_replays", ["report_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_finding_replays_report_id"), table_name="finding_replays")
    op.drop_index(op.f("ix_finding_replays_flaw_id"), table_name="finding_replays")
    op.drop_table("finding_replays")
    op.drop_index(op.f("ix_finding_attachments_report_id"), table_name="finding_attachments")
    op.drop_table("finding_attachments")
    op.drop_index(op.f("ix_finding_severity_assessments_flaw_id"), table_name="finding_severity_assessments")
    op.drop_table("finding_severity_assessments")
    op.drop_index(op.f("ix_finding_reports_system_id"), table_name="finding_reports")
    op.drop_index(op.f("ix_finding_reports_state"), table_name="finding_reports")
    op.drop_index(op.f("ix_finding_reports_reporter_id"), table_name="finding_reports")
    op.drop_index(op.f("ix_finding_reports_org_id"), table_name="finding_reports")
    op.drop_index(op.f("ix_finding_reports_mission_id"), table_name="finding_reports")
    op.drop_index(op.f("ix_finding_reports_flaw_id"), table_name="finding_reports")
    op.drop_index(op.f("ix_finding_reports_fingerprint"), table_name="finding_reports")
    op.drop_table("finding_reports")
    op.drop_index(op.f("ix_finding_remediations_flaw_id"), table_name="finding_remediations")
    op.drop_table("finding_remediations")
    op.drop_index(op.f("ix_finding_regression_cases_system_id"), table_name="finding_regression_cases")
    op.drop_table("finding_regression_cases")
    op.drop_index(op.f("ix_finding_links_source_id"), table_name="finding_links")
    op.drop_index(op.f("ix_finding_links_flaw_id"), table_name="finding_links")
    op.drop_table("finding_links")
    op.drop_index(op.f("ix_flaws_system_id"), table_name="flaws")
    op.drop_index(op.f("ix_flaws_state"), table_name="flaws")
    op.drop_index(op.f("ix_flaws_priority"), table_name="flaws")
    op.drop_index(op.f("ix_flaws_org_id"), table_name="flaws")
    op.drop_index(op.f("ix_flaws_cluster_id"), table_name="flaws")
    op.drop_table("flaws")
    op.drop_index(op.f("ix_finding_webhook_deliveries_endpoint_id"), table_name="finding_webhook_deliveries")
    op.drop_table("finding_webhook_deliveries")
    op.drop_index(op.f("ix_finding_webhooks_org_id"), table_name="finding_webhooks")
    op.drop_table("finding_webhooks")
    op.drop_index(op.f("ix_finding_transitions_object_id"), table_name="finding_transitions")
    op.drop_table("finding_transitions")
