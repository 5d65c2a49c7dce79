"""A sharing agreement in a real browser, on `redhive serve --demo`: Northwind's admin shares its
assistant's flaws with the AI Safety Institute at TLP:GREEN (through the API); AISI's observer
opens *Shared with you* and sees the flaws' titles and severity with each AMBER field withheld;
the other agency's observer sees nothing shared."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import Shooter
from tests.browser.test_platform_walkthrough import log_in

from redhive.demo import DEMO_PASSWORD
from redhive.findings.demo import MARKER

pytestmark = pytest.mark.browser


def _api(browser: Any, base: str, email: str) -> tuple[Any, Any, str]:
    """(context, its request client, CSRF token) logged in as `email`, as an API client would be."""
    context = browser.new_context()
    login = context.request.post(f"{base}/api/auth/login", data={"email": email, "password": DEMO_PASSWORD})
    assert login.ok, login.text()
    return context, context.request, login.json()["csrf_token"]


def _share_with_aisi(browser: Any, base: str) -> None:
    """The lab admin shares every Northwind system's flaws with AISI at TLP:GREEN (the API)."""
    context, api, _ = _api(browser, base, "omar@aisi.demo")
    [aisi] = [o["id"] for o in api.get(f"{base}/api/orgs").json()]
    context.close()
    context, api, csrf = _api(browser, base, "lena@northwind.demo")
    try:
        [lab] = [o["id"] for o in api.get(f"{base}/api/orgs").json()]
        for system in [s for s in api.get(f"{base}/api/systems").json() if s["org_id"] == lab]:
            r = api.post(f"{base}/api/disclosure/orgs/{lab}/agreements", headers={"X-CSRF-Token": csrf},
                         data={"recipient_org_id": aisi, "scope_type": "system", "scope_id": system["id"],
                               "audience": "TLP:GREEN"})
            assert r.status == 201, r.text()
    finally:
        context.close()


def test_an_agency_member_sees_their_share_and_not_the_rest(browser: Any, page: Any, live_server: str,
                                                            shoot: Shooter) -> None:
    from playwright.sync_api import expect

    _share_with_aisi(browser, live_server)

    log_in(page, live_server, "omar@aisi.demo")
    page.get_by_role("link", name="Shared with you").click()
    expect(page.get_by_role("heading", name="Shared with you", level=1)).to_be_visible()
    flaw = page.locator("section.shared-flaw").filter(has_text=MARKER)
    expect(flaw).to_have_count(1)
    expect(flaw).to_contain_text("From Northwind AI")
    expect(flaw).to_contain_text("shared for TLP:GREEN")
    expect(flaw.locator("dd[data-field=root_cause]")).to_have_text("Withheld (TLP:AMBER)")
    expect(flaw.locator("dd[data-field=remediation]")).to_have_text("Withheld (TLP:AMBER)")
    expect(flaw.locator("dd[data-field=taxonomy]")).not_to_contain_text("Withheld")
    expect(page.locator("#nothing-shared")).to_have_count(0)
    shoot("aisi-shared-with-you")

    # the other agency, in a browser of its own: nothing is shared with it
    context = browser.new_context()
    try:
        other = context.new_page()
        log_in(other, live_server, "ines@cert.demo")
        other.get_by_role("link", name="Shared with you").click()
        expect(other.locator("#nothing-shared")).to_be_visible()
        expect(other.locator("section.shared-flaw")).to_have_count(0)
        expect(other.locator("body")).not_to_contain_text(MARKER)
    finally:
        context.close()
