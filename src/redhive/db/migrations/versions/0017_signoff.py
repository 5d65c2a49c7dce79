"""Sign-off of a report's public (TLP:CLEAR) version: who signed off which content, for the
developer organisation or a regulator; agreements say whether their recipient must sign off too.
Flaws record when they became known to be exploited in the wild (the exploited clock).

Revision ID: 0017_signoff
Revises: 0016_joint_incidents
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_signoff"
down_revision = "0016_joint_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_signoffs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("signer_org_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("scope_type", sa.String(length=8), nullable=False),
        sa.Column("scope_id", sa.String(length=32), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"],
                                name=op.f("fk_report_signoffs_org_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["signer_org_id"], ["organizations.id"],
                                name=op.f("fk_report_signoffs_signer_org_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_report_signoffs_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_signoffs")),
    )
    op.create_index(op.f("ix_report_signoffs_scope_id"), "report_signoffs", ["scope_id"], unique=False)
    with op.batch_alter_table("sharing_agreements") as batch:
        batch.add_column(sa.Column("public_signoff", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("flaws") as batch:
        batch.add_column(sa.Column("exploited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flaws") as batch:
        batch.drop_column("exploited_at")
    with op.batch_alter_table("sharing_agreements") as batch:
        batch.drop_column("public_signoff")
    op.drop_index(op.f("ix_report_signoffs_scope_id"), table_name="report_signoffs")
    op.drop_table("report_signoffs")
