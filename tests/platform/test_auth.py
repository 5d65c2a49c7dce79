"""Login with argon2, server-side sessions in HttpOnly SameSite=Lax cookies, CSRF on every
cookie-authenticated change, personal API tokens stored hashed, expiry and revocation."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select, update
from tests.platform_fixtures import PASSWORD, Platform, make_client

from redhive.auth.models import ApiToken, User, WebSession
from redhive.kit import utcnow
from redhive.orgs.models import Organization


async def test_login_sets_a_hardened_cookie_and_stores_only_hashes(platform: Platform) -> None:
    user = await platform.user("Grace Hopper")
    async with make_client(platform.app) as client:
        r = await client.post("/api/auth/login", json={"email": user.email.upper(), "password": PASSWORD})
        assert r.status_code == 200, r.text
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        token = client.cookies["redhive_session"]
        me = await client.get("/api/auth/me")
        assert me.json()["user"]["display_name"] == "Grace Hopper"
    async with platform.session() as session:
        stored = await session.scalar(select(User.password_hash).where(User.id == user.id))
        sessions = (await session.scalars(select(WebSession))).all()
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert len(sessions) == 1 and sessions[0].token_hash != token and token not in sessions[0].token_hash


async def test_wrong_password_and_unknown_email_get_the_same_answer(platform: Platform,
                                                                    client: httpx.AsyncClient) -> None:
    user = await platform.user()
    wrong = await client.post("/api/auth/login", json={"email": user.email, "password": "not the password"})
    unknown = await client.post("/api/auth/login", json={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "redhive_session" not in client.cookies


async def test_cookie_authenticated_change_without_csrf_token_is_refused(platform: Platform) -> None:
    admin = await platform.user(admin=True)
    client = await platform.login(admin)
    csrf = client.headers.pop("X-CSRF-Token")
    r = await client.post("/api/orgs", json={"name": "Forged", "kind": "developer"})
    assert r.status_code == 403 and "CSRF" in r.json()["error"]["message"]
    r = await client.post("/api/orgs", json={"name": "Forged", "kind": "developer"},
                          headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403
    # a form post must carry the token as a field
    r = await client.post("/logout", data={"csrf_token": "wrong"})
    assert r.status_code == 403
    async with platform.session() as session:
        assert await session.scalar(select(func.count()).select_from(Organization)) == 0
    r = await client.post("/api/orgs", json={"name": "Real", "kind": "developer"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


async def test_logout_ends_the_server_side_session(platform: Platform) -> None:
    user = await platform.user()
    client = await platform.login(user)
    token = client.cookies["redhive_session"]
    r = await client.post("/api/auth/logout")
    assert r.status_code == 204
    async with make_client(platform.app) as replay:
        replay.cookies.set("redhive_session", token)
        assert (await replay.get("/api/auth/me")).status_code == 401


async def test_expired_session_is_not_accepted(platform: Platform) -> None:
    user = await platform.user()
    client = await platform.login(user)
    async with platform.session() as session:
        await session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert (await client.get("/api/auth/me")).status_code == 401


async def test_api_tokens_are_shown_once_stored_hashed_and_revocable(platform: Platform) -> None:
    user = await platform.user()
    client = await platform.login(user)
    r = await client.post("/api/auth/tokens", json={"name": "CI", "expires_in_days": 30})
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["token"]
    assert secret.startswith("rh_") and created["prefix"] == secret[:10]
    listed = (await client.get("/api/auth/tokens")).json()
    assert listed and all("token" not in t for t in listed)
    async with platform.session() as session:
        hashes = (await session.scalars(select(ApiToken.token_hash))).all()
    assert secret not in hashes and all(secret not in h for h in hashes)

    async with make_client(platform.app) as bearer:
        bearer.headers["Authorization"] = f"Bearer {secret}"
        assert (await bearer.get("/api/auth/me")).json()["user"]["id"] == user.id
        # no CSRF token needed: a bearer token is not ambient authority
        assert (await bearer.post("/api/auth/tokens", json={"name": "second"})).status_code == 201
        assert (await client.delete(f"/api/auth/tokens/{created['id']}")).status_code == 200
        r = await bearer.get("/api/auth/me")
        assert r.status_code == 401 and "revoked" in r.json()["error"]["message"]


async def test_expired_api_token_is_refused(platform: Platform) -> None:
    user = await platform.user()
    client = await platform.login(user)
    secret = (await client.post("/api/auth/tokens", json={"name": "short"})).json()["token"]
    async with platform.session() as session:
        await session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    async with make_client(platform.app) as bearer:
        r = await bearer.get("/api/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401
