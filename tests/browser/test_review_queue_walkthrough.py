"""An escalation reaches the review queue: a background-checked member without a trusted-access
grant sends a surrogate hazardous request through the gateway and it is held; a platform admin opens
Safeguards → Review queue in Chromium, finds the exchange, records a decision, and finds it under
Decided. The world is the gateway tests' (tests/gateway/conftest.py), served by uvicorn."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from tests.browser.conftest import Shooter
from tests.gateway.conftest import build_world, upstream  # noqa: F401  (fixture)
from tests.platform_fixtures import PASSWORD, platform_settings
from tests.safeguards.conftest import SURROGATE
from tests.servers import serving

from redhive.app import create_app
from redhive.auth import service as auth
from redhive.db.session import Database
from redhive.gateway import service as gateway
from redhive.gateway.schemas import KeyCreate
from redhive.kit import utcnow
from redhive.missions import service as missions
from redhive.missions.models import Mission, MissionParticipant, TermsAcknowledgement
from redhive.testing.mock_openai import MockOpenAI

pytestmark = pytest.mark.browser


@dataclass
class Served:
    root: str
    key: str


async def _build(db_url: str, upstream_url: str) -> str:
    """The gateway world, ceiling HZ2, a background-checked participant with a key, a platform admin."""
    db = Database(db_url)
    await db.ensure_schema()
    try:
        mission_id = (await build_world(db, upstream_url))[0]
        async with db.sessions() as session, session.begin():
            await session.execute(update(Mission).where(Mission.id == mission_id).values(hazard_ceiling="HZ2"))
            await auth.register_user(session, email="admin@example.test", display_name="Ada Admin", password=PASSWORD,
                                     is_platform_admin=True, vetting_level="gov_cleared")
            bea = await auth.register_user(session, email="bea@example.test", display_name="Bea Background",
                                           password=PASSWORD, vetting_level="background_checked")
            terms = await missions.current_terms(session, mission_id)
            session.add_all([MissionParticipant(mission_id=mission_id, user_id=bea.id, role="red_teamer",
                                                joined_at=utcnow()),
                             TermsAcknowledgement(mission_id=mission_id, terms_id=terms.id, user_id=bea.id,
                                                  acknowledged_at=utcnow())])
            await session.flush()
            actor = await auth.load_actor(session, bea, via="password")
            _, secret = await gateway.issue_key(session, actor, mission_id, data=KeyCreate(label="bea"))
            return secret
    finally:
        await db.dispose()


@pytest.fixture
def served(tmp_path: Path, upstream: tuple[MockOpenAI, str], hazard_model: Path) -> Iterator[Served]:  # noqa: F811
    db_url = f"sqlite:///{tmp_path / 'reviews.db'}"
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API keeps a loop running in this thread
        key = pool.submit(lambda: asyncio.run(_build(db_url, upstream[1]))).result()
    with serving(create_app(platform_settings(db_url, tmp_path / "home"))) as root:
        yield Served(root, key)


def test_an_escalation_appears_in_the_review_queue_and_is_decided(page: Any, served: Served, shoot: Shooter) -> None:
    from playwright.sync_api import expect

    held = httpx.post(f"{served.root}/v1/chat/completions", timeout=30,
                      headers={"Authorization": f"Bearer {served.key}"},
                      json={"model": "chat/v1", "messages": [{"role": "user", "content": SURROGATE}]})
    assert held.status_code == 400 and held.json()["error"]["code"] == "held_for_review"
    exchange_id = held.headers["X-Redhive-Exchange-Id"]

    page.goto(served.root + "/login")
    page.get_by_label("Email").fill("admin@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Safeguards").click()
    expect(page.get_by_role("heading", name="Trusted access")).to_be_visible()
    page.get_by_role("link", name="Review queue of escalated exchanges →").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    row = page.locator(f"#x-{exchange_id}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Bea Background")
    expect(row).to_contain_text("biological")
    expect(row).to_contain_text("Korvane spore")
    shoot("queue")

    row.get_by_label("Verdict").select_option("concern")
    row.get_by_label("Note").fill("Asked the member about the request; no grant on file.")
    row.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text(f"Escalation {exchange_id} reviewed.")
    expect(page.locator(f"#x-{exchange_id}")).to_have_count(0)
    expect(page.get_by_text("No open escalations.")).to_be_visible()
    page.get_by_role("link", name="Decided").click()
    decided = page.locator(f"#x-{exchange_id}")
    expect(decided).to_contain_text("concern")
    expect(decided).to_contain_text("no grant on file")
    shoot("decided")
