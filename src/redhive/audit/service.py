"""Writing and reading the audit log. Services call `record()` in the same transaction as the
change they audit, so a rolled-back change leaves no event and a committed one always has one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.models import AuditEvent
from redhive.auth.permissions import Actor, require, require_platform_admin
from redhive.db.hooks import keep_on_rollback
from redhive.kit import utcnow

__all__ = ["list_events", "record", "record_refusal"]


async def record(session: AsyncSession, actor: Actor, action: str, *, object_type: str, object_id: str,
                 org_id: str | None = None, before: dict[str, Any] | None = None,
                 after: dict[str, Any] | None = None) -> AuditEvent:
    event = AuditEvent(at=utcnow(), actor_id=actor.user_id, actor_email=actor.email or None, action=action,
                       object_type=object_type, object_id=object_id, org_id=org_id, before=before, after=after)
    session.add(event)
    await session.flush()
    return event


def record_refusal(session: AsyncSession, actor: Actor, action: str, *, object_type: str, object_id: str,
                   org_id: str | None = None, after: dict[str, Any] | None = None) -> None:
    """Audit an attempt that is about to be refused: kept even though the refusal rolls the
    transaction back (redhive.db.hooks.keep_on_rollback)."""
    keep_on_rollback(session, AuditEvent(at=utcnow(), actor_id=actor.user_id, actor_email=actor.email or None,
                                         action=action, object_type=object_type, object_id=object_id,
                                         org_id=org_id, before=None, after=after))


async def list_events(session: AsyncSession, actor: Actor, *, org_id: str | None = None,
                      object_type: str | None = None, object_id: str | None = None,
                      limit: int = 200) -> Sequence[AuditEvent]:
    """Org admins read their organisation's events; platform admins read everything."""
    if org_id is None:
        require_platform_admin(actor)
    else:
        require(actor, "audit.view", org_id)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(min(max(limit, 1), 1000))
    if org_id is not None:
        query = query.where(AuditEvent.org_id == org_id)
    if object_type is not None:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    return (await session.scalars(query)).all()
