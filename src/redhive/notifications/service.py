"""Notifications: services write them in the transaction of the change they announce (so a
rolled-back change announces nothing); people read them on /notifications and on the dashboard;
`send_pending` mails a copy after the commit when SMTP is configured (redhive.notifications.mail)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor, require_user
from redhive.kit import utcnow
from redhive.notifications.models import Notification

__all__ = ["list_for", "mark_read", "notify", "unread_count"]


async def notify(session: AsyncSession, user_ids: Iterable[str | None], *, kind: str, message: str, url: str,
                 skip: str | None = None) -> None:
    """One notification per person (once each; never to `skip`, who caused it)."""
    now = utcnow()
    for user_id in dict.fromkeys(u for u in user_ids if u and u != skip):
        session.add(Notification(user_id=user_id, kind=kind, message=message[:2000], url=url[:300], created_at=now))
    await session.flush()


async def list_for(session: AsyncSession, actor: Actor, *, limit: int = 50) -> Sequence[Notification]:
    require_user(actor)
    return (await session.scalars(select(Notification).where(Notification.user_id == actor.user_id)
                                  .order_by(Notification.created_at.desc(), Notification.id).limit(limit))).all()


async def unread_count(session: AsyncSession, actor: Actor) -> int:
    if not actor.is_authenticated:
        return 0
    return int(await session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == actor.user_id, Notification.read_at.is_(None))) or 0)


async def mark_read(session: AsyncSession, actor: Actor) -> int:
    """Mark all of the actor's notifications read; how many were unread."""
    require_user(actor)
    result = await session.execute(update(Notification).where(Notification.user_id == actor.user_id,
                                                              Notification.read_at.is_(None))
                                   .values(read_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)
