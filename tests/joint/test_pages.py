"""The joint-exercise and incident pages through their forms (one service call each; a refusal comes
back as one sentence on the page) and their accessibility: one h1, a language, a label for every field."""

from __future__ import annotations

from sqlalchemy import select
from tests.joint.world import joint, validated_flaw
from tests.platform.test_accessibility import FormAudit
from tests.platform_fixtures import Platform

from redhive.incidents.models import Incident


def _audit(path: str, html: str) -> None:
    audit = FormAudit()
    audit.feed(html)
    assert audit.lang == "en", path
    assert audit.h1 == 1, f"{path} has {audit.h1} h1 headings"
    unlabelled = [f for f in audit.fields if f not in audit.labels]
    assert not unlabelled, f"{path}: fields without a label: {unlabelled}"


async def test_the_pages_run_the_exercise_and_an_incident(platform: Platform) -> None:
    w = await joint(platform)
    flaw_id, _ = await validated_flaw(w, "aisi_red_teamer", "Role-play recites the surrogate reference")
    aisi, lab, caisi = w.clients["aisi_admin"], w.clients["lab_admin"], w.clients["caisi_observer"]
    page = await aisi.get(f"/joint/missions/{w.mission_id}")
    assert page.status_code == 200 and "Make the agreement" in page.text
    _audit("/joint/missions/ID", page.text)
    form = {"csrf_token": aisi.headers["X-CSRF-Token"], f"audience_{w.orgs['aisi'].id}": "TLP:AMBER",
            f"audience_{w.orgs['caisi'].id}": "TLP:RED", f"audience_{w.orgs['lab'].id}": ""}
    r = await aisi.post(f"/joint/missions/{w.mission_id}/agreement", data=form)
    assert r.status_code == 303
    assert "TLP:RED is for named individuals only" in (await aisi.get(r.headers["location"])).text
    r = await aisi.post(f"/joint/missions/{w.mission_id}/agreement",
                        data={**form, f"audience_{w.orgs['caisi'].id}": "TLP:GREEN",
                              f"audience_{w.orgs['lab'].id}": "TLP:AMBER"})
    assert r.status_code == 303
    page = await lab.get(f"/joint/missions/{w.mission_id}")
    assert "Accept the agreement for Lab" in page.text and "Make the agreement" not in page.text
    agreement_id = page.text.split('action="/joint/agreements/')[1].split("/")[0]
    r = await lab.post(f"/joint/agreements/{agreement_id}/accept",
                       data={"csrf_token": lab.headers["X-CSRF-Token"], "org_id": w.orgs["lab"].id})
    assert r.status_code == 303 and r.headers["location"] == f"/joint/missions/{w.mission_id}"
    shared = await caisi.get("/disclosure/shared")
    assert f'id="shared-{flaw_id}"' in shared.text and "Withheld (TLP:AMBER)" in shared.text

    # an incident through its forms: recorded, notified to CAISI at TLP:GREEN, seen redacted, acknowledged
    csrf = w.clients["lab_triager"].headers["X-CSRF-Token"]
    triager = w.clients["lab_triager"]
    listing = await triager.get("/incidents")
    _audit("/incidents", listing.text)
    r = await triager.post("/incidents", data={"csrf_token": csrf, "system_id": w.system.id, "title": "Leak in prod",
                                               "severity": "S1", "detected_at": "tomorrow"})
    assert r.status_code == 303 and "is not a time" in (await triager.get(r.headers["location"])).text
    r = await triager.post("/incidents", data={"csrf_token": csrf, "system_id": w.system.id, "title": "Leak in prod",
                                               "severity": "S1", "detected_at": "2026-12-01T09:30",
                                               "summary": "CANARY-SUMMARY"})
    assert r.status_code == 303 and r.headers["location"].startswith("/incidents/")
    async with platform.session() as session:
        incident_id = (await session.scalars(select(Incident.id))).one()
    detail = await triager.get(f"/incidents/{incident_id}")
    assert "CANARY-SUMMARY" in detail.text and 'id="timeline"' in detail.text
    _audit("/incidents/ID", detail.text)
    r = await lab.post(f"/incidents/{incident_id}/notifications",
                       data={"csrf_token": lab.headers["X-CSRF-Token"], "org_id": w.orgs["caisi"].id,
                             "audience": "TLP:GREEN"})
    assert r.status_code == 303
    seen = await w.clients["caisi_admin"].get(f"/incidents/{incident_id}")
    assert seen.status_code == 200 and "Withheld (TLP:AMBER)" in seen.text and "CANARY-SUMMARY" not in seen.text
    assert "Acknowledge" in seen.text
    _audit("/incidents/ID (shared)", seen.text)
    r = await w.clients["caisi_admin"].post(f"/incidents/{incident_id}/acknowledge", data={
        "csrf_token": w.clients["caisi_admin"].headers["X-CSRF-Token"], "org_id": w.orgs["caisi"].id})
    assert r.status_code == 303
    assert "acknowledged" in (await w.clients["caisi_admin"].get(f"/incidents/{incident_id}")).text
    _audit("/joint/transfers", (await aisi.get("/joint/transfers")).text)
