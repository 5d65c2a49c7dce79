"""Agent runs and their episodes (traces and facts).

Revision ID: 0003_agent_runs
Revises: 0002_conversations
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_agent_runs"
down_revision = "0002_conversations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_runs",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("plan_size", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("redhive_version", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_runs")),
    )
    op.create_table(
        "agent_episodes",
        sa.Column("run_id", sa.String(40), nullable=False),
        sa.Column("monitor_mode", sa.String(8), nullable=False),
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("env", sa.String(80), nullable=False),
        sa.Column("user_task", sa.String(120), nullable=False),
        sa.Column("injection_task", sa.String(120), nullable=True),
        sa.Column("attack", sa.String(80), nullable=True),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("repeat", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("utility", sa.Boolean(), nullable=True),
        sa.Column("injection_success", sa.Boolean(), nullable=True),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("trace", sa.Text(), nullable=False),
        sa.Column("seal", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["agent_runs.id"], name=op.f("fk_agent_episodes_run_id_agent_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "monitor_mode", "id", name=op.f("pk_agent_episodes")),
    )
    op.create_index("ix_agent_episodes_run_seq", "agent_episodes", ["run_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_agent_episodes_run_seq", table_name="agent_episodes")
    op.drop_table("agent_episodes")
    op.drop_table("agent_runs")
