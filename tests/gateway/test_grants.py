"""The grant cache: one database read per key however many requests arrive at once, a refresh ahead
of expiry that nobody waits for, and revocation that the cache never hides."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tests.gateway.conftest import build_world

from redhive.db.session import Database
from redhive.gateway import grant_cache, service
from redhive.gateway.proxy import Gateway
from redhive.gateway.schemas import KeyCreate
from redhive.kit import SecretBox, hash_token


async def test_concurrent_calls_share_one_read_and_revocation_is_immediate(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    mission_id, _, tester, _ = await build_world(db, "http://127.0.0.1:9/v1")
    async with db.sessions() as session, session.begin():
        key, secret = await service.issue_key(session, tester, mission_id, data=KeyCreate(label="t"))
    reads = 0
    resolve = service.resolve_key

    async def counted(*args: Any) -> service.Grant | None:
        nonlocal reads
        reads += 1
        return await resolve(*args)

    monkeypatch.setattr(service, "resolve_key", counted)
    gateway = Gateway(db, SecretBox("x" * 48))
    try:
        grants = await asyncio.gather(*(gateway.grant_for_key(secret) for _ in range(20)))
        assert reads == 1 and all(g is not None and g.key_id == key.id for g in grants)

        digest = hash_token(secret)
        read_at, grant = gateway.grants._grants[digest]
        gateway.grants._grants[digest] = (read_at - 0.6 * grant_cache.GRANT_TTL, grant)  # past half its life
        assert await gateway.grant_for_key(secret) is not None and reads == 1  # served from the cache …
        await gateway.grants._resolving[digest]  # … and re-read behind it: wait for that read, however long it takes
        assert reads == 2

        gateway.revoke(key.id)
        refused = await gateway.grant_for_key(secret)
        assert refused is not None and refused.refusal_now() is not None
        assert refused.refusal_now()[1] == "key_revoked"  # type: ignore[index]
    finally:
        await gateway.aclose()
