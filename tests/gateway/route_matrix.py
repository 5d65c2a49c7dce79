"""The gateway's and the playground's rows of the route × role matrix (tests/platform/test_route_matrix.py
merges them). Missions come from the network's factory: the Lab's recruiting mission, observed by the
regulator, with the Lab's red teamer as its participant (who has not acknowledged the terms yet). The
participant gets the playground page (which says the mission is not active) and the gateway's own
refusal (403 mission_not_active) from its chat; every other viewer is refused as a non-participant."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.network.route_matrix import ANON, MANAGERS, OB, OT, PERSONAS, RT, TR, VIEWERS, _static, expect
from tests.network.route_matrix import _mission as network_mission

from redhive.gateway.chain import GENESIS
from redhive.gateway.models import Exchange, GatewayKey
from redhive.kit import hash_token, new_id, new_token, utcnow


async def _key(w: Any, persona: str) -> str:
    """A key of the red teamer in a fresh mission."""
    mission_id = await network_mission(w, persona)
    async with w.platform.session() as session:
        key = GatewayKey(token_hash=hash_token(new_token("rhk_")), prefix="rhk_matrix", label="", mission_id=mission_id,
                         user_id=w.users[RT].id, issued_by_id=None, requests_per_minute=60, tokens_per_day=1000,
                         max_concurrent=2, created_at=utcnow(), expires_at=utcnow() + timedelta(days=1),
                         revoked_at=None)
        session.add(key)
        await session.flush()
        return key.id


async def _exchange(w: Any, persona: str) -> str:
    """An exchange of the red teamer in a fresh mission (its hash is not checked here)."""
    mission_id = await network_mission(w, persona)
    async with w.platform.session() as session:
        exchange = Exchange(id=new_id(), mission_id=mission_id, seq=1, session_id="s" * 32, key_id=None,
                            user_id=w.users[RT].id, version_id=None, model="chat/v1", channel="api", stream=False,
                            request={"messages": []}, response=None, outcome="ok", status_code=200, error=None,
                            decisions=[], input_tokens=1, output_tokens=1, started_at=utcnow(), latency_ms=1.0,
                            prev_hash=GENESIS, hash="0" * 64)
        session.add(exchange)
        await session.flush()
        return exchange.id


async def _session_id(w: Any, persona: str) -> str:
    return "s" * 32


def _body(payload: dict[str, Any]) -> Any:
    async def factory(w: Any, persona: str) -> dict[str, Any]:
        return payload
    return factory


async def _key_for_red_teamer(w: Any, persona: str) -> dict[str, Any]:
    return {"user_id": w.users[RT].id}


def participant_only(status: int, *, anonymous: int) -> dict[str, int]:
    return {p: anonymous if p == ANON else 404 if p == OT else status if p == RT else 403 for p in PERSONAS}


PARAMS = {"key_id": _key, "exchange_id": _exchange, "session_id": _session_id}

_MISSION = "/api/missions/{mission_id}/gateway"
ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    # staff issue keys for participants; the red teamer for themself; here the terms are not yet
    # acknowledged, so the ones allowed to ask are refused with 400 (see tests/gateway for 201s)
    ("POST", f"{_MISSION}/keys"): ({**expect(MANAGERS | {RT}, 400), TR: 403, OB: 403}, _key_for_red_teamer),
    ("GET", f"{_MISSION}/keys"): (expect(VIEWERS, 200), None),
    ("POST", "/api/gateway/keys/{key_id}/revoke"): (expect(MANAGERS | {RT}, 200), None),
    ("GET", f"{_MISSION}/settings"): (expect(VIEWERS, 200), None),
    ("PUT", f"{_MISSION}/settings"): (expect(MANAGERS, 200), _body({"deny_list": ["forbidden phrase"]})),
    ("POST", "/api/gateway/exchanges/{exchange_id}/flags"): (expect(MANAGERS | {RT}, 201), _body({"note": "leak"})),
    ("GET", f"{_MISSION}/sessions/{{session_id}}"): (expect(VIEWERS, 200), None),
    ("GET", f"{_MISSION}/verify"): (expect(VIEWERS, 200), None),
    # the pages over the same calls: the red teamer's own key request is refused on the page (terms)
    ("GET", "/missions/{mission_id}/gateway"): (expect(VIEWERS, 200, anonymous=303), None),
    ("POST", "/missions/{mission_id}/gateway/keys"): ({**expect(MANAGERS | {RT}, 400), TR: 403, OB: 403},
                                                     _key_for_red_teamer),
    ("POST", "/gateway/keys/{key_id}/revoke"): (expect(MANAGERS | {RT}, 303), None),
    ("POST", "/missions/{mission_id}/gateway/settings"): (
        expect(MANAGERS, 303), _body({"deny_list": "forbidden phrase", "max_concurrent": "3"})),
    ("GET", f"{_MISSION}/checkpoints"): (expect(VIEWERS, 200), None),  # observers keep them
    ("GET", "/missions/{mission_id}/playground"): (participant_only(200, anonymous=303), None),
    ("POST", "/api/missions/{mission_id}/playground/chat"): (
        participant_only(403, anonymous=401),
        _static({"model": "chatty/v1", "messages": [{"role": "user", "content": "Hello"}]})),
}
