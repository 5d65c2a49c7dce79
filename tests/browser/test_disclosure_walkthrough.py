"""Issue 14's first slices in a real browser, on `redhive serve --demo`: the lab's admin opens a
flaw, lowers its root cause's sharing label with a reason and raises its title's; then exports the
lab's flaws from the board as a CSAF 2.0 advisory for TLP:GREEN, which names the flaw by title and
holds none of its reports' AMBER content."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.browser.conftest import Shooter
from tests.browser.test_platform_walkthrough import log_in

from redhive.findings.demo import MARKER

pytestmark = pytest.mark.browser


def test_labels_on_the_flaw_page_and_a_csaf_export_for_green(page: Any, live_server: str, shoot: Shooter) -> None:
    from playwright.sync_api import expect

    log_in(page, live_server, "lena@northwind.demo")
    page.goto(f"{live_server}/findings/board")
    page.locator("#flaws").get_by_role("link", name=MARKER).first.click()
    labels = page.locator("#labels")
    expect(labels.get_by_label("root cause")).to_have_value("TLP:AMBER")
    labels.get_by_label("root cause").select_option("TLP:GREEN")
    labels.get_by_role("button", name="Save labels").click()
    expect(page.get_by_text("Lowering a sharing label shares the field more widely")).to_be_visible()
    labels = page.locator("#labels")
    expect(labels.get_by_label("root cause")).to_have_value("TLP:AMBER")  # nothing stored
    labels.get_by_label("root cause").select_option("TLP:GREEN")
    labels.get_by_label("title").select_option("TLP:AMBER")
    labels.get_by_label("Reason (needed to lower a label)").fill("fixed in 2026.11-rc; summary agreed")
    labels.get_by_role("button", name="Save labels").click()
    expect(page.get_by_text("Sharing labels saved.")).to_be_visible()
    expect(page.locator("#labels").get_by_label("root cause")).to_have_value("TLP:GREEN")
    expect(page.locator("#labels").get_by_label("title")).to_have_value("TLP:AMBER")
    shoot("flaw-sharing-labels")

    # the title is now AMBER: a GREEN advisory names the flaw only as withheld; AMBER content stays out
    page.goto(f"{live_server}/findings/board")
    export = page.locator("form[id^=export-]").first
    export.get_by_label("Format").select_option("csaf")
    export.get_by_label("Audience").select_option("TLP:GREEN")
    export.get_by_role("button", name="Export").click()
    expect(page.locator("body")).to_contain_text("csaf_security_advisory")
    document = json.loads(page.locator("body").inner_text())
    text = json.dumps(document)
    assert document["document"]["distribution"]["tlp"]["label"] == "GREEN"
    assert "Withheld title (TLP:AMBER)" in text and MARKER not in text
    assert "Asked to play Vex" not in text and "Model card" not in text  # the reports' AMBER description, policy
