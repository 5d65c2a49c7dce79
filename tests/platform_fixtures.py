"""Fixtures of the platform (web app, clients, users, organisations), shared by every domain's tests
through `pytest_plugins` in tests/conftest.py.

    async def test_something(platform: Platform) -> None:
        admin = await platform.user(admin=True)
        lab = await platform.org("Lab", kind="developer")
        alice = await platform.user()
        await platform.member(alice, lab, "red_teamer")
        client = await platform.login(alice)          # httpx client with cookie + X-CSRF-Token
        r = await client.get(f"/api/orgs/{lab.id}")
        actor = await platform.actor(alice)           # for calling services directly
        async with platform.session() as session: ...
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.app import create_app
from redhive.auth import passwords
from redhive.auth import service as auth
from redhive.auth.models import User
from redhive.auth.permissions import Actor
from redhive.db.session import Database
from redhive.orgs.models import Membership, Organization
from redhive.settings import Settings

PASSWORD = "correct horse battery"
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with tiny parameters in tests (verification reads them from each hash)."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def platform_settings(db_url: str, home: Path, **overrides: Any) -> Settings:
    return Settings(home=home, database_url=db_url, secret_key=TEST_SECRET_KEY, env="dev", **overrides)


@pytest.fixture
async def app(db: Database, db_url: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """The web app on the test database (emptied by the `db` fixture), lifespan running."""
    application = create_app(platform_settings(db_url, tmp_path / "home"))
    async with application.router.lifespan_context(application):
        yield application


def make_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver",
                             follow_redirects=False)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An anonymous client."""
    async with make_client(app) as anonymous:
        yield anonymous


class Platform:
    """Builders for users, organisations and memberships, and logged-in clients."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.db: Database = app.state.db
        self._n = itertools.count(1)
        self._clients: list[httpx.AsyncClient] = []

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.db.session() as session:
            yield session

    async def user(self, name: str | None = None, *, email: str | None = None, admin: bool = False,
                   password: str = PASSWORD, vetting_level: str = "self_declared") -> User:
        n = next(self._n)
        name = name or f"User {n}"
        email = email or f"user{n}-{name.split()[0].lower()}@example.org"
        async with self.session() as session:
            return await auth.register_user(session, email=email, display_name=name, password=password,
                                            is_platform_admin=admin, vetting_level=vetting_level)

    async def org(self, name: str | None = None, *, kind: str = "developer") -> Organization:
        name = name or f"Org {next(self._n)}"
        async with self.session() as session:
            from redhive.kit import utcnow

            org = Organization(name=name, name_key=name.casefold(), kind=kind, description="", created_at=utcnow())
            session.add(org)
            await session.flush()
            return org

    async def member(self, user: User, org: Organization, role: str) -> Membership:
        from redhive.kit import utcnow

        async with self.session() as session:
            membership = Membership(user_id=user.id, org_id=org.id, role=role, created_at=utcnow())
            session.add(membership)
            await session.flush()
            return membership

    async def actor(self, user: User) -> Actor:
        async with self.session() as session:
            fresh = await auth.get_user(session, user.id)
            return await auth.load_actor(session, fresh, via="password")

    async def login(self, user: User, password: str = PASSWORD) -> httpx.AsyncClient:
        """A client logged in as `user` (session cookie), sending the session's CSRF token."""
        client = make_client(self.app)
        self._clients.append(client)
        response = await client.post("/api/auth/login", json={"email": user.email, "password": password})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client

    async def close(self) -> None:
        for c in self._clients:
            await c.aclose()


@pytest.fixture
async def platform(app: FastAPI) -> AsyncIterator[Platform]:
    builder = Platform(app)
    try:
        yield builder
    finally:
        await builder.close()
