"""A mission's red-team report for TLP:GREEN, opened in Chromium from the file: its sections are
there, AMBER fields read *Withheld*, a hostile title stays text (autoescaped, no script runs), and
the file asks the network for nothing (self-contained)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import Shooter
from tests.disclosure.property_cases import AT, Case, Spec, build, leaks

from redhive.disclosure.redaction import share_flaw, share_report
from redhive.findings.exports import Exported, Product
from redhive.reports import audience as mission_report

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x onerror="window.__pwned = 1">Role-play recites the reference'
GREEN, AMBER, RED = "TLP:GREEN", "TLP:AMBER", "TLP:RED"


def _report_file(tmp_path: Path) -> tuple[Path, Case]:
    flaw = Spec("flaw", "HZ1", "none", {"title": GREEN, "taxonomy": GREEN, "severity": GREEN, "root_cause": AMBER,
                                        "reliability": GREEN, "remediation": AMBER})
    report = Spec("report", "HZ1", "none", {
        "title": GREEN, "taxonomy": GREEN, "report_types": GREEN, "proposed_severity": GREEN, "description": AMBER,
        "policy_violated": AMBER, "impacts": AMBER, "reproducibility": GREEN, "steps": RED, "attack_prompts": RED,
        "evidence": RED, "replication": GREEN})
    case = Case(flaws=[(flaw, [report])])
    ids = (f"{n:032d}" for n in itertools.count(1))
    flaws, reports, fixes = build(case, org_id="1" * 32, system_id="2" * 32, version_id="3" * 32, ids=ids)
    flaws[0].title = HOSTILE
    items = [Exported(flaw=share_flaw(f, GREEN, fixes), reports=[share_report(r, GREEN) for r in reports],
                      system="Chatty", system_kind="Model", affected=[Product("3" * 32, "Chatty v1")], fixed=[])
             for f in flaws]
    info = mission_report.MissionInfo(id="4" * 32, title="Pre-release evaluation", organisation="Lab",
                                      status="reported", period="2026-11-01 to 2026-11-30",
                                      risk_areas=["jailbreak"], languages=["en"], regions=["EU"],
                                      disciplines=["security"])
    html = mission_report.render("html", mission_report.build(info, items, GREEN, AT))
    assert not leaks(case, html, GREEN)
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path, case


def test_the_html_report_for_green_in_chromium(page: Any, tmp_path: Path, shoot: Shooter) -> None:
    from playwright.sync_api import expect

    path, _case = _report_file(tmp_path)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())

    expect(page.get_by_role("heading", name="Red-team report: Pre-release evaluation")).to_be_visible()
    expect(page.locator("#tlp")).to_have_text("TLP:GREEN")
    for section in ("Executive summary", "Methodology", "Attack success by risk area", "Findings by severity"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    row = page.locator("#findings-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(HOSTILE)  # the markup is text on the page, not an element
    expect(row.locator("img")).to_have_count(0)
    expect(row).to_contain_text("Withheld (TLP:AMBER)")  # the mitigation
    expect(row).to_contain_text("S1")
    expect(page.locator("#summary + p")).to_contain_text("1 validated flaw(s) from 1 report(s) on Chatty")
    # 2 of 3 reported trials and 7 of 10 replayed, each with its Wilson interval
    expect(page.get_by_text("66.7%")).to_be_visible()
    expect(page.get_by_text("70.0%")).to_be_visible()
    shoot("mission-report-green")
    assert page.evaluate("window.__pwned") is None
    assert requests == [path.as_uri()]
