"""Joint exercises (one agreement per mission with its parties; shares as sharing agreements pointing
at it; the reporter's organisation on each report; transfer notices through the coordinator) and
incidents (record, timeline, affected organisations, notifications, actions).

Revision ID: 0016_joint_incidents
Revises: 0015_jobs
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016_joint_incidents"
down_revision = "0015_jobs"
branch_labels = None
depends_on = None


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.String(length=32), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def _ref(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length=32), nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    t = "joint_agreements"
    op.create_table(
        t, _id(), _ref("mission_id"), sa.Column("after", sa.String(length=12), nullable=False),
        sa.Column("delay_days", sa.Integer(), nullable=False), sa.Column("note", sa.Text(), nullable=False),
        _ref("created_by_id", True), _at("created_at"),
        _fk(t, "mission_id", "missions", "CASCADE"), _fk(t, "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("mission_id", name=op.f(f"uq_{t}_mission_id")),
    )
    t = "joint_agreement_parties"
    op.create_table(
        t, _id(), _ref("agreement_id"), _ref("org_id"), sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("named_user_ids", sa.JSON(), nullable=False), _at("accepted_at", True),
        _ref("accepted_by_id", True),
        _fk(t, "agreement_id", "joint_agreements", "CASCADE"), _fk(t, "org_id", "organizations", "CASCADE"),
        _fk(t, "accepted_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("agreement_id", "org_id", name="uq_joint_agreement_parties_agreement_org"),
    )
    _index(t, "agreement_id", "org_id")
    with op.batch_alter_table("sharing_agreements") as batch:
        batch.add_column(_ref("joint_agreement_id", True))
        batch.create_foreign_key(op.f("fk_sharing_agreements_joint_agreement_id_joint_agreements"),
                                 "joint_agreements", ["joint_agreement_id"], ["id"], ondelete="CASCADE")
        batch.create_index(op.f("ix_sharing_agreements_joint_agreement_id"), ["joint_agreement_id"], unique=False)
    with op.batch_alter_table("finding_reports") as batch:
        batch.add_column(_ref("reporter_org_id", True))
        batch.create_foreign_key(op.f("fk_finding_reports_reporter_org_id_organizations"), "organizations",
                                 ["reporter_org_id"], ["id"], ondelete="SET NULL")
    t = "transfer_notices"
    op.create_table(
        t, _id(), _ref("flaw_id"), _ref("replay_id", True), _ref("mission_id", True), _ref("source_org_id"),
        _ref("coordinator_org_id"), _ref("developer_org_id"), _ref("system_id"), _ref("version_id"),
        sa.Column("successes", sa.Integer(), nullable=False), sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False), sa.Column("audience", sa.String(length=20)),
        sa.Column("note", sa.Text(), nullable=False), _at("created_at"), _at("reviewed_at", True),
        _ref("reviewed_by_id", True), _at("acknowledged_at", True), _ref("acknowledged_by_id", True),
        _fk(t, "flaw_id", "flaws", "CASCADE"), _fk(t, "replay_id", "finding_replays", "SET NULL"),
        _fk(t, "mission_id", "missions", "SET NULL"), _fk(t, "source_org_id", "organizations", "CASCADE"),
        _fk(t, "coordinator_org_id", "organizations", "CASCADE"),
        _fk(t, "developer_org_id", "organizations", "CASCADE"), _fk(t, "system_id", "ai_systems", "CASCADE"),
        _fk(t, "version_id", "system_versions", "CASCADE"), _fk(t, "reviewed_by_id", "users", "SET NULL"),
        _fk(t, "acknowledged_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "flaw_id", "source_org_id", "coordinator_org_id", "developer_org_id", "status")
    t = "incidents"
    op.create_table(
        t, _id(), _ref("org_id"), _ref("system_id"), _ref("version_id", True), _ref("flaw_id", True),
        sa.Column("title", sa.String(length=200), nullable=False), sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False), sa.Column("technical_details", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=4), nullable=False),
        sa.Column("hazard_class", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False), sa.Column("labels", sa.JSON(), nullable=True),
        _at("detected_at"), _ref("created_by_id", True), _at("created_at"), _at("updated_at"),
        _fk(t, "org_id", "organizations", "CASCADE"), _fk(t, "system_id", "ai_systems", "CASCADE"),
        _fk(t, "version_id", "system_versions", "SET NULL"), _fk(t, "flaw_id", "flaws", "SET NULL"),
        _fk(t, "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "org_id", "system_id", "flaw_id", "status")
    t = "incident_events"
    op.create_table(
        t, _id(), _ref("incident_id"), _at("at"), sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False), _ref("actor_id", True), _at("recorded_at"),
        _fk(t, "incident_id", "incidents", "CASCADE"), _fk(t, "actor_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "incident_id")
    t = "incident_organizations"
    op.create_table(
        t, _id(), _ref("incident_id"), _ref("org_id"), sa.Column("impact", sa.Text(), nullable=False),
        _at("added_at"),
        _fk(t, "incident_id", "incidents", "CASCADE"), _fk(t, "org_id", "organizations", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("incident_id", "org_id", name="uq_incident_organizations_incident_org"),
    )
    _index(t, "incident_id", "org_id")
    t = "incident_notifications"
    op.create_table(
        t, _id(), _ref("incident_id"), _ref("org_id"), sa.Column("audience", sa.String(length=20), nullable=False),
        _at("sent_at"), _ref("sent_by_id", True), _at("acknowledged_at", True), _ref("acknowledged_by_id", True),
        _fk(t, "incident_id", "incidents", "CASCADE"), _fk(t, "org_id", "organizations", "CASCADE"),
        _fk(t, "sent_by_id", "users", "SET NULL"), _fk(t, "acknowledged_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("incident_id", "org_id", name="uq_incident_notifications_incident_org"),
    )
    _index(t, "incident_id", "org_id")
    t = "incident_actions"
    op.create_table(
        t, _id(), _ref("incident_id"), sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True), _at("done_at", True), _ref("created_by_id", True),
        _at("created_at"),
        _fk(t, "incident_id", "incidents", "CASCADE"), _fk(t, "created_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "incident_id")


def downgrade() -> None:
    for table in ("incident_actions", "incident_notifications", "incident_organizations", "incident_events",
                  "incidents", "transfer_notices"):
        op.drop_table(table)
    with op.batch_alter_table("finding_reports") as batch:
        batch.drop_constraint(op.f("fk_finding_reports_reporter_org_id_organizations"), type_="foreignkey")
        batch.drop_column("reporter_org_id")
    with op.batch_alter_table("sharing_agreements") as batch:
        batch.drop_index(op.f("ix_sharing_agreements_joint_agreement_id"))
        batch.drop_constraint(op.f("fk_sharing_agreements_joint_agreement_id_joint_agreements"), type_="foreignkey")
        batch.drop_column("joint_agreement_id")
    op.drop_table("joint_agreement_parties")
    op.drop_table("joint_agreements")
