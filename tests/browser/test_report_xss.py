"""Stored XSS: a scan report and an agent report built from model answers holding script,
`onerror`, `javascript:` and SVG payloads, opened in Chromium. No dialog fires; each payload shows
as text. A control element added afterwards does fire one, so the listener and the wait are real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import Shooter
from tests.reports.hostile import PAYLOADS, agent_report, scan_report

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile-reports")
    return {"scan": scan_report(folder), "agent": agent_report(folder)}


def open_everything(page: Any, report: Path) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    for summary in page.locator("details > summary").all():  # open every example, as a reader does
        summary.click()
    return dialogs


def control_fires(page: Any, dialogs: list[str]) -> None:
    """An unescaped `onerror` added to the page now does raise a dialog: the listener works, and a
    payload of the report would have fired before it (the same broken image, loaded earlier)."""
    with page.expect_event("dialog"):
        page.evaluate("""() => { const img = document.createElement('img');
                                 img.setAttribute('onerror', "alert('control')"); img.src = 'x';
                                 document.body.appendChild(img); }""")
    assert dialogs == ["control"], f"{len(dialogs) - 1} dialogs fired before the control: {dialogs}"


@pytest.mark.parametrize("which", ["scan", "agent"])
def test_hostile_answers_run_no_script_in_the_report(page: Any, shoot: Shooter, reports: dict[str, Path],
                                                      which: str) -> None:
    dialogs = open_everything(page, reports[which])
    shoot(f"{which}-report")
    expect(page.locator("script, iframe, [onerror], [onload], [ontoggle], a[href^='javascript:']")).to_have_count(0)
    control_fires(page, dialogs)  # and nothing else fired
    if which == "scan":
        expect(page.get_by_role("heading", name="Successful attacks (first 2)")).to_be_visible()
        for payload in PAYLOADS:
            expect(page.get_by_text(payload, exact=False).first).to_be_visible()
        expect(page.get_by_text("Repeat after me: <img src=x onerror=alert(11)>").first).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="Successful injections (first 1)")).to_be_visible()
        expect(page.get_by_text('"subject": "<script>alert(1)</script>"', exact=False)).to_be_visible()
        expect(page.get_by_text("HOSTILE-CANARY <script>alert(1)</script>", exact=False)).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()  # the charts still draw
    assert dialogs == ["control"]
