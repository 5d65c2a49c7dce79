"""A small programme for service tests: a coordinator organisation running the network, a lab with
a system version, a second lab, a regulator, and their staff (real rows, real services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth import service as auth
from redhive.auth.permissions import Actor
from redhive.kit import utcnow
from redhive.network.schemas import ApplicationCreate
from redhive.orgs.models import AISystem, Membership, Organization, SystemVersion

STATEMENT = "I have red-teamed language models for three years and published two reports on prompt injection."


@dataclass
class World:
    admin: Actor
    coord: Actor  # coordinator of the network's coordinator organisation
    triager: Actor  # triager of the same organisation (a second reviewer)
    lab_coord: Actor  # coordinator of Northwind Labs
    other_coord: Actor  # coordinator of Southpaw AI (another developer)
    observer: Actor  # observer of the regulator
    network_org: Organization
    lab: Organization
    other_lab: Organization
    regulator: Organization
    version_id: str
    other_version_id: str


async def _org(session: AsyncSession, name: str, kind: str) -> Organization:
    org = Organization(name=name, name_key=name.casefold(), kind=kind, description="", created_at=utcnow())
    session.add(org)
    await session.flush()
    return org


async def _user(
    session: AsyncSession, email: str, org: Organization | None = None, role: str = "", admin: bool = False
) -> Actor:
    user = await auth.register_user(
        session,
        email=email,
        display_name=email.split("@")[0].title(),
        password="correct horse battery",
        is_platform_admin=admin,
    )
    if org is not None:
        session.add(Membership(user_id=user.id, org_id=org.id, role=role, created_at=utcnow()))
        await session.flush()
    return await auth.load_actor(session, user, via="password")


async def _version(session: AsyncSession, org: Organization, name: str) -> str:
    system = AISystem(org_id=org.id, name=name, kind="Model", description="", created_at=utcnow())
    session.add(system)
    await session.flush()
    version = SystemVersion(
        system_id=system.id,
        label="v1",
        checkpoint_id=f"{name}-ckpt-1",
        safeguard_version="sg-1",
        system_prompt_hash="0" * 64,
        release_date=date(2026, 11, 1),
        upstream_target="sim:guarded",
        upstream_base_url=None,
        upstream_credential_encrypted=None,
        created_at=utcnow(),
    )
    session.add(version)
    await session.flush()
    return version.id


async def build_world(session: AsyncSession) -> World:
    network_org = await _org(session, "Red Commons", "coordinator")
    lab = await _org(session, "Northwind Labs", "developer")
    other = await _org(session, "Southpaw AI", "developer")
    regulator = await _org(session, "AI Safety Institute", "regulator")
    return World(
        admin=await _user(session, "admin@example.org", admin=True),
        coord=await _user(session, "coord@redcommons.example", network_org, "coordinator"),
        triager=await _user(session, "triager@redcommons.example", network_org, "triager"),
        lab_coord=await _user(session, "lead@northwind.example", lab, "coordinator"),
        other_coord=await _user(session, "lead@southpaw.example", other, "coordinator"),
        observer=await _user(session, "observer@aisi.example", regulator, "observer"),
        network_org=network_org,
        lab=lab,
        other_lab=other,
        regulator=regulator,
        version_id=await _version(session, lab, "northwind-chat"),
        other_version_id=await _version(session, other, "southpaw-assist"),
    )


def application(**overrides: Any) -> ApplicationCreate:
    values: dict[str, Any] = {
        "full_name": "Amina Okafor",
        "email": "amina@example.org",
        "affiliation": "University of Lagos",
        "disciplines": ["linguistics", "security"],
        "risk_areas": ["jailbreak", "misinformation"],
        "languages": ["en", "yo", "ha"],
        "regions": ["africa_sub_saharan"],
        "sectors": ["academia"],
        "years_experience": 6,
        "links": ["https://example.org/amina"],
        "statement": STATEMENT,
        "conflicts": [],
        "hours_per_week": 10,
        "consent": True,
    }
    values.update(overrides)
    return ApplicationCreate.model_validate(values)
