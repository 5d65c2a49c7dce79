"""In a real browser: /api/docs (the link `serve` prints) renders the operations of the OpenAPI 3.1
document FastAPI writes — the Swagger UI 4 bundled before could not read 3.1 and showed an error."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import Shooter

pytestmark = pytest.mark.browser


def test_api_docs_render_the_operations(page: Any, live_server: str, shoot: Shooter) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("redhive")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    operations = page.locator(".opblock .opblock-summary-path")
    expect(operations.filter(has_text="/api/findings/flaws/{flaw_id}/exposure")).to_have_count(1)
    expect(operations.filter(has_text="/api/findings/reports").first).to_be_visible()
    assert operations.count() > 50
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
    shoot("api-docs")
    assert not [e for e in errors if "Content Security Policy" in e], errors
