"""Attempts record whether their probe was an attack or a control, so the headline attack-success
rate counts attacks only and over-refusal is reported as its own rate.

Revision ID: 0008_attempt_kind
Revises: 0007_findings
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_attempt_kind"
down_revision = "0007_findings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="attack"))
    # Controls were stored before kinds were: the over-refusal family is the only one there was.
    op.execute("UPDATE attempts SET kind = 'control' WHERE risk_area = 'over_refusal'")


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("kind")
