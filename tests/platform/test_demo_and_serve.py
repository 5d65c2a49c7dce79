"""`redhive serve --demo`: the seeded programme (idempotent) and a real server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.helpers import redhive
from tests.platform_fixtures import Platform
from tests.servers import running_server

from redhive import models
from redhive.demo import DEMO_PASSWORD, seed_demo
from redhive.orgs import service as orgs

COUNTED = (models.User, models.Organization, models.Membership, models.AISystem, models.SystemVersion,
           models.SystemGrant)


async def test_demo_seed_is_a_programme_and_idempotent(platform: Platform) -> None:
    async with platform.session() as session:
        seed = await seed_demo(session)
    async with platform.session() as session:
        counts = [await session.scalar(select(func.count()).select_from(m)) for m in COUNTED]
        again = await seed_demo(session)
    async with platform.session() as session:
        assert [await session.scalar(select(func.count()).select_from(m)) for m in COUNTED] == counts
    assert again.versions["guarded"].id == seed.versions["guarded"].id
    kinds = sorted(o.kind for o in seed.orgs.values())
    assert kinds == ["coordinator", "developer", "regulator", "regulator"]
    assert {v.upstream_target for v in seed.versions.values()} == {"sim:naive", "sim:guarded", "sim:hardened"}
    observer = await platform.actor(seed.users["aisi_observer"])
    async with platform.session() as session:
        assert [s.name for s in await orgs.list_systems(session, observer)] == ["Northwind Assistant"]


@pytest.mark.slow
def test_serve_demo_starts_a_server_and_prints_the_logins(tmp_path: Path) -> None:
    with running_server(tmp_path / "home", "--demo") as (url, lines):
        printed = "\n".join(lines)
        assert "password redhive-demo" in printed and "omar@aisi.demo" in printed and f"serving on {url}" in printed
        with httpx.Client(base_url=url) as client:
            r = client.post("/api/auth/login", json={"email": "lena@northwind.demo", "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            assert [m["role"] for m in r.json()["memberships"]] == ["admin"]
            systems = client.get("/api/systems").json()
            assert [s["name"] for s in systems] == ["Northwind Assistant"]
            assert client.get("/api/docs").status_code == 200
    # a second start on the same home finds the demo already there
    with running_server(tmp_path / "home", "--demo") as (url, _lines), httpx.Client(base_url=url) as client:
        r = client.post("/api/auth/login", json={"email": "admin@demo.redhive.test", "password": DEMO_PASSWORD})
        assert r.status_code == 200
        assert len(client.get("/api/orgs").json()) == 4  # the client keeps the session cookie


def test_serve_refuses_a_placeholder_secret_in_production(tmp_path: Path) -> None:
    result = redhive("serve", home=tmp_path / "home", env={"REDHIVE_ENV": "production",
                                                           "REDHIVE_SECRET_KEY": "changeme"})
    assert result.returncode == 2
    assert "REDHIVE_SECRET_KEY is a placeholder" in result.stderr and "Traceback" not in result.stderr
