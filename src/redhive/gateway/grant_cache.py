"""Who is calling: a key's grant, resolved from the database at most once per key at a time and reused
for `GRANT_TTL` seconds (re-read in the background past half that, so under load no request waits for
the database), with revocation through this process effective at once."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from redhive.db.session import Database
from redhive.gateway import service
from redhive.gateway.service import Grant
from redhive.kit import SecretBox, hash_token

__all__ = ["GRANT_TTL", "GrantCache"]

GRANT_TTL = 2.0  # seconds a resolved key is reused; revocation in this process clears it at once


class GrantCache:
    def __init__(self, db: Database, box: SecretBox) -> None:
        self.db, self.box = db, box
        self._grants: dict[str, tuple[float, Grant]] = {}
        self._revoked: set[str] = set()  # keys revoked through this process: refused even when cached
        self._resolving: dict[str, asyncio.Task[Grant | None]] = {}
        self._generation = 0  # forget() counts up: a read begun before it is not cached

    async def get(self, token: str) -> Grant | None:
        """The key's grant, read at most 2 s ago. A grant past half its life is re-read in the
        background while it is still served, so under load no request waits for the database; and
        one read per key at a time, however many requests arrive meanwhile."""
        digest = hash_token(token)
        cached = self._grants.get(digest)
        age = time.monotonic() - cached[0] if cached is not None else GRANT_TTL
        if cached is not None and age < GRANT_TTL:
            if age >= GRANT_TTL / 2:
                self._resolve(digest, token)
            return self._checked(cached[1])
        grant = await asyncio.shield(self._resolve(digest, token))  # a caller that hangs up leaves it
        return None if grant is None else self._checked(grant)

    def _resolve(self, digest: str, token: str) -> asyncio.Task[Grant | None]:
        task = self._resolving.get(digest)
        if task is None:
            task = self._resolving[digest] = asyncio.get_running_loop().create_task(self._read(digest, token))
            task.add_done_callback(lambda done: self._resolved(digest, done))
        return task

    def _resolved(self, digest: str, task: asyncio.Task[Grant | None]) -> None:
        if self._resolving.get(digest) is task:  # not a newer read, begun after a forget()
            del self._resolving[digest]

    async def _read(self, digest: str, token: str) -> Grant | None:
        started, generation = time.monotonic(), self._generation
        async with self.db.session() as session:
            grant = await service.resolve_key(session, token, self.box)
        if grant is not None and generation == self._generation:  # not read before a forget()
            self._grants[digest] = (started, grant)
        return grant

    def _checked(self, grant: Grant) -> Grant:
        if grant.key_id in self._revoked and not grant.revoked:
            return dataclasses.replace(grant, revoked=True)
        return grant

    def revoke(self, key_id: str) -> None:
        self._revoked.add(key_id)
        self.forget()

    def forget(self) -> None:
        """After a key is revoked or a mission changes: the next call reads the database again."""
        self._generation += 1
        self._grants.clear()
        self._resolving.clear()
