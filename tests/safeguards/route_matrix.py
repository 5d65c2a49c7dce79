"""The safeguards' rows of the route × role matrix (tests/platform/test_route_matrix.py merges them).
Every persona may apply for trusted access and read their own applications; only the platform
admin verifies, rejects and reviews here — the Lab's admin and coordinator hold
`safeguards.review` but are not vetted background_checked, so the queue refuses them (403) and an
escalation is hidden from them (404) like from everyone else who may not review it."""

from __future__ import annotations

from typing import Any

from tests.network.route_matrix import ANON, PA, PERSONAS, RT
from tests.network.route_matrix import _mission as network_mission

from redhive.gateway.chain import GENESIS
from redhive.gateway.models import Exchange
from redhive.kit import new_id, utcnow
from redhive.safeguards.models import TrustedAccess


def _by(allowed: dict[str, int], others: int, *, anonymous: int) -> dict[str, int]:
    return {p: anonymous if p == ANON else allowed.get(p, others) for p in PERSONAS}


async def _access(w: Any, persona: str) -> str:
    """A pending biology application of the red teamer."""
    async with w.platform.session() as session:
        access = TrustedAccess(user_id=w.users[RT].id, programme="biology", status="pending", affiliation="Lab",
                               identity_evidence="ORCID 0000-0000-0000-0000", referee="", purpose="x" * 30,
                               identity_verified=False, affiliation_verified=False, decision_note="",
                               created_at=utcnow())
        session.add(access)
        await session.flush()
        return access.id


async def _escalated(w: Any, persona: str) -> str:
    """An escalated exchange of the red teamer in a fresh mission of the Lab."""
    mission_id = await network_mission(w, persona)
    async with w.platform.session() as session:
        exchange = Exchange(id=new_id(), mission_id=mission_id, seq=1, session_id="e" * 32, key_id=None,
                            user_id=w.users[RT].id, version_id=None, model="chat/v1", channel="api", stream=False,
                            request={"messages": [{"role": "user", "content": "surrogate request"}]}, response=None,
                            outcome="escalated", status_code=400, error="held",
                            decisions=[{"check": "hazard_screen", "stage": "before", "action": "escalate",
                                        "reason": "held", "score": 0.99, "category": "biological"}],
                            input_tokens=1, output_tokens=0, started_at=utcnow(), latency_ms=1.0, prev_hash=GENESIS,
                            hash="0" * 64)
        session.add(exchange)
        await session.flush()
        return exchange.id


def _body(payload: dict[str, Any]) -> Any:
    async def factory(w: Any, persona: str) -> dict[str, Any]:
        return payload
    return factory


APPLY = {"programme": "biology", "affiliation": "Lab", "identity_evidence": "ORCID 0000-0000-0000-0001",
         "purpose": "Evaluating refusal behaviour on fictional hazard stand-ins."}
PARAMS = {"access_id": _access, "exchange_id": _escalated}
_API = "/api/safeguards"
ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    ("POST", f"{_API}/access"): (_by({}, 201, anonymous=401), _body(APPLY)),
    ("GET", f"{_API}/access"): (_by({}, 200, anonymous=401), None),
    ("GET", f"{_API}/access/{{access_id}}"): (_by({RT: 200, PA: 200}, 404, anonymous=401), None),
    ("POST", f"{_API}/access/{{access_id}}/verify"): (
        _by({PA: 200}, 403, anonymous=401), _body({"identity_verified": True, "affiliation_verified": True})),
    ("POST", f"{_API}/access/{{access_id}}/reject"): (_by({PA: 200}, 403, anonymous=401),
                                                      _body({"note": "unverified"})),
    # allowed through (the holder, the admin), then refused: a pending application cannot be revoked
    ("POST", f"{_API}/access/{{access_id}}/revoke"): (_by({RT: 409, PA: 409}, 404, anonymous=401),
                                                      _body({"note": "no longer needed"})),
    ("GET", f"{_API}/escalations"): (_by({PA: 200}, 403, anonymous=401), None),
    ("POST", f"{_API}/escalations/{{exchange_id}}/review"): (_by({PA: 201}, 404, anonymous=401),
                                                              _body({"verdict": "benign"})),
    ("GET", "/safeguards/access"): (_by({}, 200, anonymous=303), None),
    ("POST", "/safeguards/access"): (_by({}, 303, anonymous=401), _body({**APPLY, "programme": "chemistry"})),
    ("POST", "/safeguards/access/{access_id}/verify"): (
        _by({PA: 303}, 403, anonymous=401), _body({"identity_verified": "yes", "affiliation_verified": "yes"})),
    ("POST", "/safeguards/access/{access_id}/reject"): (_by({PA: 303}, 403, anonymous=401),
                                                        _body({"note": "unverified"})),
    ("GET", "/safeguards/reviews"): (_by({PA: 200}, 403, anonymous=303), None),
    ("POST", "/safeguards/reviews/{exchange_id}"): (_by({PA: 303}, 404, anonymous=401), _body({"verdict": "benign"})),
}
