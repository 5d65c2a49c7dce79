"""Accounts: the second factor (API and pages), recovery codes, replayed codes, the admin requirement,
sessions listed and revoked, and the per-address throttle."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pyotp
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from tests.platform_fixtures import PASSWORD, Platform, make_client, platform_settings

from redhive.app import create_app
from redhive.audit.models import AuditEvent
from redhive.auth.models import RecoveryCode, User
from redhive.db.session import Database


async def _enrol(client: httpx.AsyncClient) -> tuple[pyotp.TOTP, list[str]]:
    enrolment = (await client.post("/api/auth/totp/enrolment")).json()
    assert enrolment["otpauth_uri"].startswith("otpauth://totp/redhive:")
    assert enrolment["secret"] in enrolment["otpauth_uri"]
    totp = pyotp.TOTP(enrolment["secret"])
    r = await client.post("/api/auth/totp/confirmation", json={"code": totp.now()})
    assert r.status_code == 200, r.text
    return totp, r.json()["recovery_codes"]


def _next(totp: pyotp.TOTP) -> str:
    import time

    return totp.at(time.time() + 30)


async def test_a_second_factor_is_asked_once_on_and_never_accepted_twice(platform: Platform) -> None:
    user = await platform.user("Tess Totp")
    client = await platform.login(user)
    totp, recovery = await _enrol(client)
    assert len(recovery) == 10
    async with platform.session() as session:
        hashes = (await session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))).all()
        stored = await session.get(User, user.id)
    assert len(hashes) == 10 and not set(recovery) & set(hashes)  # stored hashed
    assert stored is not None and stored.totp_secret_encrypted and totp.secret not in stored.totp_secret_encrypted
    status = (await client.get("/api/auth/totp")).json()
    assert status["enabled"] and status["recovery_codes_left"] == 10 and status["enabled_at"].endswith("Z")

    async def login(**extra: str) -> httpx.Response:
        async with make_client(platform.app) as fresh:  # no cookie yet: a login is an anonymous call
            return await fresh.post("/api/auth/login", json={"email": user.email, "password": PASSWORD, **extra})

    r = await login()
    assert r.status_code == 401 and "second factor" in r.json()["error"]["message"]
    r = await login(code="123 456")
    assert r.status_code == 401 and "code is wrong" in r.json()["error"]["message"]
    code = _next(totp)  # the next step's code still counts (clock drift) ...
    assert (await login(code=code)).status_code == 200
    assert (await login(code=code)).status_code == 401  # ... but never twice
    assert (await login(code=recovery[0].upper())).status_code == 200
    assert (await login(code=recovery[0])).status_code == 401  # a recovery code works once
    assert (await client.get("/api/auth/totp")).json()["recovery_codes_left"] == 9
    assert (await client.post("/api/auth/totp/disable", json={"code": "000000"})).status_code == 400
    assert (await client.post("/api/auth/totp/disable", json={"code": recovery[1]})).status_code == 204
    assert (await login()).status_code == 200
    async with platform.session() as session:
        actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == user.id))).all()
    assert "auth.totp_enabled" in actions and "auth.totp_disabled" in actions


async def test_wrong_codes_count_against_the_account(platform: Platform) -> None:
    user = await platform.user("Guessed")
    client = await platform.login(user)
    await _enrol(client)
    async with make_client(platform.app) as attacker:
        statuses = [(await attacker.post("/api/auth/login", json={"email": user.email, "password": PASSWORD,
                                                                  "code": f"{n:06d}"})).status_code
                    for n in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


@pytest.fixture
async def strict_app(db: Database, db_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """The app as in production: platform admins need a second factor."""
    application = create_app(platform_settings(db_url, tmp_path / "strict", admin_second_factor=True))
    async with application.router.lifespan_context(application):
        yield application


async def test_platform_admins_act_as_admins_only_with_a_second_factor(strict_app: FastAPI) -> None:
    platform = Platform(strict_app)
    try:
        admin = await platform.user("Root", admin=True)
        client = await platform.login(admin)
        r = await client.get("/api/users")
        assert r.status_code == 403 and "second factor" in r.json()["error"]["message"]
        async with make_client(strict_app) as browser:
            browser.cookies.set("redhive_csrf", "c" * 20)
            page = await browser.post("/login", data={"email": admin.email, "password": PASSWORD,
                                                      "csrf_token": "c" * 20})
        assert page.status_code == 303 and page.headers["location"] == "/account/totp"
        await _enrol(client)
        assert (await client.get("/api/users")).status_code == 200
    finally:
        await platform.close()


async def test_sessions_are_listed_and_revoked_one_all_or_by_an_admin(platform: Platform) -> None:
    user = await platform.user("Many Browsers")
    laptop, phone, tablet = [await platform.login(user) for _ in range(3)]
    listed = (await laptop.get("/api/auth/sessions")).json()
    assert len(listed) == 3 and sum(s["current"] for s in listed) == 1
    assert all(s["created_at"].endswith("Z") and s["client_address"] for s in listed)
    phone_id = next(s["id"] for s in (await phone.get("/api/auth/sessions")).json() if s["current"])
    assert (await laptop.delete(f"/api/auth/sessions/{phone_id}")).status_code == 204
    assert (await phone.get("/api/auth/me")).status_code == 401  # at once
    # somebody else's session reads like one that does not exist
    other = await platform.login(await platform.user("Other"))
    tablet_id = next(s["id"] for s in (await tablet.get("/api/auth/sessions")).json() if s["current"])
    refused = await other.delete(f"/api/auth/sessions/{tablet_id}")
    absent = await other.delete(f"/api/auth/sessions/{'0' * 32}")
    assert refused.status_code == absent.status_code == 404
    assert (await tablet.get("/api/auth/me")).status_code == 200
    assert (await laptop.post("/api/auth/sessions/revoke-others")).json() == {"revoked": 1}
    assert (await tablet.get("/api/auth/me")).status_code == 401
    assert (await laptop.get("/api/auth/me")).status_code == 200
    admin = await platform.login(await platform.user("Admin", admin=True))
    assert (await admin.post(f"/api/users/{user.id}/sessions/revoke")).json() == {"revoked": 1}
    assert (await laptop.get("/api/auth/me")).status_code == 401
    assert (await other.post(f"/api/users/{user.id}/sessions/revoke")).status_code == 403


async def test_many_accounts_from_one_address_are_throttled_together(platform: Platform) -> None:
    async with make_client(platform.app) as sprayer:
        statuses = [(await sprayer.post("/api/auth/login", json={"email": f"guess{n}@example.org",
                                                                 "password": "Summer2026!!"})).status_code
                    for n in range(51)]
        assert statuses[:50] == [401] * 50 and statuses[50] == 429
    async with platform.session() as session:  # an unknown e-mail and a known one are throttled alike
        assert await session.scalar(select(User.id).where(User.email == "guess1@example.org")) is None


async def test_the_login_page_answers_429_with_retry_after(platform: Platform, client: httpx.AsyncClient) -> None:
    user = await platform.user("Paged")
    client.cookies.set("redhive_csrf", "c" * 20)
    for _ in range(10):
        await client.post("/login", data={"email": user.email, "password": "wrong one", "csrf_token": "c" * 20})
    r = await client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "c" * 20})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0 and "Too many failed logins" in r.text
