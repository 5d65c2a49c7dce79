"""Findings lifecycle in the web app: comments on reports and flaws, the version a flaw was found
fixed on, and in-app notifications (with their e-mail copies).

Revision ID: 0010_findings_lifecycle
Revises: 0009_accounts_security
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_findings_lifecycle"
down_revision = "0009_accounts_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flaws") as batch:
        batch.add_column(sa.Column("fixed_version_id", sa.String(length=32), nullable=True))
    op.create_table(
        "finding_comments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_finding_comments_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_finding_comments_org_id_organizations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_comments")),
    )
    op.create_index(op.f("ix_finding_comments_object_id"), "finding_comments", ["object_id"], unique=False)
    op.create_index(op.f("ix_finding_comments_org_id"), "finding_comments", ["org_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_finding_comments_org_id"), table_name="finding_comments")
    op.drop_index(op.f("ix_finding_comments_object_id"), table_name="finding_comments")
    op.drop_table("finding_comments")
    with op.batch_alter_table("flaws") as batch:
        batch.drop_column("fixed_version_id")
