"""The network's and missions' pages: one h1, a language, a label for every field (as the platform's)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests.platform.test_accessibility import FormAudit
from tests.platform_fixtures import Platform, make_client

from redhive.demo import DEMO_PASSWORD, seed_demo
from redhive.kit import utcnow
from redhive.missions.models import Mission, MissionInvitation
from redhive.network.models import Application


async def test_every_field_of_the_network_and_missions_has_a_label(platform: Platform) -> None:
    async with platform.session() as session:
        seed = await seed_demo(session)
        mission = await session.scalar(select(Mission))
        app = await session.scalar(select(Application).where(Application.status == "pending"))
        assert mission is not None and app is not None
        inv = MissionInvitation(
            mission_id=mission.id,
            user_id=seed.users["admin"].id,
            org_id=mission.org_id,
            role="lead",
            note="",
            status="pending",
            invited_by_id=None,
            created_at=utcnow(),
            expires_at=utcnow() + timedelta(days=2),
        )
        session.add(inv)
        await session.flush()
        ids = (mission.id, app.id, inv.id)
    client = await platform.login(seed.users["admin"], password=DEMO_PASSWORD)
    m, a, i = ids
    pages = [
        "/network/applications",
        f"/network/applications/{a}",
        "/network/experts",
        "/missions",
        "/missions/new",
        f"/missions/{m}",
        f"/missions/{m}/edit",
        f"/missions/{m}/cohort",
        f"/missions/{m}/coverage",
        "/mission-invitations",
        f"/mission-invitations/{i}",
    ]
    async with make_client(platform.app) as anon:
        checked = [(p, (await anon.get(p)).text) for p in ("/apply", "/network/activate/some-token")]
    checked += [(p, (await client.get(p)).text) for p in pages]
    for path, html in checked:
        audit = FormAudit()
        audit.feed(html)
        assert audit.lang == "en", path
        assert audit.h1 == 1, f"{path} has {audit.h1} h1 headings"
        unlabelled = [f for f in audit.fields if f not in audit.labels]
        assert not unlabelled, f"{path}: fields without a label: {unlabelled}"
