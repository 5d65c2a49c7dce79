"""Operations: `/healthz`, `/readyz` (database at the schema head, gateway started), and the
container stack's steps (deploy/entrypoint.sh `migrate`,
then `serve`) run by deploy/smoke.sh against a fresh PostgreSQL database, where no container runtime
exists: it answers `/readyz` and `/metrics` as the compose stack's health check expects. The
gateway's metrics themselves: tests/gateway/test_metrics.py."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from tests.platform_fixtures import make_client

from redhive.db.session import Database

ROOT = Path(__file__).resolve().parents[2]


async def test_healthz_and_readyz(app: FastAPI, tmp_path: Path) -> None:
    async with make_client(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready",
                                                             "checks": {"gateway": "ok", "database": "ok"}}
        kept, empty = app.state.db, Database(f"sqlite:///{tmp_path / 'unmigrated.db'}")
        app.state.db = empty  # a database no migration has run on
        try:
            unready = await client.get("/readyz")
        finally:
            app.state.db = kept
            await empty.dispose()
    assert unready.status_code == 503 and unready.json()["status"] == "not ready"
    assert "run the migrations" in unready.json()["checks"]["database"]


async def test_machine_endpoints_ignore_the_platform_s_credentials(app: FastAPI) -> None:
    """Outside the platform's authorisation (and so outside the route matrix): the same answer for
    anyone, an unknown API token included (a Prometheus bearer token is no redhive API token)."""
    async with make_client(app) as client:
        for headers in ({}, {"Authorization": "Bearer not-a-redhive-token"}, {"Cookie": "redhive_session=stale"}):
            for path in ("/healthz", "/readyz", "/metrics"):
                response = await client.get(path, headers=headers)
                assert response.status_code == 200, (path, headers, response.text)
        assert (await client.post("/healthz")).status_code == 405


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.postgres
def test_the_stack_steps_against_postgresql(tmp_path: Path) -> None:
    admin_url = os.environ.get("REDHIVE_TEST_POSTGRES_URL", "")
    if not admin_url:
        pytest.skip("set REDHIVE_TEST_POSTGRES_URL to run the PostgreSQL tests")
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell")
    import psycopg
    from sqlalchemy import make_url

    admin = make_url(admin_url).set(drivername="postgresql")
    dsn, name = admin.render_as_string(hide_password=False), f"redhive_stack_{secrets.token_hex(4)}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # empty: the migrate step builds the schema
    try:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               "REDHIVE_HOME": str(tmp_path / "home")}
        done = subprocess.run(["sh", str(ROOT / "deploy" / "smoke.sh"),
                               admin.set(database=name).render_as_string(hide_password=False), str(_free_port())],
                              capture_output=True, text=True, env=env, timeout=300)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The database schema is at" in done.stdout and '"status": "ready"' in done.stdout
    assert "redhive_gateway_requests_total present" in done.stdout and "== the stack is up" in done.stdout
