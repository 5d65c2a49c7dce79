"""One store for every run: agent runs move into `runs` (with `kind` = agent) and their episodes
into `episodes`, whose run is a row of `runs`; `agent_runs` and `agent_episodes` are dropped.
Runs get a lease (`holder`, `held_until`) held by the process executing them.

Revision ID: 0019_one_run_store
Revises: 0018_store_indexes
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_one_run_store"
down_revision = "0018_store_indexes"
branch_labels = None
depends_on = None

_RUN_COLUMNS = "id, created_at, finished_at, status, config, plan_size, error, redhive_version"
_EPISODE_COLUMNS = ("run_id, monitor_mode, id, seq, env, user_task, injection_task, attack, target, repeat, status, "
                    "utility, injection_success, steps, duration_ms, facts, trace, seal, created_at")


def _episodes(name: str, runs: str) -> None:
    op.create_table(
        name,
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
        sa.ForeignKeyConstraint(["run_id"], [f"{runs}.id"], name=op.f(f"fk_{name}_run_id_{runs}"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "monitor_mode", "id", name=op.f(f"pk_{name}")),
    )
    op.create_index(f"ix_{name}_run_seq", name, ["run_id", "seq"])


def upgrade() -> None:
    op.add_column("runs", sa.Column("kind", sa.String(10), nullable=False, server_default="probe"))
    op.add_column("runs", sa.Column("holder", sa.String(120), nullable=True))
    op.add_column("runs", sa.Column("held_until", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"INSERT INTO runs ({_RUN_COLUMNS}, kind) SELECT {_RUN_COLUMNS}, 'agent' FROM agent_runs")
    _episodes("episodes", "runs")
    op.execute(f"INSERT INTO episodes ({_EPISODE_COLUMNS}) SELECT {_EPISODE_COLUMNS} FROM agent_episodes")
    op.drop_index("ix_agent_episodes_run_seq", table_name="agent_episodes")
    op.drop_table("agent_episodes")
    op.drop_table("agent_runs")


def downgrade() -> None:
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
    op.execute(f"INSERT INTO agent_runs ({_RUN_COLUMNS}) SELECT {_RUN_COLUMNS} FROM runs WHERE kind = 'agent'")
    _episodes("agent_episodes", "agent_runs")
    op.execute(f"INSERT INTO agent_episodes ({_EPISODE_COLUMNS}) SELECT {_EPISODE_COLUMNS} FROM episodes")
    op.drop_index("ix_episodes_run_seq", table_name="episodes")
    op.drop_table("episodes")
    op.execute("DELETE FROM runs WHERE kind = 'agent'")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("held_until")
        batch.drop_column("holder")
        batch.drop_column("kind")
