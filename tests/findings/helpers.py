"""Builders shared by the findings tests: extra versions of the world's chat system, a triager,
and a participant's exchange sent through the gateway over real HTTP and flagged."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import select
from tests.gateway.conftest import World
from tests.platform_fixtures import PASSWORD

from redhive.auth import service as auth
from redhive.auth.permissions import Actor
from redhive.engine import load_suite, parse_attacks
from redhive.gateway import service as gateway
from redhive.gateway.models import Exchange, ExchangeFlag
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Membership, SystemVersion

PACKET = {"suite": "core", "probe_id": "jb-001", "attack": "roleplay"}


def attack_prompt() -> str:
    probe = next(p for p in load_suite("core").probes if p.id == PACKET["probe_id"])
    chain = parse_attacks([PACKET["attack"]])[0]
    return chain.convert(probe.prompt)


async def chat_system(world: World) -> AISystem:
    async with world.db.sessions() as session:
        version = await session.scalar(select(SystemVersion).join(AISystem).where(AISystem.name == "chat"))
        assert version is not None
        system = await session.get(AISystem, version.system_id)
        assert system is not None
        return system


async def add_version(world: World, label: str, target: str) -> str:
    system = await chat_system(world)
    async with world.db.sessions() as session, session.begin():
        version = SystemVersion(system_id=system.id, label=label, checkpoint_id=f"chat-{label}", safeguard_version="",
                                system_prompt_hash="", release_date=None, upstream_target=target,
                                upstream_base_url=None, upstream_credential_encrypted=None, created_at=utcnow())
        session.add(version)
        await session.flush()
        return version.id


async def triager(world: World, name: str = "Tess Triager") -> Actor:
    system = await chat_system(world)
    async with world.db.sessions() as session, session.begin():
        user = await auth.register_user(session, email=f"{name.split()[0].lower()}@example.test", display_name=name,
                                        password=PASSWORD)
        session.add(Membership(user_id=user.id, org_id=system.org_id, role="triager", created_at=utcnow()))
        await session.flush()
        return await auth.load_actor(session, user, via="password")


async def flagged_exchange(world: World, content: str) -> tuple[Exchange, ExchangeFlag]:
    """The participant sends `content` through the gateway (real HTTP) and flags the exchange."""
    response = await asyncio.to_thread(
        httpx.post, f"{world.base_url}/chat/completions", timeout=10,
        headers={"Authorization": f"Bearer {world.key}"},
        json={"model": "chat/v1", "messages": [{"role": "user", "content": content}]})
    assert response.status_code == 200, response.text
    for _ in range(100):
        async with world.db.sessions() as session:
            exchange = await session.scalar(select(Exchange).where(Exchange.mission_id == world.mission_id)
                                            .order_by(Exchange.seq.desc()))
        if exchange is not None and exchange.request["messages"][0]["content"] == content:
            break
        await asyncio.sleep(0.05)
    assert exchange is not None
    async with world.db.sessions() as session, session.begin():
        flag = await gateway.flag_exchange(session, world.participant, exchange.id, note="Role-play gets it to "
                                           "recite the restricted surrogate reference.")
    return exchange, flag
