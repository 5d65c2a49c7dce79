"""Gateway tables: mission-scoped keys, per-mission gateway settings, the hash-chained transcript of
exchanges (append-only), the signed chain head that anchors it, signed checkpoints, and flags on
exchanges."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from redhive.db.base import Base
from redhive.kit import new_id

OUTCOMES = ("ok", "blocked", "escalated", "upstream_error", "partial", "client_disconnected", "rejected")


class GatewayKey(Base):
    """A key one participant uses for one mission; shown once, stored as SHA-256."""

    __tablename__ = "gateway_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the key, to recognise it in lists (`rhk_Ab3…`).
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(80), default="")
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issued_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requests_per_minute: Mapped[int] = mapped_column(Integer)
    tokens_per_day: Mapped[int] = mapped_column(Integer)
    max_concurrent: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GatewaySettings(Base):
    """How a mission's gateway behaves; defaults apply to a mission without a row."""

    __tablename__ = "gateway_settings"

    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    #: Words or phrases whose appearance blocks a request or a response (the first policy check).
    deny_list: Mapped[list[str]] = mapped_column(JSON)
    #: Whether participants may send their own system prompt.
    allow_system_prompt: Mapped[bool] = mapped_column(Boolean, default=True)
    requests_per_minute: Mapped[int] = mapped_column(Integer, default=60)
    tokens_per_day: Mapped[int] = mapped_column(Integer, default=200_000)
    max_concurrent: Mapped[int] = mapped_column(Integer, default=4)


class Exchange(Base):
    """One request through the gateway and everything that came of it. Never updated or deleted:
    `seq` numbers a mission's exchanges from 1, and `hash` chains each to the one before."""

    __tablename__ = "gateway_exchanges"
    __table_args__ = (UniqueConstraint("mission_id", "seq", name="uq_gateway_exchanges_mission_seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    #: The conversation this exchange continues (same key, model and opening messages).
    session_id: Mapped[str] = mapped_column(String(32), index=True)
    key_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32), index=True)
    version_id: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))  # api | playground
    stream: Mapped[bool] = mapped_column(Boolean)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The full response (a stream reassembled), kept even when a policy check blocked it.
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(24), index=True)  # the review queue reads `escalated`
    status_code: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    #: Every policy check's decision, in order: [{"check", "stage", "action", "reason"}].
    decisions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    input_tokens: Mapped[int] = mapped_column(Integer)
    output_tokens: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latency_ms: Mapped[float] = mapped_column(Float)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The last seq and hash of a mission's chain, so that deleting the newest records shows too,
    signed with the server's transcript key (redhive.gateway.signing) so that nobody can rewrite
    the records and the head together."""

    __tablename__ = "gateway_chain_heads"

    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    #: The signature over (mission, seq, hash, signed_at, key_id); empty on heads recorded before signing.
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str | None] = mapped_column(String(16))
    signature: Mapped[str | None] = mapped_column(String(88))


class TranscriptCheckpoint(Base):
    """A signed chain head kept from time to time (REDHIVE_TRANSCRIPT_CHECKPOINT_INTERVAL): what
    observers fetch and keep, and what `verify` holds the records to. Never updated or deleted."""

    __tablename__ = "gateway_checkpoints"
    __table_args__ = (Index("ix_gateway_checkpoints_mission_seq", "mission_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(88))


class ExchangeFlag(Base):
    """A participant marked an exchange for a finding; the finding will cite `exchange_id`."""

    __tablename__ = "gateway_exchange_flags"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    exchange_id: Mapped[str] = mapped_column(ForeignKey("gateway_exchanges.id", ondelete="CASCADE"), index=True)
    mission_id: Mapped[str] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
