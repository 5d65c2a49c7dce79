"""The accounts-security rows of the route × role matrix (tests/platform/test_route_matrix.py merges
them): sessions, the second factor, the code step of a login. Personas as there. The matrix never turns
a persona's second factor on (its later logins are password-only), so confirmations and disabling get
the service's refusal (400 wrong code, 409 not on); tests/security covers the successful paths."""

from __future__ import annotations

from typing import Any

from redhive.auth import service as auth

ANON, RT, OB, TR, CO, AD, PA, OT = ("anonymous", "red_teamer", "observer", "triager", "coordinator", "org_admin",
                                    "platform_admin", "outsider")
PERSONAS = (ANON, RT, OB, TR, CO, AD, PA, OT)


def users(status: int, *, anonymous: int = 401) -> dict[str, int]:
    return {p: anonymous if p == ANON else status for p in PERSONAS}


def admins(status: int, *, anonymous: int = 401) -> dict[str, int]:
    return {p: anonymous if p == ANON else status if p == PA else 403 for p in PERSONAS}


async def _own_session(w: Any, persona: str) -> str:
    """Another session of the persona (the platform admin's when anonymous)."""
    async with w.platform.session() as session:
        web, _ = await auth.start_session(session, w.users[persona if persona != ANON else PA], max_age=600)
        return web.id


def _static(payload: dict[str, Any]) -> Any:
    async def factory(w: Any, persona: str) -> dict[str, Any]:
        return payload
    return factory


WRONG_CODE = _static({"code": "000000"})
PARAMS = {"session_id": _own_session}

ROUTES: dict[tuple[str, str], tuple[dict[str, int], Any]] = {
    ("GET", "/api/auth/sessions"): (users(200), None),
    ("DELETE", "/api/auth/sessions/{session_id}"): (users(204), None),
    ("POST", "/api/auth/sessions/revoke-others"): (users(200), None),
    ("POST", "/api/users/{user_id}/sessions/revoke"): (admins(200), None),
    ("GET", "/api/auth/totp"): (users(200), None),
    ("POST", "/api/auth/totp/enrolment"): (users(200), None),
    ("POST", "/api/auth/totp/confirmation"): (users(400), WRONG_CODE),
    ("POST", "/api/auth/totp/disable"): (users(409), WRONG_CODE),
    # the code step needs a login whose password was right: without one, back to the login page
    ("GET", "/login/code"): ({p: 303 for p in PERSONAS}, None),
    ("POST", "/login/code"): ({p: 401 for p in PERSONAS}, WRONG_CODE),
    ("GET", "/account/totp"): (users(200, anonymous=303), None),
    ("POST", "/account/totp"): (users(400), WRONG_CODE),
    ("POST", "/account/totp/disable"): (users(409), WRONG_CODE),
    ("POST", "/account/sessions/{session_id}/revoke"): (users(303), None),
    ("POST", "/account/sessions/revoke-others"): (users(303), None),
    ("POST", "/admin/users/{user_id}/sessions/revoke"): (admins(303), None),
}
