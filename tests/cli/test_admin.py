"""`redhive admin create-user`: the first platform admin of a fresh installation, from the CLI."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tests.helpers import redhive
from tests.servers import running_server


@pytest.mark.slow
def test_create_the_first_platform_admin_and_log_in(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with running_server(home) as (_url, lines):
        assert any("No accounts yet" in line for line in lines)
    made = redhive("admin", "create-user", "Root@Example.org", "--name", "Root", "--platform-admin",
                   "--password", "a long passphrase", home=home)
    assert made.returncode == 0, made.stderr
    assert "Created the platform admin root@example.org" in made.stdout
    again = redhive("admin", "create-user", "root@example.org", "--name", "Root", "--password", "a long passphrase",
                    home=home)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    short = redhive("admin", "create-user", "x@example.org", "--name", "X", "--password", "short", home=home)
    assert short.returncode == 2 and "password: At least 10 characters." in short.stderr
    with running_server(home) as (url, lines), httpx.Client(base_url=url) as client:
        assert not any("No accounts yet" in line for line in lines)
        r = client.post("/api/auth/login", json={"email": "root@example.org", "password": "a long passphrase"})
        assert r.status_code == 200 and r.json()["user"]["is_platform_admin"] is True
