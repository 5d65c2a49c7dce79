"""Replays of recorded conversations through the gateway: a mission's triage team (of its organiser)
sends a finding's conversation again, limited, checked and recorded in the mission's transcript like
any other exchange (channel "replay")."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.models import User
from redhive.auth.permissions import Actor, require
from redhive.gateway.service import Grant, _grant
from redhive.kit import SecretBox
from redhive.missions import service as missions

__all__ = ["gateway_sender", "replay_grant", "route_for"]


async def replay_grant(session: AsyncSession, actor: Actor, mission_id: str, box: SecretBox) -> Grant:
    """The replaying triager's grant on the mission (mission default limits; the mission must be active
    and the triager's vetting must meet its access tier, as for anyone using the gateway)."""
    access = await missions.get_mission(session, actor, mission_id)
    require(actor, "findings.triage", access.mission.org_id)
    user = await session.get(User, actor.user_id)
    assert user is not None
    grant = await _grant(session, access.mission, user, None, box)
    return replace(grant, revoked=False)  # not a participant, but the organiser's triage team


def route_for(grant: Grant, version_id: str) -> str | None:
    """The public model name that reaches `version_id` in this mission, if it is one of its targets."""
    return next((name for name, route in grant.routes.items() if route.version_id == version_id), None)


def gateway_sender(gateway: Any, grant: Grant, model: str) -> Any:
    """A replay Sender (redhive.findings.replay) that goes through `Gateway.chat`."""
    async def send(messages: list[dict[str, str]]) -> str | None:
        raw = json.dumps({"model": model, "messages": messages}).encode()
        response = await gateway.chat(grant, raw, channel="replay")
        try:
            body = json.loads(bytes(response.body))
        except ValueError:
            return None
        if response.status_code == 200:
            choices = body.get("choices") or [{}]
            return str(((choices[0] or {}).get("message") or {}).get("content") or "")
        if (body.get("error") or {}).get("code") == "content_blocked":
            return ""  # a safeguard stopped it: the flaw did not show
        return None

    return send
