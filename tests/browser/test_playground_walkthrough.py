"""A participant opens the mission's playground in Chromium, chats with `chat/v1` (sim:guarded
through the gateway), watches the streamed reply arrive, flags the exchange and finds it again in
the session's history. The world is the gateway tests' (tests/gateway/conftest.py): the whole app
served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import Shooter
from tests.gateway.conftest import build_world, upstream  # noqa: F401  (fixture)
from tests.platform_fixtures import PASSWORD, platform_settings
from tests.servers import serving

from redhive.app import create_app
from redhive.db.session import Database
from redhive.testing.mock_openai import MockOpenAI

pytestmark = pytest.mark.browser


@dataclass
class Served:
    root: str
    mission_id: str


@pytest.fixture
def world(tmp_path: Path, upstream: tuple[MockOpenAI, str]) -> Iterator[Served]:  # noqa: F811
    """The gateway tests' world on a fresh SQLite file, served by uvicorn in a thread (sync, for
    Playwright's sync API: no event loop runs in the test's thread)."""
    db_url = f"sqlite:///{tmp_path / 'playground.db'}"

    async def build() -> str:
        db = Database(db_url)
        await db.ensure_schema()
        try:
            return (await build_world(db, upstream[1]))[0]
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API keeps a loop running in this thread
        mission_id = pool.submit(lambda: asyncio.run(build())).result()
    with serving(create_app(platform_settings(db_url, tmp_path / "home"))) as root:
        yield Served(root, mission_id)


def test_participant_chats_streams_and_flags(page: Any, world: Served, shoot: Shooter) -> None:
    page.goto(world.root + "/login")
    page.get_by_label("Email").fill("rt@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{world.root}/missions/{world.mission_id}")
    page.get_by_role("link", name="Open the playground").click()
    assert page.get_by_role("heading", name="Playground").is_visible()
    page.get_by_label("System", exact=True).select_option("chat/v1")
    page.get_by_label("System prompt").fill("You are a careful assistant.")
    page.get_by_label("Message").fill("What is the capital of France?")
    shoot("playground")

    page.get_by_role("button", name="Send").click()
    turn = page.locator("#transcript li.turn").last
    flag = turn.get_by_role("button", name="Flag this exchange")
    flag.wait_for()  # shown once the stream has ended
    reply = turn.locator(".reply").inner_text()
    assert reply.strip() and "error" not in (turn.locator(".reply").get_attribute("class") or "")
    exchange_id = turn.locator(".meta code").inner_text()
    assert len(exchange_id) >= 16
    shoot("streamed-reply")

    flag.click()
    status = turn.locator(".flag-status")
    status.filter(has_text="Flagged").wait_for()
    assert exchange_id in status.inner_text()
    shoot("flagged")

    session_id = page.locator("#session-id").inner_text()
    page.reload()  # a fresh page lists the session under "Your sessions"
    page.get_by_role("link", name=session_id[:12]).click()
    page.wait_for_url(f"**/playground?session={session_id}")
    history = page.locator("#transcript li.turn")
    assert history.count() == 1 and exchange_id in history.first.inner_text()
    assert reply.strip() in history.first.locator(".reply").inner_text()
    shoot("history")
