"""Sharing agreements: which organisation receives which labels of a mission's or a system's flaws,
from when (after validation or fix, plus N days).

Revision ID: 0014_sharing
Revises: 0013_disclosure
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_sharing"
down_revision = "0013_disclosure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharing_agreements",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("recipient_org_id", sa.String(length=32), nullable=False),
        sa.Column("scope_type", sa.String(length=8), nullable=False),
        sa.Column("scope_id", sa.String(length=32), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("after", sa.String(length=12), nullable=False),
        sa.Column("delay_days", sa.Integer(), nullable=False),
        sa.Column("named_user_ids", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_sharing_agreements_org_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_org_id"], ["organizations.id"],
                                name=op.f("fk_sharing_agreements_recipient_org_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_sharing_agreements_created_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreements")),
    )
    for column in ("org_id", "recipient_org_id", "scope_id"):
        op.create_index(op.f(f"ix_sharing_agreements_{column}"), "sharing_agreements", [column], unique=False)


def downgrade() -> None:
    for column in ("scope_id", "recipient_org_id", "org_id"):
        op.drop_index(op.f(f"ix_sharing_agreements_{column}"), table_name="sharing_agreements")
    op.drop_table("sharing_agreements")
