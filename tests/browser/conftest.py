"""Browser tests: Playwright (Python) driving Debian's Chromium (`apt-get install -y chromium`; never
`playwright install`), headless, against a real `redhive serve --demo` on a free 127.0.0.1 port with
a fresh SQLite database. Screenshots go to $REDHIVE_SCREENSHOTS or tests/_artifacts/screenshots/.

    @pytest.mark.browser
    def test_x(page: Page, live_server: str, shoot: Shooter) -> None:
        page.goto(live_server + "/login"); shoot("login")
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.servers import running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]

Shooter = Callable[[str], Path]


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return "Debian's Chromium is not installed (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (it is in the dev extra)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module: Playwright's sync API keeps an event loop running while it is
    open, which would break `asyncio.run()` in the (in-process CLI) tests collected after it."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """`redhive serve --demo` on a fresh home; yields its base URL."""
    if _missing():
        pytest.skip(_missing() or "")
    with running_server(tmp_path / "home", "--demo") as (url, _lines):
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("REDHIVE_SCREENSHOTS") or ROOT / "tests" / "_artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {folder}")
    return folder


@pytest.fixture
def shoot(page: Any, screenshot_dir: Path, request: pytest.FixtureRequest) -> Shooter:
    """`shoot("step")` saves a full-page PNG named after the test and the step; returns its path."""
    test = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")
    counter = iter(range(1, 100))

    def take(step: str) -> Path:
        path = screenshot_dir / f"{test}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    return take
