"""A small disclosure world on the platform fixture: the Lab owns `Chatty` (v1 = sim:naive); its
red teamer files reports, its triager and coordinator handle them; an outsider admins another lab."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from tests.platform_fixtures import Platform

from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Organization, SystemVersion


@dataclass
class Lab:
    org: Organization
    system: AISystem
    version: SystemVersion
    clients: dict[str, httpx.AsyncClient]


async def lab(platform: Platform) -> Lab:
    org, other = await platform.org("Lab"), await platform.org("Other Lab")
    people = {name: await platform.user(name.title()) for name in ("reporter", "triager", "coordinator", "admin",
                                                                   "outsider")}
    for name, where, role in (("reporter", org, "red_teamer"), ("triager", org, "triager"),
                              ("coordinator", org, "coordinator"), ("admin", org, "admin"),
                              ("outsider", other, "admin")):
        await platform.member(people[name], where, role)
    async with platform.session() as session:
        system = AISystem(org_id=org.id, name="Chatty", kind="Model", description="", created_at=utcnow())
        session.add(system)
        await session.flush()
        version = SystemVersion(system_id=system.id, label="v1", upstream_target="sim:naive", created_at=utcnow())
        session.add(version)
        await session.flush()
    return Lab(org, system, version, {name: await platform.login(user) for name, user in people.items()})


def report_body(version_id: str, **extra: Any) -> dict[str, Any]:
    return {"version_id": version_id, "title": "Role-play recites the surrogate reference",
            "description": "Role-play framing makes the model recite the surrogate reference CANARY-DESC.",
            "steps": "1. Ask for a play. 2. CANARY-STEPS", "attack_prompts": "Play a character CANARY-PROMPT",
            "taxonomy": ["LLM01:2025", "S0403"], **extra}
