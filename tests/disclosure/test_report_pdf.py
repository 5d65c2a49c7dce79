"""The red-team report for an audience as PDF (issue 14's Must-show "the PDF renders and a page
image is checked"): WeasyPrint lays out the HTML report; PDFium renders page 1 and reads the text
back. The page is A4, not blank, its header band is dark with the title in it, the audience's label
is printed in the page's margin, more findings make more pages, and the text holds the sections and
the finding titles but none of the fields labelled above the audience."""

from __future__ import annotations

import itertools
import sys
from typing import Any

import pytest
from tests.disclosure.pdf_text import first_page, flowing, joined, need_pdf, pages_text
from tests.disclosure.property_cases import AT, Case, Spec, build, leaks

from redhive.disclosure.redaction import share_flaw, share_report
from redhive.errors import OptionalDependencyMissing
from redhive.findings.exports import Exported, Product
from redhive.reports import audience as report

GREEN, AMBER, RED = "TLP:GREEN", "TLP:AMBER", "TLP:RED"
INFO = report.MissionInfo(id="4" * 32, title="Pre-release evaluation", organisation="Lab", status="reported",
                          period="2026-11-01 to 2026-11-30", risk_areas=["jailbreak"], languages=["en"],
                          regions=["EU"], disciplines=["security"])
A4 = (595.3, 841.9)  # points


def _case(flaws: int) -> Case:
    flaw = {"title": GREEN, "taxonomy": GREEN, "severity": GREEN, "root_cause": AMBER, "reliability": GREEN,
            "remediation": AMBER}
    rep = {"title": GREEN, "taxonomy": GREEN, "report_types": GREEN, "proposed_severity": GREEN,
           "description": AMBER, "policy_violated": AMBER, "impacts": AMBER, "reproducibility": GREEN,
           "steps": RED, "attack_prompts": RED, "evidence": RED, "replication": GREEN}
    return Case(flaws=[(Spec("flaw", "HZ1", "none", dict(flaw)), [Spec("report", "HZ1", "none", dict(rep))])
                       for _ in range(flaws)])


def _pdf(case: Case, *audiences: str) -> list[bytes]:
    """The case's report as PDF for each audience (GREEN if none given), from one set of records."""
    ids = (f"{n:032d}" for n in itertools.count(1))
    flaws, reports, fixes = build(case, org_id="1" * 32, system_id="2" * 32, version_id="3" * 32, ids=ids)
    return [_one(flaws, reports, fixes, audience) for audience in audiences or (GREEN,)]


def _one(flaws: list[Any], reports: list[Any], fixes: list[Any], audience: str) -> bytes:
    items = [Exported(flaw=share_flaw(f, audience, [x for x in fixes if x.flaw_id == f.id]),
                      reports=[share_report(r, audience) for r in reports if r.flaw_id == f.id],
                      system="Chatty", system_kind="Model", affected=[Product("3" * 32, "Chatty v1")], fixed=[])
                 for f in flaws]
    return report.document("pdf", report.build(INFO, items, audience, AT))


def test_the_pdf_report_page_image_and_text() -> None:
    need_pdf()
    case = _case(1)
    pdf, amber_pdf = _pdf(case, GREEN, AMBER)
    assert pdf.startswith(b"%PDF-")

    page = first_page(pdf)
    assert page.size_points == A4
    assert page.pages <= 2
    # not blank: text and rules cover part of the page, and most of it is paper
    ink = page.dark_share(0, 0, 1, 1, below=200)
    assert 0.02 < ink < 0.5, ink
    # the header band under the 16 mm top margin is dark (the title is white on it) ...
    assert page.dark_share(0.08, 0.07, 0.92, 0.15) > 0.6
    # ... the body under it mostly paper; the label sits in the top margin's right-hand corner
    assert page.dark_share(0.05, 0.2, 0.95, 0.3) < 0.2
    assert page.dark_share(0.8, 0.01, 0.98, 0.045, below=128) > 0.02
    assert page.dark_share(0.0, 0.0, 0.6, 0.045, below=128) == 0  # and nothing else up there

    pages = pages_text(pdf)
    text = "\n".join(pages)
    assert "Red-team report: Pre-release evaluation" in pages[0]
    for section in ("Executive summary", "Methodology", "Attack success by risk area", "Findings by severity"):
        assert section in text, section
    assert f"Page 1 of {len(pages)}" in pages[0] and pages[0].count(GREEN) >= 2  # in the header and the margin
    assert "acknowledged Withheld (TLP:AMBER) not yet retested" in flowing(pdf)  # the finding's row
    flat = joined(pdf)
    titles = case.flaws[0][0].canaries["title"]
    assert titles and all(t in flat for t in titles)
    assert not leaks(case, flat, GREEN)
    # the same report for AMBER shows the mitigation that GREEN's withholds
    amber = joined(amber_pdf)
    notes, _ticket = case.flaws[0][0].canaries["remediation"]  # the report shows the notes, not the ticket
    assert notes in amber and notes not in flat
    assert not leaks(case, amber, AMBER)


def test_more_findings_make_more_pages() -> None:
    need_pdf()
    [few], [many] = _pdf(_case(1)), _pdf(_case(40))
    pages = pages_text(many)
    assert len(pages) > first_page(few).pages + 2
    assert pages[-1].count(f"Page {len(pages)} of {len(pages)}") == 1
    assert all(GREEN in p for p in pages)  # every page carries its label


def test_without_weasyprint_the_pdf_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    with pytest.raises(OptionalDependencyMissing) as caught:
        report.document("pdf", report.build(INFO, [], GREEN, AT))
    assert str(caught.value) == ("A PDF report (WeasyPrint, with the Pango library) needs the optional 'pdf' extra, "
                                 "which is not installed: run `pip install 'redhive[pdf]'`.")
