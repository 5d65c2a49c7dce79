"""Coordinated disclosure: a TLP 2.0 label per field on reports and flaws (`labels`, empty on rows
stored before: their fields count with the defaults), every label change with its decision, and
disclosure clocks with their extensions.

Revision ID: 0013_disclosure
Revises: 0012_transcript_signing
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_disclosure"
down_revision = "0012_transcript_signing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("finding_reports") as batch:
        batch.add_column(sa.Column("labels", sa.JSON(), nullable=True))
    with op.batch_alter_table("flaws") as batch:
        batch.add_column(sa.Column("labels", sa.JSON(), nullable=True))
    op.create_table(
        "disclosure_label_decisions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("from_label", sa.String(length=20), nullable=False),
        sa.Column("to_label", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_disclosure_label_decisions_actor_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_disclosure_label_decisions_org_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_label_decisions")),
    )
    op.create_index(op.f("ix_disclosure_label_decisions_object_id"), "disclosure_label_decisions", ["object_id"],
                    unique=False)
    op.create_index(op.f("ix_disclosure_label_decisions_org_id"), "disclosure_label_decisions", ["org_id"],
                    unique=False)
    op.create_table(
        "disclosure_clocks",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extended_days", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_disclosure_clocks_org_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_clocks")),
        sa.UniqueConstraint("object_type", "object_id", "kind", name="uq_disclosure_clocks_object_kind"),
    )
    op.create_index(op.f("ix_disclosure_clocks_object_id"), "disclosure_clocks", ["object_id"], unique=False)
    op.create_index(op.f("ix_disclosure_clocks_org_id"), "disclosure_clocks", ["org_id"], unique=False)
    op.create_index(op.f("ix_disclosure_clocks_due_at"), "disclosure_clocks", ["due_at"], unique=False)
    op.create_table(
        "disclosure_clock_extensions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clock_id", sa.String(length=32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_disclosure_clock_extensions_actor_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["clock_id"], ["disclosure_clocks.id"],
                                name=op.f("fk_disclosure_clock_extensions_clock_id_disclosure_clocks"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_clock_extensions")),
    )
    op.create_index(op.f("ix_disclosure_clock_extensions_clock_id"), "disclosure_clock_extensions", ["clock_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_disclosure_clock_extensions_clock_id"), table_name="disclosure_clock_extensions")
    op.drop_table("disclosure_clock_extensions")
    op.drop_index(op.f("ix_disclosure_clocks_due_at"), table_name="disclosure_clocks")
    op.drop_index(op.f("ix_disclosure_clocks_org_id"), table_name="disclosure_clocks")
    op.drop_index(op.f("ix_disclosure_clocks_object_id"), table_name="disclosure_clocks")
    op.drop_table("disclosure_clocks")
    op.drop_index(op.f("ix_disclosure_label_decisions_org_id"), table_name="disclosure_label_decisions")
    op.drop_index(op.f("ix_disclosure_label_decisions_object_id"), table_name="disclosure_label_decisions")
    op.drop_table("disclosure_label_decisions")
    with op.batch_alter_table("flaws") as batch:
        batch.drop_column("labels")
    with op.batch_alter_table("finding_reports") as batch:
        batch.drop_column("labels")
