"""The joint exercise in a real browser, on `redhive serve --demo` (issue 14, Must show): Northwind's
admin opens the demo mission's joint exercise and makes its one agreement — the AI Safety Institute
at TLP:RED for its named analyst, the incident agency (CERT) at TLP:GREEN. Each agency's member sees
exactly its share under *Shared with you*; CERT downloads the consolidated report for TLP:GREEN and
finds nothing above it; and the one TLP:RED view is in Northwind's audit log as the exact event."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.conftest import Shooter
from tests.browser.test_platform_walkthrough import log_in
from tests.browser.test_sharing_walkthrough import _api

from redhive.findings.demo import MARKER

pytestmark = pytest.mark.browser


def _setup(browser: Any, base: str) -> dict[str, str]:
    """Ids through the API, and the marker flaw's root cause raised to TLP:RED by the lab."""
    context, api, _ = _api(browser, base, "omar@aisi.demo")
    omar = api.get(f"{base}/api/auth/me").json()["user"]["id"]
    context.close()
    context, api, csrf = _api(browser, base, "lena@northwind.demo")
    try:
        orgs = {o["name"]: o["id"] for o in api.get(f"{base}/api/orgs").json()}
        [mission] = [m for m in api.get(f"{base}/api/missions").json() if m["status"] == "active"]
        [flaw] = [f for f in api.get(f"{base}/api/findings/flaws").json()
                  if f["title"].startswith(MARKER) and f["mission_id"] == mission["id"]]
        r = api.post(f"{base}/api/disclosure/flaws/{flaw['id']}/labels", headers={"X-CSRF-Token": csrf},
                     data={"labels": {"root_cause": "TLP:RED"}, "reason": ""})
        assert r.ok, r.text()
        exercise = api.get(f"{base}/api/joint/missions/{mission['id']}").json()
        every = {o["name"]: o["org_id"] for o in exercise["organisations"]}
    finally:
        context.close()
    return {"omar": omar, "lab": orgs["Northwind AI"], "mission": mission["id"], "flaw": flaw["id"],
            "aisi": every["National AI Safety Institute"], "cert": every["AI Incident Response Agency"]}


def test_each_agency_sees_its_share_and_the_red_view_is_audited(browser: Any, page: Any, live_server: str,
                                                                shoot: Shooter) -> None:
    from playwright.sync_api import expect

    ids = _setup(browser, live_server)

    # the lab's admin makes the one agreement on the joint-exercise page
    log_in(page, live_server, "lena@northwind.demo")
    page.goto(f"{live_server}/missions/{ids['mission']}")
    page.locator("#joint-exercise-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Joint exercise")
    page.locator(f"select[name=audience_{ids['aisi']}]").select_option("TLP:RED")
    page.locator(f"input[name=named_{ids['aisi']}]").fill(ids["omar"])
    page.locator(f"select[name=audience_{ids['cert']}]").select_option("TLP:GREEN")
    page.get_by_role("button", name="Make the agreement").click()
    expect(page.locator(f"#party-{ids['aisi']}")).to_contain_text("TLP:RED")
    expect(page.locator(f"#party-{ids['cert']}")).to_contain_text("TLP:GREEN")
    expect(page.locator(f"#party-{ids['lab']}")).to_contain_text("yes")  # the organiser accepted by making it
    shoot("joint-exercise-agreement")

    # AISI's named analyst: the RED root cause is shown
    aisi = browser.new_context()
    try:
        tab = aisi.new_page()
        log_in(tab, live_server, "omar@aisi.demo")
        tab.get_by_role("link", name="Shared with you").click()
        flaw = tab.locator(f"#shared-{ids['flaw']}")
        expect(flaw).to_contain_text("shared for TLP:RED")
        expect(flaw.locator("dd[data-field=root_cause]")).not_to_contain_text("Withheld")
        expect(flaw.locator("dd[data-field=remediation]")).not_to_contain_text("Withheld")
    finally:
        aisi.close()

    # CERT: TLP:GREEN only, in the list and in the consolidated report it downloads
    cert = browser.new_context(accept_downloads=True)
    try:
        tab = cert.new_page()
        log_in(tab, live_server, "ines@cert.demo")
        tab.get_by_role("link", name="Shared with you").click()
        flaw = tab.locator(f"#shared-{ids['flaw']}")
        expect(flaw).to_contain_text("shared for TLP:GREEN")
        expect(flaw.locator("dd[data-field=root_cause]")).to_have_text("Withheld (TLP:RED)")
        expect(flaw.locator("dd[data-field=remediation]")).to_have_text("Withheld (TLP:AMBER)")
        tab.goto(f"{live_server}/joint/missions/{ids['mission']}")
        tab.locator("#consolidated-report select[name=audience]").select_option("TLP:GREEN")
        with tab.expect_download() as download:
            tab.get_by_role("button", name="Download the report").click()
        with open(download.value.path(), encoding="utf-8") as saved:
            html = saved.read()
        findings = html.split('id="findings"')[1]  # every flaw at TLP:GREEN, the mitigation withheld
        assert MARKER in findings and 'id="organisations"' in html and "Withheld (TLP:AMBER)" in findings
        assert "TLP:RED" not in findings and "TLP:AMBER+STRICT" not in findings
        shoot("joint-exercise-cert")
    finally:
        cert.close()

    # the one TLP:RED view, exactly, in the lab's audit log
    context, api, _ = _api(browser, live_server, "lena@northwind.demo")
    try:
        events = api.get(f"{live_server}/api/orgs/{ids['lab']}/audit").json()
    finally:
        context.close()
    red = [(e["actor_email"], e["object_id"], e["after"]["audience"], e["after"]["fields"]) for e in events
           if e["action"] == "disclosure.viewed" and (e["after"] or {}).get("label") == "TLP:RED"]
    assert red == [("omar@aisi.demo", ids["flaw"], "TLP:RED", ["root_cause"])]
