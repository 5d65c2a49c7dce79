"""What a transaction leaves behind whichever way it ends, run by the transaction's owner (the request
dependency, `Database.session()`):

- `keep_on_rollback(session, row)`: a row written even when the transaction rolls back: the audit
  record of a refused attempt, a failed login, which the refusal itself must not erase;
- `after_commit(session, callback)`: a callback run once the transaction committed (and dropped if
  it rolled back): telling in-process caches that what they hold changed.

Services call these; they never commit (DESIGN §3).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

__all__ = ["after_commit", "keep_on_rollback", "settle"]

_KEEP = "redhive.keep_on_rollback"
_AFTER = "redhive.after_commit"
log = logging.getLogger("redhive.db")


def keep_on_rollback(session: AsyncSession, row: Any) -> None:
    """Add `row` to this transaction, and write a copy in a transaction of its own if this one rolls back."""
    session.add(row)
    values = {c.key: getattr(row, c.key) for c in row.__table__.columns if getattr(row, c.key) is not None}
    session.info.setdefault(_KEEP, []).append((type(row), values))


def after_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run `callback` once this transaction has committed (never if it rolls back)."""
    callbacks: list[Callable[[], None]] = session.info.setdefault(_AFTER, [])
    if callback not in callbacks:
        callbacks.append(callback)


async def settle(sessions: async_sessionmaker[AsyncSession], session: AsyncSession, *, committed: bool) -> None:
    """Called by the transaction's owner once it committed or rolled back."""
    kept = session.info.pop(_KEEP, [])
    callbacks: list[Callable[[], None]] = session.info.pop(_AFTER, [])
    if committed:
        for callback in callbacks:
            callback()
        return
    if not kept:
        return
    try:
        async with sessions() as other, other.begin():
            other.add_all([cls(**values) for cls, values in kept])
    except Exception:  # the refusal itself still reaches the caller
        log.exception("could not keep %d row(s) of a rolled-back transaction", len(kept))
