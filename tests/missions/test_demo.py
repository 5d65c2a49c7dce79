"""The demo's network: diverse accepted experts, a pending application with one review, an active
mission over the demo versions that both evaluators observe; seeding twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from tests.platform_fixtures import Platform

from redhive import models
from redhive.demo import seed_demo
from redhive.missions import cohort
from redhive.missions import service as missions
from redhive.network import service as network

COUNTED = (
    models.Application,
    models.ApplicationReview,
    models.ExpertProfile,
    models.Mission,
    models.MissionParticipant,
    models.TermsAcknowledgement,
)


async def test_demo_network_and_active_mission(platform: Platform) -> None:
    async with platform.session() as session:
        seed = await seed_demo(session)
    async with platform.session() as session:
        counts = [await session.scalar(select(func.count()).select_from(m)) for m in COUNTED]
        await seed_demo(session)
        assert [await session.scalar(select(func.count()).select_from(m)) for m in COUNTED] == counts
    coordinator = await platform.actor(seed.users["coordinator"])
    async with platform.session() as session:
        experts = await network.list_experts(session, coordinator)
        assert len(experts) == 6
        assert len({lang for e in experts for lang in e.profile.languages}) >= 10
        assert len({d for e in experts for d in e.profile.disciplines}) >= 8
        [pending] = await network.list_applications(session, coordinator, status="pending")
        assert len(await network.list_reviews(session, coordinator, pending.id)) == 1
    for who in ("aisi_observer", "cert_observer"):
        observer = await platform.actor(seed.users[who])
        async with platform.session() as session:
            [access] = await missions.list_missions(session, observer)
            assert access.mission.status == "active" and access.level == "observer"
            view = await cohort.coverage(session, observer, access.mission.id)
            assert len(view.participants) >= 3 and 0 < view.covered < len(view.cells)
            targets = await missions.list_targets(session, observer, access.mission.id)
            assert {label for _, _, label in targets} == {"2026.10-beta", "2026.11-rc"}
