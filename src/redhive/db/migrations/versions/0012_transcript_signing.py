"""Signed transcripts: the chain head carries an Ed25519 signature (signed_at, key_id, signature;
empty on heads recorded before), and gateway_checkpoints keeps signed heads for observers. The key
itself lives in a file outside the database.

Revision ID: 0012_transcript_signing
Revises: 0011_safeguards
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_transcript_signing"
down_revision = "0011_safeguards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gateway_chain_heads") as batch:
        batch.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("signature", sa.String(length=88), nullable=True))
    op.create_table(
        "gateway_checkpoints",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("mission_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=88), nullable=False),
        sa.ForeignKeyConstraint(
            ["mission_id"], ["missions.id"], name=op.f("fk_gateway_checkpoints_mission_id_missions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_checkpoints")),
    )
    op.create_index("ix_gateway_checkpoints_mission_seq", "gateway_checkpoints", ["mission_id", "seq"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_gateway_checkpoints_mission_seq", table_name="gateway_checkpoints")
    op.drop_table("gateway_checkpoints")
    with op.batch_alter_table("gateway_chain_heads") as batch:
        batch.drop_column("signature")
        batch.drop_column("key_id")
        batch.drop_column("signed_at")
