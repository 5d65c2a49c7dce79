"""The red-team report page in a real browser, on `redhive serve --demo`: Northwind's admin opens
*Red-team report* from *Shared with you*, picks a system, TLP:GREEN and HTML, downloads the file and
opens it — self-contained, its sections there, nothing fetched; asking for the public (TLP:CLEAR)
version before it is signed off brings back one sentence on the form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import Shooter
from tests.browser.test_platform_walkthrough import log_in

pytestmark = pytest.mark.browser


def test_build_download_and_open_a_report(page: Any, live_server: str, tmp_path: Path, shoot: Shooter) -> None:
    from playwright.sync_api import expect

    log_in(page, live_server, "lena@northwind.demo")
    page.get_by_role("link", name="Shared with you").click()
    page.get_by_role("link", name="red-team report").click()
    expect(page.get_by_role("heading", name="Red-team report for an audience", level=1)).to_be_visible()
    form = page.locator("#report-form")
    system = form.locator("select[name=scope] option", has_text="System:").first
    label = system.inner_text()
    form.locator("select[name=scope]").select_option(label=label)
    form.locator("select[name=audience]").select_option("TLP:GREEN")
    form.locator("select[name=format]").select_option("html")
    shoot("report-page")
    with page.expect_download() as info:
        form.get_by_role("button", name="Download the report").click()
    download = info.value
    assert download.suggested_filename.startswith("redhive-report-system-")
    assert download.suggested_filename.endswith("-tlp-green.html")
    path = tmp_path / "report.html"
    download.save_as(path)

    # the public version is not signed off yet: one sentence on the form, no file
    form.locator("select[name=scope]").select_option(label=label)
    form.locator("select[name=audience]").select_option("TLP:CLEAR")
    form.get_by_role("button", name="Download the report").click()
    expect(page.get_by_text("cannot be released until Northwind")).to_be_visible()

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    name = label.removeprefix("System: ")
    expect(page.get_by_role("heading", name=f"Red-team report: {name}")).to_be_visible()
    expect(page.locator("#tlp")).to_have_text("TLP:GREEN")
    for section in ("Executive summary", "Methodology", "Attack success by risk area", "Findings by severity"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    expect(page.locator("#findings-table tbody tr").first).to_be_visible()
    shoot("report-downloaded")
    assert requests == [path.as_uri()]
