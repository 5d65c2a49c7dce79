"""Safeguards: trusted-access grants, reviews of escalated exchanges, an index on exchange outcomes
(the review queue reads `escalated`), and the restriction of hazard findings (hazard domain,
restricted, embargo) on reports and flaws.

Revision ID: 0011_safeguards
Revises: 0010_findings_lifecycle
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_safeguards"
down_revision = "0010_findings_lifecycle"
branch_labels = None
depends_on = None

_RESTRICTED = ("finding_reports", "flaws")


def upgrade() -> None:
    op.create_table(
        "safeguard_trusted_access",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("programme", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("affiliation", sa.String(length=200), nullable=False),
        sa.Column("identity_evidence", sa.Text(), nullable=False),
        sa.Column("referee", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("identity_verified", sa.Boolean(), nullable=False),
        sa.Column("affiliation_verified", sa.Boolean(), nullable=False),
        sa.Column("decided_by_id", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_safeguard_trusted_access_decided_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_safeguard_trusted_access_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguard_trusted_access")),
    )
    op.create_index(op.f("ix_safeguard_trusted_access_status"), "safeguard_trusted_access", ["status"], unique=False)
    op.create_index(op.f("ix_safeguard_trusted_access_user_id"), "safeguard_trusted_access", ["user_id"],
                    unique=False)
    op.create_table(
        "safeguard_reviews",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("exchange_id", sa.String(length=32), nullable=False),
        sa.Column("mission_id", sa.String(length=32), nullable=False),
        sa.Column("reviewer_id", sa.String(length=32), nullable=True),
        sa.Column("verdict", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["exchange_id"], ["gateway_exchanges.id"],
                                name=op.f("fk_safeguard_reviews_exchange_id_gateway_exchanges"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"], name=op.f("fk_safeguard_reviews_mission_id_missions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_safeguard_reviews_reviewer_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguard_reviews")),
        sa.UniqueConstraint("exchange_id", name=op.f("uq_safeguard_reviews_exchange_id")),
    )
    op.create_index(op.f("ix_safeguard_reviews_mission_id"), "safeguard_reviews", ["mission_id"], unique=False)
    op.create_index(op.f("ix_gateway_exchanges_outcome"), "gateway_exchanges", ["outcome"], unique=False)
    for table in _RESTRICTED:
        op.add_column(table, sa.Column("hazard_domain", sa.String(length=24), nullable=False, server_default="none"))
        op.add_column(table, sa.Column("restricted", sa.Boolean(), nullable=False, server_default=sa.false()))
        op.add_column(table, sa.Column("embargo_until", sa.DateTime(timezone=True), nullable=True))
        op.create_index(op.f(f"ix_{table}_restricted"), table, ["restricted"], unique=False)


def downgrade() -> None:
    for table in _RESTRICTED:
        op.drop_index(op.f(f"ix_{table}_restricted"), table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("embargo_until")
            batch_op.drop_column("restricted")
            batch_op.drop_column("hazard_domain")
    op.drop_index(op.f("ix_gateway_exchanges_outcome"), table_name="gateway_exchanges")
    op.drop_index(op.f("ix_safeguard_reviews_mission_id"), table_name="safeguard_reviews")
    op.drop_table("safeguard_reviews")
    op.drop_index(op.f("ix_safeguard_trusted_access_user_id"), table_name="safeguard_trusted_access")
    op.drop_index(op.f("ix_safeguard_trusted_access_status"), table_name="safeguard_trusted_access")
    op.drop_table("safeguard_trusted_access")
