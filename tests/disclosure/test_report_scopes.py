"""The red-team report of a system, and of a period, through the command line and the web page
(`/disclosure/report`): the system's flaws across its missions, its methodology the union of those
missions' plans, a period that keeps only the flaws found in it, the page's download equal in kind
to the command's file, and bad input one sentence (exit code 2, or back on the form)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from tests.disclosure.test_mission_report import FIX, ROOT, _cli, mission_with_a_flaw
from tests.disclosure.world import lab
from tests.platform_fixtures import PASSWORD, Platform

from redhive.kit import utcnow


async def test_a_system_report_and_a_period(platform: Platform, db_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    w = await lab(platform)
    _mission_id, flaw_id = await mission_with_a_flaw(platform, w)
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    today = utcnow().date()

    out = tmp_path / "system.json"
    result = await _cli(platform, "--system", w.system.id, "--audience", "TLP:GREEN", "--format", "json",
                        "-o", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["mission"]["kind"] == "system" and data["mission"]["title"] == "Chatty"
    assert data["mission"]["risk_areas"] == ["jailbreak", "privacy"]  # from the mission its flaw was found in
    assert [f["id"] for f in data["findings"]] == [flaw_id]
    assert ROOT not in out.read_text() and FIX not in out.read_text()

    # the period: the flaw was found today, so a period from tomorrow holds none and one ending today holds it
    for since, until, found in ((today + timedelta(days=1), None, []), (today - timedelta(days=7), today, [flaw_id])):
        args = ["--system", w.system.id, "--audience", "TLP:GREEN", "--format", "json", "-o", str(out),
                "--since", since.isoformat(), *(["--until", until.isoformat()] if until else [])]
        result = await _cli(platform, *args)
        assert result.exit_code == 0, result.output
        data = json.loads(out.read_text())
        assert [f["id"] for f in data["findings"]] == found
        assert f"flaws found {since.isoformat()} to {until.isoformat() if until else 'today'}" in data["mission"][
            "period"]

    for args, words in ((["--system", w.system.id, "--mission", "m", "-o", str(out)], "exactly one of them"),
                        (["--system", w.system.id, "--since", "2026-13-01", "-o", str(out)], "is not a date"),
                        (["--system", w.system.id, "--since", "2026-12-02", "--until", "2026-12-01", "-o", str(out)],
                         "the period would be empty"),
                        (["--system", "nope", "-o", str(out)], "There is no system nope")):
        bad = await _cli(platform, *args)
        assert bad.exit_code == 2 and words in bad.output and "Traceback" not in bad.output, bad.output
    outsider = await _cli(platform, "--system", w.system.id, "-o", str(out), who="Outsider")
    assert outsider.exit_code == 2 and f"There is no system {w.system.id}" in outsider.output


async def test_the_report_page_builds_and_downloads(platform: Platform) -> None:
    w = await lab(platform)
    mission_id, flaw_id = await mission_with_a_flaw(platform, w)
    coord = w.clients["coordinator"]
    page = await coord.get("/disclosure/report")
    assert page.status_code == 200
    assert f'value="system:{w.system.id}"' in page.text and f'value="mission:{mission_id}"' in page.text
    assert "TLP:RED" not in page.text.split('name="audience"')[1].split("</select>")[0]  # never a file
    csrf = coord.headers["X-CSRF-Token"]

    r = await coord.post("/disclosure/report", data={"csrf_token": csrf, "scope": f"mission:{mission_id}",
                                                     "audience": "TLP:GREEN", "format": "html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"] == (f'attachment; filename="redhive-report-mission-{mission_id[:8]}'
                                                '-tlp-green.html"')
    assert "Red-team report: Pre-release evaluation &lt;b&gt;Chatty&lt;/b&gt;" in r.text
    assert f'id="finding-{flaw_id}"' in r.text and ROOT not in r.text and FIX not in r.text

    r = await coord.post("/disclosure/report", data={"csrf_token": csrf, "scope": f"system:{w.system.id}",
                                                     "audience": "TLP:AMBER+STRICT", "format": "json",
                                                     "since": "2026-12-02", "until": "2026-12-01"})
    assert r.status_code == 303  # refused: the sentence comes back on the form
    assert "the period would be empty" in (await coord.get(r.headers["location"])).text
    r = await coord.post("/disclosure/report", data={"csrf_token": csrf, "scope": f"system:{w.system.id}",
                                                     "audience": "TLP:RED", "format": "json"})
    assert r.status_code == 303 and "never" in (await coord.get(r.headers["location"])).text
    # the outsider's page offers nothing of the Lab's, and asking anyway is 404
    other = w.clients["outsider"]
    assert w.system.id not in (await other.get("/disclosure/report")).text
    r = await other.post("/disclosure/report", data={"csrf_token": other.headers["X-CSRF-Token"],
                                                     "scope": f"system:{w.system.id}", "audience": "TLP:GREEN",
                                                     "format": "json"})
    assert r.status_code == 404
