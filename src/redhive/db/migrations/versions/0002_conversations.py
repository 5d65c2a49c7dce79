"""Turns of multi-turn attempts.

Revision ID: 0002_conversations
Revises: 0001_runs
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_conversations"
down_revision = "0001_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "turns",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("attempt_id", sa.String(32), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("branch", sa.String(200), nullable=False),
        sa.Column("parent", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id", "attempt_id"], ["attempts.run_id", "attempts.id"],
                                name=op.f("fk_turns_run_id_attempts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "attempt_id", "idx", name=op.f("pk_turns")),
    )


def downgrade() -> None:
    op.drop_table("turns")
