"""Indexes for reading a large run store (decision D51, bench/store_plans.py): attempts in plan
order per run (exports, intake, reports' examples, transcripts stream without sorting a run), and
runs by start time (the run list's page, however many runs there are).

Both use IF NOT EXISTS, so on a large live PostgreSQL store an operator may build them first with
`CREATE INDEX CONCURRENTLY` (no write lock) and this migration then only records the revision.

Revision ID: 0018_store_indexes
Revises: 0017_signoff
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0018_store_indexes"
down_revision = "0017_signoff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_attempts_run_seq", "attempts", ["run_id", "seq"], if_not_exists=True)
    op.create_index("ix_runs_created_at", "runs", ["created_at"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_runs_created_at", table_name="runs")
    op.drop_index("ix_attempts_run_seq", table_name="attempts")
