"""Route × role authorisation matrix: every route of the app (from app.routes) is called by each
persona and must answer exactly what the table below expects. A route without an entry fails the
test — when you add a route, add its row here (and a factory for any new path parameter).

Personas: anonymous; red_teamer, triager, coordinator, org_admin (members of the Lab that owns the
system); observer (of the regulator AISI, to which the Lab's system is granted); outsider (admin of
another organisation); platform_admin.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from tests.platform_fixtures import PASSWORD, Platform, make_client

from redhive.auth import service as auth
from redhive.auth.models import User
from redhive.auth.schemas import ApiTokenCreate, InvitationCreate
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Organization, SystemGrant, SystemVersion
from redhive.web.inventory import app_routes

ANON, RT, OB, TR, CO, AD, PA, OT = ("anonymous", "red_teamer", "observer", "triager", "coordinator", "org_admin",
                                    "platform_admin", "outsider")
PERSONAS = (ANON, RT, OB, TR, CO, AD, PA, OT)
LAB_MEMBERS = {RT, TR, CO, AD}
SYSTEM_VIEWERS = {RT, TR, CO, AD, PA, OB}
ANON_CSRF = "anonymous-csrf-token-for-the-matrix"


@dataclass
class World:
    platform: Platform
    lab: Organization
    system: AISystem
    version: SystemVersion
    users: dict[str, User]
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)  # persona -> (cookie, csrf)
    n: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def unique(self, stem: str) -> str:
        return f"{stem}-{next(self.n)}"


Factory = Callable[[World, str], Awaitable[Any]]


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    body: Factory | None = None  # JSON body (API) or form fields (pages)
    fresh_session: bool = False  # the request ends the session (logout): use a new one


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def users(status: int, *, anonymous: int = 401) -> dict[str, int]:
    return {**everyone(status), ANON: anonymous}


def only(allowed: set[str], status: int, *, anonymous: int = 401) -> dict[str, int]:
    return {p: (anonymous if p == ANON else status if p in allowed else 403) for p in PERSONAS}


# --- path parameters: a fresh object per request where the request may change or delete it -------

async def _throwaway_member(w: World, persona: str) -> str:
    user = await w.platform.user(w.unique("Throwaway"))
    return (await w.platform.member(user, w.lab, "red_teamer")).id


async def _grant(w: World, persona: str) -> str:
    other = await w.platform.org(w.unique("Grantee"), kind="regulator")
    async with w.platform.session() as session:
        grant = SystemGrant(system_id=w.system.id, org_id=other.id, granted_by_id=None, created_at=utcnow())
        session.add(grant)
        await session.flush()
        return grant.id


async def _own_token(w: World, persona: str) -> str:
    owner = w.users[persona if persona != ANON else PA]
    async with w.platform.session() as session:
        actor = await auth.load_actor(session, owner, via="password")
        row, _ = await auth.create_api_token(session, actor, data=ApiTokenCreate(name=w.unique("t")))
        return row.id


async def _user(w: World, persona: str) -> str:
    return (await w.platform.user(w.unique("Vetted"))).id




PARAMS: dict[str, Factory] = {
    "membership_id": _throwaway_member,
    "grant_id": _grant,
    "token_id": _own_token,
    "user_id": _user,
}
FIXED = {"org_id": "lab", "system_id": "system", "version_id": "version"}


# --- bodies ---------------------------------------------------------------------------------------

async def _invitation_token(w: World) -> str:
    async with w.platform.session() as session:
        admin = await auth.load_actor(session, w.users[PA], via="password")
        _, token = await auth.create_invitation(
            session, admin, data=InvitationCreate(email=f"{w.unique('invitee')}@example.org"))
        return token


def body(**fields: Any) -> Factory:
    """A body whose `{u}` placeholders become unique values, so allowed requests never clash."""
    async def factory(w: World, persona: str) -> dict[str, Any]:
        u = w.unique("x")
        return {k: (v.format(u=u, lab=w.lab.id) if isinstance(v, str) else v) for k, v in fields.items()}
    return factory


async def _login_body(w: World, persona: str) -> dict[str, str]:
    return {"email": w.users[RT].email, "password": PASSWORD}


async def _signup_body(w: World, persona: str) -> dict[str, str]:
    return {"token": await _invitation_token(w), "display_name": "New Person", "password": "a long passphrase"}


async def _new_member_body(w: World, persona: str) -> dict[str, str]:
    return {"email": (await w.platform.user(w.unique("Joiner"))).email, "role": "observer"}


async def _grant_body(w: World, persona: str) -> dict[str, str]:
    return {"org_id": (await w.platform.org(w.unique("Regulator"), kind="regulator")).id}


EXPECTATIONS: dict[tuple[str, str], Case] = {
    # documentation and the shell
    ("GET", "/api/openapi.json"): Case(everyone(200)),
    ("GET", "/api/docs"): Case(everyone(200)),
    ("GET", "/"): Case(everyone(303)),
    ("GET", "/dashboard"): Case(users(200, anonymous=303)),
    # accounts, API
    ("POST", "/api/auth/login"): Case(everyone(200), _login_body),
    ("POST", "/api/auth/logout"): Case(everyone(204), fresh_session=True),
    ("GET", "/api/auth/me"): Case(users(200)),
    ("POST", "/api/auth/signup"): Case(everyone(201), _signup_body),
    ("GET", "/api/auth/tokens"): Case(users(200)),
    ("POST", "/api/auth/tokens"): Case(users(201), body(name="t{u}")),
    ("DELETE", "/api/auth/tokens/{token_id}"): Case(users(200)),
    ("POST", "/api/invitations"): Case(only({AD, PA}, 201),
                                       body(email="i{u}@example.org", org_id="{lab}", role="red_teamer")),
    ("GET", "/api/users"): Case(only({PA}, 200)),
    ("POST", "/api/users"): Case(only({PA}, 201), body(email="u{u}@example.org", display_name="U",
                                                      password="a long passphrase")),
    ("PUT", "/api/users/{user_id}/vetting"): Case(only({PA}, 200), body(vetting_level="id_verified")),
    # accounts, pages
    ("GET", "/login"): Case({**everyone(303), ANON: 200}),
    ("POST", "/login"): Case(everyone(303), _login_body),
    ("POST", "/logout"): Case(everyone(303), fresh_session=True),
    ("GET", "/signup"): Case(everyone(200)),
    ("POST", "/signup"): Case(everyone(303), _signup_body),
    ("GET", "/account"): Case(users(200, anonymous=303)),
    ("POST", "/account/tokens"): Case(users(200), body(name="t{u}")),
    ("POST", "/account/tokens/{token_id}/revoke"): Case(users(303)),
    ("GET", "/admin/users"): Case(only({PA}, 200, anonymous=303)),
    ("POST", "/admin/users/{user_id}/vetting"): Case(only({PA}, 303), body(vetting_level="id_verified")),
    ("POST", "/admin/invitations"): Case(only({PA}, 200), body(email="i{u}@example.org")),
    # organisations and members, API
    ("GET", "/api/orgs"): Case(users(200)),
    ("POST", "/api/orgs"): Case(only({PA}, 201), body(name="Org {u}", kind="deployer")),
    ("GET", "/api/orgs/{org_id}"): Case(only(LAB_MEMBERS | {PA}, 200)),
    ("GET", "/api/orgs/{org_id}/members"): Case(only({TR, CO, AD, PA}, 200)),
    ("POST", "/api/orgs/{org_id}/members"): Case(only({AD, PA}, 201), _new_member_body),
    ("PATCH", "/api/memberships/{membership_id}"): Case(only({AD, PA}, 200), body(role="triager")),
    ("DELETE", "/api/memberships/{membership_id}"): Case(only({AD, PA}, 204)),
    ("GET", "/api/orgs/{org_id}/audit"): Case(only({AD, PA}, 200)),
    # organisations and members, pages
    ("GET", "/orgs"): Case(users(200, anonymous=303)),
    ("GET", "/orgs/new"): Case(only({PA}, 200, anonymous=303)),
    ("POST", "/orgs/new"): Case(only({PA}, 303), body(name="Org {u}", kind="deployer")),
    ("GET", "/orgs/{org_id}"): Case(only(LAB_MEMBERS | {PA}, 200, anonymous=303)),
    ("POST", "/orgs/{org_id}/members"): Case(only({AD, PA}, 303), _new_member_body),
    ("POST", "/orgs/{org_id}/invitations"): Case(only({AD, PA}, 200),
                                                 body(invite_email="i{u}@example.org", invite_role="triager")),
    ("POST", "/memberships/{membership_id}/role"): Case(only({AD, PA}, 303), body(role="triager")),
    ("POST", "/memberships/{membership_id}/remove"): Case(only({AD, PA}, 303)),
    # AI systems, versions, grants, API
    ("GET", "/api/systems"): Case(users(200)),
    ("POST", "/api/orgs/{org_id}/systems"): Case(only({CO, AD, PA}, 201), body(name="System {u}")),
    ("GET", "/api/systems/{system_id}"): Case(only(SYSTEM_VIEWERS, 200)),
    ("GET", "/api/systems/{system_id}/versions"): Case(only(SYSTEM_VIEWERS, 200)),
    ("POST", "/api/systems/{system_id}/versions"): Case(only({CO, AD, PA}, 201),
                                                        body(label="v{u}", upstream_target="sim:naive")),
    ("GET", "/api/versions/{version_id}"): Case(only(SYSTEM_VIEWERS, 200)),
    ("GET", "/api/systems/{system_id}/grants"): Case(only({CO, AD, PA}, 200)),
    ("POST", "/api/systems/{system_id}/grants"): Case(only({AD, PA}, 201), _grant_body),
    ("DELETE", "/api/grants/{grant_id}"): Case(only({AD, PA}, 204)),
    # AI systems, pages
    ("GET", "/systems"): Case(users(200, anonymous=303)),
    ("GET", "/orgs/{org_id}/systems/new"): Case(only({CO, AD, PA}, 200, anonymous=303)),
    ("POST", "/orgs/{org_id}/systems/new"): Case(only({CO, AD, PA}, 303), body(name="System {u}", kind="Model")),
    ("GET", "/systems/{system_id}"): Case(only(SYSTEM_VIEWERS, 200, anonymous=303)),
    ("GET", "/systems/{system_id}/versions/new"): Case(only({CO, AD, PA}, 200, anonymous=303)),
    ("POST", "/systems/{system_id}/versions/new"): Case(only({CO, AD, PA}, 303),
                                                        body(label="v{u}", upstream_target="sim:naive")),
    ("POST", "/systems/{system_id}/grants"): Case(only({AD, PA}, 303), _grant_body),
    ("POST", "/grants/{grant_id}/revoke"): Case(only({AD, PA}, 303)),
}


async def build_world(platform: Platform) -> World:
    lab = await platform.org("Lab", kind="developer")
    aisi = await platform.org("AISI", kind="regulator")
    other = await platform.org("Other Lab", kind="developer")
    users_by_persona = {PA: await platform.user("Platform Admin", admin=True)}
    for persona, org, role in ((RT, lab, "red_teamer"), (TR, lab, "triager"), (CO, lab, "coordinator"),
                               (AD, lab, "admin"), (OB, aisi, "observer"), (OT, other, "admin")):
        users_by_persona[persona] = await platform.user(persona.replace("_", " ").title())
        await platform.member(users_by_persona[persona], org, role)
    async with platform.session() as session:
        system = AISystem(org_id=lab.id, name="Chatty", kind="Model", description="", created_at=utcnow())
        session.add(system)
        await session.flush()
        version = SystemVersion(system_id=system.id, label="v1", upstream_target="sim:guarded",
                                upstream_credential_encrypted=platform.app.state.secret_box.encrypt("sk-m"),
                                created_at=utcnow())
        session.add_all([version, SystemGrant(system_id=system.id, org_id=aisi.id, created_at=utcnow())])
        await session.flush()
    return World(platform=platform, lab=lab, system=system, version=version, users=users_by_persona)


async def _session_of(w: World, persona: str, *, fresh: bool) -> tuple[str, str] | None:
    if persona == ANON:
        return None
    if fresh or persona not in w.sessions:
        async with make_client(w.platform.app) as c:
            r = await c.post("/api/auth/login", json={"email": w.users[persona].email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            found = (c.cookies["redhive_session"], r.json()["csrf_token"])
        if fresh:
            return found
        w.sessions[persona] = found
    return w.sessions[persona]


async def call(w: World, persona: str, method: str, path: str, case: Case) -> httpx.Response:
    params: dict[str, str] = {}
    for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        if name in PARAMS:
            params[name] = await PARAMS[name](w, persona)
        else:
            assert name in FIXED, f"no factory for the path parameter {{{name}}}: add one to PARAMS"
            params[name] = str(getattr(w, FIXED[name]).id)
    url = path.format(**params)
    payload = await case.body(w, persona) if case.body else None
    session = await _session_of(w, persona, fresh=case.fresh_session)
    csrf = session[1] if session else ANON_CSRF
    async with make_client(w.platform.app) as client:
        if session:
            client.cookies.set("redhive_session", session[0])
        else:
            client.cookies.set("redhive_csrf", ANON_CSRF)
        if path.startswith("/api"):
            headers = {"X-CSRF-Token": csrf} if session else {}
            return await client.request(method, url, json=payload, headers=headers)
        form = {**(payload or {}), "csrf_token": csrf} if method == "POST" else None
        return await client.request(method, url, data=form)


def test_every_route_has_an_expectation(app: Any) -> None:
    routes = set(app_routes(app))
    missing = sorted(routes - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - routes)
    assert not missing, f"routes without an authorisation expectation (add them to EXPECTATIONS): {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


async def test_route_role_matrix(platform: Platform) -> None:
    world = await build_world(platform)
    failures: list[str] = []
    for (method, path), case in sorted(EXPECTATIONS.items(), key=lambda item: (item[0][1], item[0][0])):
        for persona in PERSONAS:
            response = await call(world, persona, method, path, case)
            if response.status_code != case.expect[persona]:
                failures.append(f"{method} {path} as {persona}: expected {case.expect[persona]}, got "
                                f"{response.status_code} {response.text[:160]!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", [ANON, RT, OT])
async def test_denials_are_one_sentence_in_the_error_shape(platform: Platform, persona: str) -> None:
    world = await build_world(platform)
    path = "/api/orgs/{org_id}/members"
    r = await call(world, persona, "GET", path, EXPECTATIONS[("GET", path)])
    error = r.json()["error"]
    assert error["type"] == ("NotAuthenticated" if persona == ANON else "PermissionDenied")
    assert error["message"].endswith(".") and "Traceback" not in r.text


# the network's and missions' rows live with their tests (one line here eases merges)
from tests.network.route_matrix import PARAMS as _NM_PARAMS  # noqa: E402
from tests.network.route_matrix import ROUTES as _NM_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _NM_ROUTES.items()})
PARAMS.update(_NM_PARAMS)
from tests.gateway.route_matrix import PARAMS as _GW_PARAMS  # noqa: E402
from tests.gateway.route_matrix import ROUTES as _GW_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _GW_ROUTES.items()})
PARAMS.update(_GW_PARAMS)
from tests.findings.route_matrix import PARAMS as _FI_PARAMS  # noqa: E402
from tests.findings.route_matrix import ROUTES as _FI_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _FI_ROUTES.items()})
PARAMS.update(_FI_PARAMS)
from tests.security.route_matrix import PARAMS as _SE_PARAMS  # noqa: E402
from tests.security.route_matrix import ROUTES as _SE_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _SE_ROUTES.items()})
PARAMS.update(_SE_PARAMS)

from tests.safeguards.route_matrix import PARAMS as _SG_PARAMS  # noqa: E402
from tests.safeguards.route_matrix import ROUTES as _SG_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _SG_ROUTES.items()})
PARAMS.update(_SG_PARAMS)

from tests.jobs.route_matrix import PARAMS as _JB_PARAMS  # noqa: E402
from tests.jobs.route_matrix import ROUTES as _JB_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _JB_ROUTES.items()})
PARAMS.update(_JB_PARAMS)

from tests.joint.route_matrix import PARAMS as _JO_PARAMS  # noqa: E402
from tests.joint.route_matrix import ROUTES as _JO_ROUTES  # noqa: E402

EXPECTATIONS.update({route: Case(expected, factory) for route, (expected, factory) in _JO_ROUTES.items()})
PARAMS.update(_JO_PARAMS)
