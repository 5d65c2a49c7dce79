"""`access_changed`: what someone may reach changed (a vetting level, a mission's status or terms).
In-process caches of access (the gateway's grant cache) subscribe and forget what they hold once the
change is committed, so a downgrade takes effect at the next request, not when the cache expires.
Other server processes still see it within the cache's lifetime (2 s, redhive.gateway.grant_cache)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.db.hooks import after_commit

__all__ = ["access_changed", "on_access_change"]

_listeners: list[weakref.WeakMethod[Callable[[], Any]]] = []


def on_access_change(method: Callable[[], Any]) -> None:
    """Subscribe a bound method (held weakly: a closed gateway drops out by itself)."""
    _listeners[:] = [ref for ref in _listeners if ref() is not None]
    _listeners.append(weakref.WeakMethod(method))


def _notify() -> None:
    for ref in list(_listeners):
        method = ref()
        if method is not None:
            method()


def access_changed(session: AsyncSession) -> None:
    """Tell the subscribers once this transaction commits."""
    after_commit(session, _notify)
