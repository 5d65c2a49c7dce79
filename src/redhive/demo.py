"""The demo programme `redhive serve --demo` seeds: a lab with an AI system in three versions backed by
the simulated targets, two government evaluators that observe it, a coordinator, independent
experts and a platform admin. Idempotent: running it again changes nothing.

Other domains extend it by appending a step to `SEED_STEPS`; each step receives the session and the
`DemoSeed` built so far (e.g. the network adds the active mission on `seed.versions`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth import service as auth
from redhive.auth.models import User
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Membership, Organization, SystemGrant, SystemVersion

__all__ = ["DEMO_PASSWORD", "SEED_STEPS", "DemoLogin", "DemoSeed", "seed_demo"]

#: Every demo account's password; the demo is for a laptop, never for production.
DEMO_PASSWORD = "redhive-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    who: str


@dataclass
class DemoSeed:
    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    systems: dict[str, AISystem] = field(default_factory=dict)
    versions: dict[str, SystemVersion] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    #: Lines `serve --demo` prints after the logins (e.g. the gateway's demo key).
    notes: list[str] = field(default_factory=list)


SeedStep = Callable[[AsyncSession, DemoSeed], Awaitable[None]]

ORGS = {
    "lab": ("Northwind AI", "developer", "A frontier lab preparing a new assistant for release."),
    "aisi": ("National AI Safety Institute", "regulator", "Government evaluator: pre-deployment testing."),
    "cert": ("AI Incident Response Agency", "regulator", "Government evaluator: incidents and disclosure."),
    "network": ("redhive Expert Network", "coordinator", "Runs the network of independent experts."),
}
#: key -> (email, name, vetting level, platform admin, [(org key, role)], who, shown in the login list)
USERS: dict[str, tuple[str, str, str, bool, list[tuple[str, str]], str]] = {
    "admin": ("admin@demo.redhive.test", "Pat Admin", "gov_cleared", True, [], "platform admin"),
    "lab_admin": ("lena@northwind.demo", "Lena Park", "id_verified", False, [("lab", "admin")],
                  "Northwind AI admin"),
    "coordinator": ("cora@network.demo", "Cora Mensah", "background_checked", False,
                    [("network", "admin"), ("lab", "coordinator")], "coordinator (network + lab)"),
    "triager": ("tomas@northwind.demo", "Tomás Silva", "id_verified", False, [("lab", "triager")], "lab triager"),
    "aisi_observer": ("omar@aisi.demo", "Omar Haddad", "gov_cleared", False, [("aisi", "observer")],
                      "AI Safety Institute observer"),
    "cert_observer": ("ines@cert.demo", "Inès Laurent", "gov_cleared", False, [("cert", "observer")],
                      "Incident Response Agency observer"),
    "expert_security": ("amara@experts.demo", "Amara Okafor", "background_checked", False,
                        [("lab", "red_teamer")], "independent expert (security)"),
    "expert_ethics": ("kenji@experts.demo", "Kenji Watanabe", "id_verified", False, [("lab", "red_teamer")],
                      "independent expert (ethics, Japanese)"),
    "expert_law": ("sofia@experts.demo", "Sofía Martínez", "self_declared", False, [],
                   "independent expert (law, Spanish)"),
    "expert_society": ("lukas@experts.demo", "Lukas Becker", "self_declared", False, [],
                       "independent expert (societal impact)"),
}
SYSTEM = ("Northwind Assistant", "System", "Chat assistant with a system prompt and a safety filter.")
#: key -> (label, target, safeguard version, checkpoint, release date)
VERSIONS = {
    "naive": ("2026.09-alpha", "sim:naive", "none", "nw-assist-0.9", date(2026, 9, 15)),
    "guarded": ("2026.10-beta", "sim:guarded", "keyword-filter-1.2", "nw-assist-1.0-rc1", date(2026, 10, 20)),
    "hardened": ("2026.11-rc", "sim:hardened", "layered-guard-2.0", "nw-assist-1.0-rc2", date(2026, 11, 25)),
}


async def _org(session: AsyncSession, key: str) -> Organization:
    name, kind, description = ORGS[key]
    org = await session.scalar(select(Organization).where(Organization.name_key == name.casefold()))
    if org is None:
        org = Organization(name=name, name_key=name.casefold(), kind=kind, description=description,
                           created_at=utcnow())
        session.add(org)
        await session.flush()
    return org


async def _user(session: AsyncSession, seed: DemoSeed, key: str) -> User:
    email, name, vetting, is_admin, memberships, _who = USERS[key]
    user = await session.scalar(select(User).where(User.email == email))
    if user is None:
        user = await auth.register_user(session, email=email, display_name=name, password=DEMO_PASSWORD,
                                        is_platform_admin=is_admin, vetting_level=vetting)
    for org_key, role in memberships:
        org = seed.orgs[org_key]
        exists = await session.scalar(select(Membership.id).where(Membership.user_id == user.id,
                                                                  Membership.org_id == org.id))
        if exists is None:
            session.add(Membership(user_id=user.id, org_id=org.id, role=role, created_at=utcnow()))
    await session.flush()
    return user


async def _platform(session: AsyncSession, seed: DemoSeed) -> None:
    for key in ORGS:
        seed.orgs[key] = await _org(session, key)
    for key, (email, *_rest, who) in USERS.items():
        seed.users[key] = await _user(session, seed, key)
        seed.logins.append(DemoLogin(email=email, who=who))
    lab = seed.orgs["lab"]
    name, kind, description = SYSTEM
    system = await session.scalar(select(AISystem).where(AISystem.org_id == lab.id, AISystem.name == name))
    if system is None:
        system = AISystem(org_id=lab.id, name=name, kind=kind, description=description, created_at=utcnow())
        session.add(system)
        await session.flush()
    seed.systems["assistant"] = system
    for key, (label, target, safeguard, checkpoint, released) in VERSIONS.items():
        version = await session.scalar(select(SystemVersion).where(SystemVersion.system_id == system.id,
                                                                   SystemVersion.label == label))
        if version is None:
            version = SystemVersion(system_id=system.id, label=label, checkpoint_id=checkpoint,
                                    safeguard_version=safeguard, system_prompt_hash=f"sha256:demo-{key}",
                                    release_date=released, upstream_target=target, upstream_base_url=None,
                                    upstream_credential_encrypted=None, created_at=utcnow())
            session.add(version)
            await session.flush()
        seed.versions[key] = version
    for regulator in ("aisi", "cert"):
        org_id = seed.orgs[regulator].id
        granted = await session.scalar(select(SystemGrant.id).where(SystemGrant.system_id == system.id,
                                                                    SystemGrant.org_id == org_id))
        if granted is None:
            session.add(SystemGrant(system_id=system.id, org_id=org_id, granted_by_id=seed.users["lab_admin"].id,
                                    created_at=utcnow()))
    await session.flush()


#: The seed, step by step; append yours (after the platform's) to extend the demo.
SEED_STEPS: list[SeedStep] = [_platform]


async def seed_demo(session: AsyncSession) -> DemoSeed:
    """Create (or find) the demo programme; never commits (the caller's scope does)."""
    seed = DemoSeed()
    for step in SEED_STEPS:
        await step(session, seed)
    return seed


# the network and missions (accepted experts, a pending application, an active mission)
from redhive.missions.demo import seed_network_and_mission  # noqa: E402

SEED_STEPS.append(seed_network_and_mission)

# the gateway (a mission key for the demo mission's first participant)
from redhive.gateway.demo import seed_gateway  # noqa: E402

SEED_STEPS.append(seed_gateway)

# findings (exchanges, reports in every state, flaws through their lifecycle)
from redhive.findings.demo import seed_findings  # noqa: E402

SEED_STEPS.append(seed_findings)
