"""Sign-off of a report's public version (D39): the TLP:CLEAR report of Chatty is refused until the
Lab (the developer) and AISI (a regulator whose agreement asks for it) have signed it off — through
the command line, the API and the page; a draft is given to those who review it; a triager or a
regulator's observer cannot sign; every sign-off is audited; a change to the findings undoes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.disclosure.test_mission_report import _cli, mission_with_a_flaw
from tests.disclosure.world import lab
from tests.platform_fixtures import PASSWORD, Platform

from redhive.audit.models import AuditEvent
from redhive.findings.models import Flaw

CLEAR = "TLP:CLEAR"


async def test_the_public_version_needs_the_developers_and_the_regulators_signoff(
        platform: Platform, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = await lab(platform)
    _mission_id, flaw_id = await mission_with_a_flaw(platform, w)
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    aisi = await platform.org("AISI", kind="regulator")
    aisi_admin, aisi_observer = await platform.user("Aisi Admin"), await platform.user("Aisi Observer")
    await platform.member(aisi_admin, aisi, "admin")
    await platform.member(aisi_observer, aisi, "observer")
    regulator, observer = await platform.login(aisi_admin), await platform.login(aisi_observer)
    coord = w.clients["coordinator"]
    r = await coord.post(f"/api/disclosure/orgs/{w.org.id}/agreements", json={
        "recipient_org_id": aisi.id, "scope_type": "system", "scope_id": w.system.id, "audience": "TLP:GREEN",
        "public_signoff": True})
    assert r.status_code == 201 and r.json()["public_signoff"] is True
    out = tmp_path / "public.json"
    public = ["--system", w.system.id, "--audience", CLEAR, "--format", "json", "-o", str(out)]

    # nobody has signed: refused in one sentence, nothing written
    result = await _cli(platform, *public)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert ("cannot be released until Lab (developer) and AISI (regulator) sign it off"
            in " ".join(result.output.split())), result.output
    assert not out.exists()
    # the draft, for review
    result = await _cli(platform, *public, "--draft")
    assert result.exit_code == 0, result.output
    draft = json.loads(out.read_text())
    assert draft["release"]["status"] == "draft" and draft["release"]["signoffs"] == []
    assert [a["organisation"] for a in draft["release"]["awaiting"]] == ["Lab", "AISI"]
    bad = await _cli(platform, "--system", w.system.id, "--audience", "TLP:GREEN", "--draft", "-o", str(out))
    assert bad.exit_code == 2 and "A draft is of the public (TLP:CLEAR) version only" in bad.output

    # a triager may not sign; the coordinator signs for the Lab (the API)
    r = await w.clients["triager"].post("/api/disclosure/signoffs", json={"scope_type": "system",
                                                                          "scope_id": w.system.id})
    assert r.status_code == 403 and "Only the admins or coordinators of Lab (developer) or AISI (regulator)" in r.text
    r = await coord.post("/api/disclosure/signoffs", json={"scope_type": "system", "scope_id": w.system.id,
                                                           "note": "read the draft"})
    assert r.status_code == 201, r.text
    assert [(x["status"], x["organisation"]) for x in r.json()] == [("signed off", "Lab"), ("awaiting", "AISI")]
    r = await coord.get(f"/api/disclosure/systems/{w.system.id}/report", params={"audience": CLEAR})
    assert r.status_code == 409 and "until AISI (regulator) sign it off" in r.text

    # the regulator reviews the public draft (and only it) and signs off on the page
    r = await regulator.get(f"/api/disclosure/systems/{w.system.id}/report", params={"audience": CLEAR,
                                                                                             "draft": "true"})
    assert r.status_code == 200 and r.json()["release"]["status"] == "draft"
    r = await regulator.get(f"/api/disclosure/systems/{w.system.id}/report", params={"audience": "TLP:GREEN"})
    assert r.status_code == 404
    page = await regulator.get("/disclosure/report")
    assert f'value="system:{w.system.id}"' in page.text and "to sign off" in page.text
    r = await observer.post("/disclosure/report/signoff", data={"csrf_token": observer.headers["X-CSRF-Token"],
                                                                "scope": f"system:{w.system.id}"})
    assert r.status_code == 404  # an observer is not one who signs, and sees no findings of the Lab
    r = await regulator.post("/disclosure/report/signoff", data={"csrf_token": regulator.headers["X-CSRF-Token"],
                                                                 "scope": f"system:{w.system.id}"})
    assert r.status_code == 303
    assert "Public version signed off: it may be released." in (await regulator.get(r.headers["location"])).text

    # released: the file says who signed off
    result = await _cli(platform, *public)
    assert result.exit_code == 0, result.output
    released = json.loads(out.read_text())
    assert released["release"]["status"] == "signed off" and released["release"]["awaiting"] == []
    assert [(s["organisation"], s["role"]) for s in released["release"]["signoffs"]] == [
        ("Lab", "developer"), ("AISI", "regulator")]
    html = await coord.get(f"/api/disclosure/systems/{w.system.id}/report", params={"audience": CLEAR,
                                                                                        "format": "html"})
    assert html.status_code == 200 and "Signed off for release" in html.text
    async with platform.session() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure.signed_off")
                                        .order_by(AuditEvent.at))).all()
        assert [(e.after or {})["role"] for e in events] == ["developer", "regulator"]
        assert (events[0].after or {})["note"] == "read the draft"
        # the findings change (the flaw is fixed): what was signed off is not what would be released
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None
        flaw.state = "resolved"
    result = await _cli(platform, *public)
    assert result.exit_code == 2 and "cannot be released until Lab (developer) and AISI (regulator)" in " ".join(
        result.output.split())
