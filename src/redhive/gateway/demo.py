"""The gateway's part of `redhive serve --demo`: a mission key for the demo mission's first
participant, so the quick start can point an OpenAI client at `/v1` straight away.

The key is a fixed, published string (it is a demo on a laptop, like the demo password); a real
key is random, shown once and stored only as a hash.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.models import User
from redhive.gateway.models import GatewayKey
from redhive.kit import hash_token, utcnow
from redhive.missions.models import Mission, MissionParticipant

if TYPE_CHECKING:  # redhive.demo imports this module to add its seed step
    from redhive.demo import DemoSeed

__all__ = ["DEMO_KEY", "seed_gateway"]

DEMO_KEY = "rhk_demo-northwind-not-a-secret"


async def seed_gateway(session: AsyncSession, seed: DemoSeed) -> None:
    mission = await session.scalar(select(Mission).where(Mission.org_id == seed.orgs["lab"].id,
                                                         Mission.status == "active").order_by(Mission.created_at))
    if mission is None:
        return
    holder = await session.scalar(select(User).join(MissionParticipant, MissionParticipant.user_id == User.id)
                                  .where(MissionParticipant.mission_id == mission.id).order_by(User.email))
    if holder is None:
        return
    if await session.scalar(select(GatewayKey.id).where(GatewayKey.token_hash == hash_token(DEMO_KEY))) is None:
        now = utcnow()
        session.add(GatewayKey(token_hash=hash_token(DEMO_KEY), prefix=DEMO_KEY[:10], label="demo",
                               mission_id=mission.id, user_id=holder.id, issued_by_id=None, requests_per_minute=120,
                               tokens_per_day=500_000, max_concurrent=8, created_at=now,
                               expires_at=now + timedelta(days=21), revoked_at=None))
        await session.flush()
    seed.notes.append(f"Gateway: OpenAI-compatible at /v1 with the mission key {DEMO_KEY} ({holder.email}, "
                      f"mission '{mission.title}'); models: GET /v1/models.")
