"""Sharing agreements: a lab, two agencies, one agreement — each sees exactly its share through the
API (every field shown or withheld by its label), the timing holds, and every view of
TLP:AMBER+STRICT or TLP:RED content is in the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from tests.disclosure.test_exports import _validated_flaw
from tests.disclosure.world import Lab, lab
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.disclosure import sharing
from redhive.findings.models import Flaw
from redhive.kit import utcnow
from redhive.orgs.models import SystemGrant

ROOT_CAUSE = "The role-play frame outranks the policy CANARY-ROOT."


async def agencies(platform: Platform) -> dict[str, Any]:
    """Two agencies, each with an admin and an observer logged in."""
    out: dict[str, Any] = {}
    for name in ("AISI", "CAISI"):
        org = await platform.org(name, kind="regulator")
        people = {}
        for role in ("admin", "observer"):
            user = await platform.user(f"{name} {role}")
            await platform.member(user, org, role)
            people[role] = (user, await platform.login(user))
        out[name] = (org, people)
    return out


async def _flaw_with_root_cause(platform: Platform, w: Lab) -> str:
    flaw_id = await _validated_flaw(platform, w)
    async with platform.session() as session:  # no route edits a root cause yet: set it as triage would
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None
        flaw.root_cause = ROOT_CAUSE
    return flaw_id


async def _viewed(platform: Platform, user_id: str) -> list[AuditEvent]:
    async with platform.session() as session:
        return list((await session.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure.viewed",
                                                                    AuditEvent.actor_id == user_id))).all())


async def test_each_agency_sees_exactly_its_share(platform: Platform) -> None:
    w = await lab(platform)
    flaw_id = await _flaw_with_root_cause(platform, w)
    ag = await agencies(platform)
    aisi, caisi = ag["AISI"][0], ag["CAISI"][0]
    coord = w.clients["coordinator"]

    # before any agreement, neither agency sees anything
    for name in ("AISI", "CAISI"):
        r = await ag[name][1]["observer"][1].get("/api/disclosure/shared")
        assert r.status_code == 200 and r.json() == []

    r = await coord.post(f"/api/disclosure/orgs/{w.org.id}/agreements",
                         json={"recipient_org_id": aisi.id, "scope_type": "system", "scope_id": w.system.id,
                               "audience": "TLP:AMBER", "note": "pre-deployment evaluation"})
    assert r.status_code == 201, r.text
    agreement = r.json()
    assert agreement["audience"] == "TLP:AMBER" and agreement["revoked_at"] is None

    # AISI: title, taxonomy, severity (GREEN) and the root cause (AMBER); nothing else exists on a flaw
    for role in ("admin", "observer"):
        r = await ag["AISI"][1][role][1].get("/api/disclosure/shared")
        assert r.status_code == 200, r.text
        [item] = r.json()
        assert item["id"] == flaw_id and item["owner"] == "Lab" and item["agreement_id"] == agreement["id"]
        assert item["audience"] == "TLP:AMBER" and item["tlp"] == "TLP:AMBER"
        assert item["fields"]["root_cause"] == ROOT_CAUSE
        assert item["fields"]["title"] == "Role-play recites the surrogate reference"
        one = await ag["AISI"][1][role][1].get(f"/api/disclosure/shared/flaws/{flaw_id}")
        assert one.status_code == 200 and one.json()["fields"] == item["fields"]
    # CAISI: nothing, and the flaw is not there at all (404, like any flaw one may not see)
    r = await ag["CAISI"][1]["admin"][1].get("/api/disclosure/shared")
    assert r.json() == []
    r = await ag["CAISI"][1]["admin"][1].get(f"/api/disclosure/shared/flaws/{flaw_id}")
    assert r.status_code == 404 and "Traceback" not in r.text
    # the lab's own staff see the whole flaw where they always did, not through /shared
    assert (await coord.get("/api/disclosure/shared")).json() == []

    # the lab lowers nothing, but raises the root cause to AMBER+STRICT: AISI now sees it withheld
    r = await coord.post(f"/api/disclosure/flaws/{flaw_id}/labels", json={"labels": {"root_cause": "TLP:AMBER+STRICT"}})
    assert r.status_code == 200, r.text
    [item] = (await ag["AISI"][1]["observer"][1].get("/api/disclosure/shared")).json()
    assert item["fields"]["root_cause"] == {"withheld": "TLP:AMBER+STRICT"}
    assert "CANARY-ROOT" not in str(item)
    assert await _viewed(platform, ag["AISI"][1]["observer"][0].id) == []  # nothing above AMBER was shown

    # an AMBER+STRICT agreement for CAISI: it sees the root cause, and each such view is audited
    r = await coord.post(f"/api/disclosure/orgs/{w.org.id}/agreements",
                         json={"recipient_org_id": caisi.id, "scope_type": "system", "scope_id": w.system.id,
                               "audience": "TLP:AMBER+STRICT"})
    assert r.status_code == 201, r.text
    caisi_obs = ag["CAISI"][1]["observer"]
    [item] = (await caisi_obs[1].get("/api/disclosure/shared")).json()
    assert item["fields"]["root_cause"] == ROOT_CAUSE and item["tlp"] == "TLP:AMBER+STRICT"
    await caisi_obs[1].get(f"/api/disclosure/shared/flaws/{flaw_id}")
    events = await _viewed(platform, caisi_obs[0].id)
    assert len(events) == 2 and all(e.object_id == flaw_id and e.after and e.after["fields"] == ["root_cause"]
                                    and e.after["agreement_id"] == r.json()["id"] for e in events)

    # revoked: nothing more is shared under it
    r = await coord.post(f"/api/disclosure/agreements/{r.json()['id']}/revoke")
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert (await caisi_obs[1].get("/api/disclosure/shared")).json() == []
    listed = (await w.clients["triager"].get(f"/api/disclosure/orgs/{w.org.id}/agreements")).json()
    assert [a["recipient_org_id"] for a in listed] == [aisi.id, caisi.id]


async def test_red_reaches_named_people_only_and_timing_holds(platform: Platform) -> None:
    w = await lab(platform)
    flaw_id = await _flaw_with_root_cause(platform, w)
    ag = await agencies(platform)
    aisi, people = ag["AISI"]
    coord = w.clients["coordinator"]
    await coord.post(f"/api/disclosure/flaws/{flaw_id}/labels", json={"labels": {"root_cause": "TLP:RED"}})

    body = {"recipient_org_id": aisi.id, "scope_type": "system", "scope_id": w.system.id, "audience": "TLP:RED"}
    r = await coord.post(f"/api/disclosure/orgs/{w.org.id}/agreements", json=body)
    assert r.status_code == 400 and "named individuals" in r.json()["error"]["message"]
    r = await coord.post(f"/api/disclosure/orgs/{w.org.id}/agreements",
                         json={**body, "named_user_ids": [people["admin"][0].id]})
    assert r.status_code == 201, r.text
    [named] = (await people["admin"][1].get("/api/disclosure/shared")).json()
    [other] = (await people["observer"][1].get("/api/disclosure/shared")).json()
    assert named["fields"]["root_cause"] == ROOT_CAUSE and named["tlp"] == "TLP:RED"
    assert other["fields"]["root_cause"] == {"withheld": "TLP:RED"} and other["audience"] == "TLP:AMBER+STRICT"
    [event] = await _viewed(platform, people["admin"][0].id)
    assert event.after and event.after["label"] == "TLP:RED"

    # timing: 30 days after validation; after the fix (never, here)
    caisi = ag["CAISI"][0]
    async with platform.session() as session:
        lab_admin = await platform.actor(await _lab_admin(platform, w))
        now = utcnow()
        await sharing.create(session, lab_admin, w.org.id, recipient_org_id=caisi.id, scope_type="system",
                             scope_id=w.system.id, audience="TLP:GREEN", delay_days=30, now=now)
        await sharing.create(session, lab_admin, w.org.id, recipient_org_id=caisi.id, scope_type="system",
                             scope_id=w.system.id, audience="TLP:AMBER", after="fixed", now=now)
    caisi_actor = await platform.actor(ag["CAISI"][1]["observer"][0])
    async with platform.session() as session:
        assert await sharing.shared_with(session, caisi_actor, now=now + timedelta(days=29)) == []
        [item] = await sharing.shared_with(session, caisi_actor, now=now + timedelta(days=31))
        assert item.view.audience == "TLP:GREEN" and "root_cause" not in item.view.fields

    # bad input: one sentence, the right status
    for bad, word in (({**body, "audience": "TLP:PINK"}, "TLP 2.0"),
                      ({**body, "scope_id": "nope"}, "no system"),
                      ({**body, "recipient_org_id": w.org.id}, "other organisation")):
        r = await coord.post(f"/api/disclosure/orgs/{w.org.id}/agreements", json=bad)
        assert r.status_code == 400 and word in r.json()["error"]["message"], r.text
    r = await w.clients["triager"].post(f"/api/disclosure/orgs/{w.org.id}/agreements", json=body)
    assert r.status_code == 403


async def _lab_admin(platform: Platform, w: Lab) -> Any:
    user = await platform.user("Second lab admin")
    await platform.member(user, w.org, "admin")
    return user


async def test_a_mission_scoped_agreement_shares_that_mission_only(platform: Platform) -> None:
    from tests.disclosure.test_mission_report import ROOT, mission_with_a_flaw

    w = await lab(platform)
    mission_id, in_mission = await mission_with_a_flaw(platform, w)
    outside = await _validated_flaw(platform, w)  # the same system, no mission
    ag = await agencies(platform)
    r = await w.clients["coordinator"].post(
        f"/api/disclosure/orgs/{w.org.id}/agreements",
        json={"recipient_org_id": ag["AISI"][0].id, "scope_type": "mission", "scope_id": mission_id,
              "audience": "TLP:GREEN"})
    assert r.status_code == 201, r.text
    observer = ag["AISI"][1]["observer"][1]
    assert [f["id"] for f in (await observer.get("/api/disclosure/shared")).json()] == [in_mission]
    assert (await observer.get(f"/api/disclosure/shared/flaws/{outside}")).status_code == 404
    page = await observer.get("/disclosure/shared")
    assert page.status_code == 200 and "Withheld (TLP:AMBER)" in page.text and ROOT not in page.text


async def test_a_restricted_hazard_finding_stays_with_its_named_contacts(platform: Platform) -> None:
    w = await lab(platform)
    flaw_id = await _flaw_with_root_cause(platform, w)
    async with platform.session() as session:
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None
        flaw.hazard_class, flaw.hazard_domain, flaw.restricted = "HZ2", "biological", True
    ag = await agencies(platform)
    named = ag["AISI"][1]["admin"]
    r = await w.clients["coordinator"].post(
        f"/api/disclosure/orgs/{w.org.id}/agreements",
        json={"recipient_org_id": ag["AISI"][0].id, "scope_type": "system", "scope_id": w.system.id,
              "audience": "TLP:RED", "named_user_ids": [named[0].id]})
    assert r.status_code == 201, r.text
    [item] = (await named[1].get("/api/disclosure/shared")).json()
    assert item["audience"] == "TLP:AMBER+STRICT" and item["display_title"].startswith("Restricted hazard finding")
    assert ROOT_CAUSE not in str(item) and all(v == {"withheld": "TLP:RED"} for v in item["fields"].values())


async def test_the_agreements_page_makes_and_revokes_one(platform: Platform) -> None:
    w = await lab(platform)
    flaw_id = await _validated_flaw(platform, w)
    ag = await agencies(platform)
    aisi = ag["AISI"][0]
    async with platform.session() as session:  # AISI evaluates Chatty: the form offers it as a recipient
        session.add(SystemGrant(system_id=w.system.id, org_id=aisi.id, created_at=utcnow()))
    coord = w.clients["coordinator"]
    page = await coord.get("/disclosure/agreements")
    assert page.status_code == 200 and f'<option value="{aisi.id}">AISI</option>' in page.text
    assert f'value="system:{w.system.id}"' in page.text and "CAISI" not in page.text
    csrf = coord.headers["X-CSRF-Token"]
    r = await coord.post(f"/disclosure/orgs/{w.org.id}/agreements",
                         data={"csrf_token": csrf, "recipient_org_id": aisi.id, "scope": f"system:{w.system.id}",
                               "audience": "TLP:RED", "after": "validated", "delay_days": "0"})
    assert r.status_code == 303  # refused: RED names no one; one sentence back on the page
    page = await coord.get(r.headers["location"])
    assert "TLP:RED is for named individuals only" in page.text
    r = await coord.post(f"/disclosure/orgs/{w.org.id}/agreements",
                         data={"csrf_token": csrf, "recipient_org_id": aisi.id, "scope": f"system:{w.system.id}",
                               "audience": "TLP:GREEN", "after": "validated", "delay_days": "0"})
    assert r.status_code == 303
    [agreement] = (await coord.get(f"/api/disclosure/orgs/{w.org.id}/agreements")).json()
    assert agreement["audience"] == "TLP:GREEN"
    observer = ag["AISI"][1]["observer"][1]
    assert [f["id"] for f in (await observer.get("/api/disclosure/shared")).json()] == [flaw_id]
    # the triager sees the agreements, without the form or revoke buttons
    seen = await w.clients["triager"].get("/disclosure/agreements")
    assert f'id="agreement-{agreement["id"]}"' in seen.text and "Make agreement" not in seen.text
    r = await coord.post(f"/disclosure/agreements/{agreement['id']}/revoke", data={"csrf_token": csrf})
    assert r.status_code == 303
    assert (await observer.get("/api/disclosure/shared")).json() == []
