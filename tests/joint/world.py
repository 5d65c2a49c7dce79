"""A joint exercise on the platform fixture: the Lab owns `Chatty` (v1 = sim:naive) and granted it
to the AI Safety Institute, which coordinates a joint mission on it with the Lab and a second agency
(CAISI) as partners. Each agency has an admin, an observer and a red teamer; the Lab has a triager,
a coordinator and an admin; Other Lab (admin: `outsider`) owns `Rival` (v1 = sim:naive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from tests.platform_fixtures import Platform

from redhive.auth import service as auth
from redhive.kit import utcnow
from redhive.missions import service as missions
from redhive.missions.schemas import MissionCreate, MissionOrgAdd
from redhive.orgs.models import AISystem, Organization, SystemGrant, SystemVersion

PACKET = {"suite": "core", "probe_id": "jb-001", "attack": "roleplay"}
ROOT_CAUSE = "The role-play frame outranks the policy CANARY-ROOT-RED."


@dataclass
class Joint:
    platform: Platform
    orgs: dict[str, Organization]
    system: AISystem
    version: SystemVersion
    rival_version: SystemVersion
    mission_id: str
    users: dict[str, Any]
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)


async def joint(platform: Platform) -> Joint:
    orgs = {"lab": await platform.org("Lab"), "aisi": await platform.org("AISI", kind="regulator"),
            "caisi": await platform.org("CAISI", kind="regulator"), "other": await platform.org("Other Lab")}
    people = {"lab_triager": ("lab", "triager"), "lab_coordinator": ("lab", "coordinator"),
              "lab_admin": ("lab", "admin"), "outsider": ("other", "admin")}
    for agency in ("aisi", "caisi"):
        people |= {f"{agency}_{role}": (agency, role) for role in ("admin", "observer", "red_teamer")}
    users = {}
    for name, (org, role) in people.items():
        users[name] = await platform.user(name.replace("_", " ").title())
        await platform.member(users[name], orgs[org], role)
    admin = await platform.user("Platform Admin", admin=True)
    async with platform.session() as session:
        system = AISystem(org_id=orgs["lab"].id, name="Chatty", kind="Model", description="", created_at=utcnow())
        rival = AISystem(org_id=orgs["other"].id, name="Rival", kind="Model", description="", created_at=utcnow())
        session.add_all([system, rival])
        await session.flush()
        version = SystemVersion(system_id=system.id, label="v1", upstream_target="sim:naive", created_at=utcnow())
        rival_version = SystemVersion(system_id=rival.id, label="v1", upstream_target="sim:naive", created_at=utcnow())
        session.add_all([version, rival_version,
                         SystemGrant(system_id=system.id, org_id=orgs["aisi"].id, created_at=utcnow())])
        await session.flush()
        actor = await auth.load_actor(session, admin, via="password")
        mission = await missions.create_mission(session, actor, data=MissionCreate(
            org_id=orgs["aisi"].id, title="Joint pre-deployment exercise", objective="Find jailbreaks together.",
            risk_areas={"jailbreak": 1}, languages={"en": 1}, target_version_ids=[version.id],
            rules_of_engagement="Test only the targets.", nda="Keep findings to the agreement."))
        for org in ("lab", "caisi"):
            await missions.add_organization(session, actor, mission_id=mission.id,
                                            data=MissionOrgAdd(org_id=orgs[org].id, role="partner"))
        mission_id = mission.id
    w = Joint(platform, orgs, system, version, rival_version, mission_id, users)
    w.clients = {name: await platform.login(user) for name, user in users.items()}
    return w


def report_body(w: Joint, title: str, **extra: Any) -> dict[str, Any]:
    return {"version_id": w.version.id, "mission_id": w.mission_id, "title": title,
            "description": f"{title}: the model recites the surrogate reference.", "taxonomy": ["LLM01:2025"],
            "replication": PACKET, "reproducibility": {"trials": 10, "successes": 7}, **extra}


async def validated_flaw(w: Joint, reporter: str, title: str) -> tuple[str, dict[str, Any]]:
    """A report filed by `reporter` in the mission, validated by the Lab's triager: (flaw id, report)."""
    r = await w.clients[reporter].post("/api/findings/reports", json=report_body(w, title))
    assert r.status_code == 201, r.text
    report = r.json()["report"]
    for state in ("triage", "validated"):
        moved = await w.clients["lab_triager"].post(f"/api/findings/reports/{report['id']}/transitions",
                                                     json={"state": state})
        assert moved.status_code == 200, moved.text
    return str(moved.json()["flaw_id"]), report
