"""A mission ready for the gateway, and the whole app served by uvicorn on 127.0.0.1 (so the
official openai SDK, sync and async, talks to it over real HTTP).

The world: Northwind Labs with two system versions — `chat/v1` backed by `sim:guarded` (the engine
path) and `mock/v1` backed by a local OpenAI-compatible mock (the pass-through path) — an active
mission over both with one participant who acknowledged the terms, and a second active mission the
participant is not in.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from tests.platform_fixtures import PASSWORD, platform_settings
from tests.servers import serving

from redhive.app import create_app
from redhive.auth import service as auth
from redhive.auth.permissions import Actor
from redhive.db.session import Database
from redhive.gateway import service as gateway
from redhive.gateway.schemas import KeyCreate
from redhive.kit import utcnow
from redhive.missions.models import (
    Mission,
    MissionOrganization,
    MissionParticipant,
    MissionTarget,
    MissionTerms,
    TermsAcknowledgement,
)
from redhive.orgs.models import AISystem, Membership, Organization, SystemVersion
from redhive.testing.mock_openai import MockOpenAI


@dataclass
class World:
    base_url: str  # the gateway: http://127.0.0.1:PORT/v1
    root: str  # http://127.0.0.1:PORT
    db: Database
    upstream: MockOpenAI
    upstream_url: str
    mission_id: str
    other_mission_id: str
    participant: Actor
    coordinator: Actor
    key: str  # the participant's key for the mission
    key_id: str

    async def session(self) -> AsyncSession:
        return self.db.sessions()


@pytest.fixture
def upstream() -> Iterator[tuple[MockOpenAI, str]]:
    mock = MockOpenAI(reply="Paris is the capital of France.", record=True)
    with mock.serve() as url:
        yield mock, url


async def _version(session: AsyncSession, org: Organization, name: str, target: str, base_url: str | None) -> str:
    system = AISystem(org_id=org.id, name=name, kind="Model", description="", created_at=utcnow())
    session.add(system)
    await session.flush()
    version = SystemVersion(system_id=system.id, label="v1", checkpoint_id=f"{name}-1", safeguard_version="sg-1",
                            system_prompt_hash="0" * 64, release_date=date(2026, 11, 1), upstream_target=target,
                            upstream_base_url=base_url, upstream_credential_encrypted=None, created_at=utcnow())
    session.add(version)
    await session.flush()
    return version.id


async def _mission(session: AsyncSession, org: Organization, title: str, versions: list[str],
                   participants: list[str], *, status: str = "active") -> str:
    now = utcnow()
    mission = Mission(org_id=org.id, title=title, objective="Probe the chat model.", risk_areas={"jailbreak": 1.0},
                      languages={"en": 1.0}, regions={}, disciplines={}, access_tier="T0_public",
                      hazard_ceiling="HZ1", starts_on=utcnow().date() - timedelta(days=1),
                      ends_on=utcnow().date() + timedelta(days=30), status=status, created_at=now, updated_at=now)
    session.add(mission)
    await session.flush()
    session.add(MissionOrganization(mission_id=mission.id, org_id=org.id, role="organiser", added_at=now))
    terms = MissionTerms(mission_id=mission.id, version=1, rules_of_engagement="Test through the gateway only.",
                         nda="Keep findings confidential.", digest=hashlib.sha256(b"terms").hexdigest(), created_at=now)
    session.add(terms)
    for version_id in versions:
        session.add(MissionTarget(mission_id=mission.id, version_id=version_id))
    await session.flush()
    for user_id in participants:
        session.add(MissionParticipant(mission_id=mission.id, user_id=user_id, role="red_teamer", joined_at=now))
        session.add(TermsAcknowledgement(mission_id=mission.id, terms_id=terms.id, user_id=user_id,
                                         acknowledged_at=now))
    await session.flush()
    return mission.id


async def build_world(db: Database, upstream_url: str) -> tuple[str, str, Actor, Actor]:
    async with db.sessions() as session, session.begin():
        lab = Organization(name="Northwind Labs", name_key="northwind labs", kind="developer", description="",
                           created_at=utcnow())
        session.add(lab)
        await session.flush()
        coord_user = await auth.register_user(session, email="coord@example.test", display_name="Coord",
                                              password=PASSWORD)
        session.add(Membership(user_id=coord_user.id, org_id=lab.id, role="coordinator", created_at=utcnow()))
        tester = await auth.register_user(session, email="rt@example.test", display_name="Rita Tester",
                                          password=PASSWORD)
        chat = await _version(session, lab, "chat", "sim:guarded", None)
        mock = await _version(session, lab, "mock", "openai:mock-model", upstream_url)
        mission_id = await _mission(session, lab, "Gateway sweep", [chat, mock], [tester.id])
        other_id = await _mission(session, lab, "Another sweep", [chat], [])
        await session.flush()
        return (mission_id, other_id, await auth.load_actor(session, tester, via="password"),
                await auth.load_actor(session, coord_user, via="password"))


@pytest.fixture
def gateway_settings() -> dict[str, object]:
    """Settings the served app gets; a test module overrides this fixture to change limits."""
    return {"gateway_upstream_timeout": 2.0}


@pytest.fixture
async def world(db: Database, db_url: str, tmp_path: Path, upstream: tuple[MockOpenAI, str],
                gateway_settings: dict[str, object], hazard_model: Path) -> AsyncIterator[World]:
    mock, upstream_url = upstream
    mission_id, other_id, tester, coord = await build_world(db, upstream_url)
    async with db.sessions() as session, session.begin():
        key, secret = await gateway.issue_key(session, tester, mission_id,
                                              data=KeyCreate(label="tests", requests_per_minute=1000))
    app = create_app(platform_settings(db_url, tmp_path / "home", **gateway_settings))
    with serving(app, "the gateway") as root:
        yield World(f"{root}/v1", root, db, mock, upstream_url, mission_id, other_id, tester, coord, secret, key.id)
