"""The joint exercise (issue 14, Must show): a lab, two agencies, one agreement — each sees exactly its
share through the API, the consolidated report holds nothing above its audience, and every TLP:RED
view is in the audit log as the exact events expected. SQLite and PostgreSQL (the `db` fixture)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from tests.helpers import finished_job
from tests.joint.world import ROOT_CAUSE, Joint, joint, validated_flaw
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.disclosure.models import SharingAgreement
from redhive.findings.models import Flaw

GREEN_FIELDS = {"title", "taxonomy", "severity"}
ALL_FIELDS = GREEN_FIELDS | {"root_cause", "reliability", "remediation"}


async def _events(w: Joint, action: str, **where: Any) -> list[AuditEvent]:
    async with w.platform.session() as session:
        query = select(AuditEvent).where(AuditEvent.action == action)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return list((await session.scalars(query.order_by(AuditEvent.at))).all())


def _shown(item: dict[str, Any]) -> set[str]:
    return {f for f, v in item["fields"].items() if not (isinstance(v, dict) and set(v) == {"withheld"})}


async def _setup(platform: Platform) -> tuple[Joint, str, str]:
    w = await joint(platform)
    red_flaw, aisi_report = await validated_flaw(w, "aisi_red_teamer", "Role-play recites the surrogate reference")
    other_flaw, caisi_report = await validated_flaw(w, "caisi_red_teamer", "Base64 framing leaks the system prompt")
    # findings carry their organisation: each report the organisation its reporter tests for
    assert aisi_report["reporter_org_id"] == w.orgs["aisi"].id
    assert caisi_report["reporter_org_id"] == w.orgs["caisi"].id
    async with platform.session() as session:  # no route edits a root cause yet: set it as triage would
        flaw = await session.get(Flaw, red_flaw)
        assert flaw is not None
        flaw.root_cause = ROOT_CAUSE
    r = await w.clients["lab_coordinator"].post(f"/api/disclosure/flaws/{red_flaw}/labels",
                                                json={"labels": {"root_cause": "TLP:RED"}})
    assert r.status_code == 200, r.text
    return w, red_flaw, other_flaw


async def _agree(w: Joint) -> None:
    parties = [{"org_id": w.orgs["aisi"].id, "audience": "TLP:AMBER"},
               {"org_id": w.orgs["lab"].id, "audience": "TLP:AMBER"}]
    r = await w.clients["aisi_admin"].post(f"/api/joint/missions/{w.mission_id}/agreement", json={"parties": parties})
    assert r.status_code == 201, r.text
    r = await w.clients["lab_admin"].post(f"/api/joint/agreements/{r.json()['agreement']['id']}/accept",
                                          json={"org_id": w.orgs["lab"].id})
    assert r.status_code == 200, r.text


async def test_each_party_sees_exactly_its_share_and_every_red_view_is_audited(platform: Platform) -> None:
    w, red_flaw, other_flaw = await _setup(platform)
    aisi_admin = w.users["aisi_admin"]
    c = w.clients
    parties = [{"org_id": w.orgs["aisi"].id, "audience": "TLP:RED", "named_user_ids": [aisi_admin.id]},
               {"org_id": w.orgs["caisi"].id, "audience": "TLP:GREEN"},
               {"org_id": w.orgs["lab"].id, "audience": "TLP:AMBER"}]

    # bad input: one sentence each, nothing stored
    r = await c["aisi_admin"].post(f"/api/joint/missions/{w.mission_id}/agreement",
                                   json={"parties": [{**parties[0], "named_user_ids": []}, parties[1]]})
    assert r.status_code == 400 and "named individuals" in r.json()["error"]["message"]
    r = await c["aisi_admin"].post(f"/api/joint/missions/{w.mission_id}/agreement",
                                   json={"parties": [*parties, {"org_id": w.orgs["other"].id,
                                                                "audience": "TLP:GREEN"}]})
    assert r.status_code == 400 and "does not take part in this mission" in r.json()["error"]["message"]
    # only the organiser's staff make it
    r = await c["caisi_admin"].post(f"/api/joint/missions/{w.mission_id}/agreement", json={"parties": parties})
    assert r.status_code == 403
    r = await c["aisi_admin"].post(f"/api/joint/missions/{w.mission_id}/agreement", json={"parties": parties})
    assert r.status_code == 201, r.text
    assert {o["name"]: (o["audience"], o["accepted"]) for o in r.json()["organisations"]} == {
        "AISI": ("TLP:RED", True), "CAISI": ("TLP:GREEN", False), "Lab": ("TLP:AMBER", False)}
    agreement_id = r.json()["agreement"]["id"]
    r = await c["aisi_admin"].post(f"/api/joint/missions/{w.mission_id}/agreement", json={"parties": parties})
    assert r.status_code == 409

    # the Lab owns the flaws: nothing is shared until its staff accept
    for name in ("aisi_admin", "caisi_observer"):
        assert (await c[name].get("/api/disclosure/shared")).json() == []
    r = await c["lab_triager"].post(f"/api/joint/agreements/{agreement_id}/accept",
                                    json={"org_id": w.orgs["lab"].id})
    assert r.status_code == 403  # a triager may not commit the organisation
    r = await c["lab_admin"].post(f"/api/joint/agreements/{agreement_id}/accept",
                                  json={"org_id": w.orgs["lab"].id})
    assert r.status_code == 200, r.text
    listed = (await c["lab_triager"].get(f"/api/disclosure/orgs/{w.orgs['lab'].id}/agreements")).json()
    assert {(a["recipient_org_id"], a["audience"], a["joint_agreement_id"]) for a in listed} == {
        (w.orgs["aisi"].id, "TLP:RED", agreement_id), (w.orgs["caisi"].id, "TLP:GREEN", agreement_id)}
    async with w.platform.session() as session:
        lab_to_aisi = await session.scalar(select(SharingAgreement.id).where(
            SharingAgreement.org_id == w.orgs["lab"].id, SharingAgreement.recipient_org_id == w.orgs["aisi"].id))

    def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {i["id"]: i for i in items}

    # AISI's named individual: TLP:RED, everything
    named = by_id((await c["aisi_admin"].get("/api/disclosure/shared")).json())
    assert set(named) == {red_flaw, other_flaw}
    assert _shown(named[red_flaw]) == ALL_FIELDS and named[red_flaw]["fields"]["root_cause"] == ROOT_CAUSE
    assert named[red_flaw]["tlp"] == "TLP:RED" and named[other_flaw]["tlp"] == "TLP:AMBER"
    one = await c["aisi_admin"].get(f"/api/disclosure/shared/flaws/{red_flaw}")
    assert one.status_code == 200 and one.json()["fields"]["root_cause"] == ROOT_CAUSE
    # AISI's other members stop at TLP:AMBER+STRICT: the RED root cause is withheld
    for name in ("aisi_observer", "aisi_red_teamer"):
        seen = by_id((await c[name].get("/api/disclosure/shared")).json())
        assert set(seen) == {red_flaw, other_flaw}
        assert _shown(seen[red_flaw]) == ALL_FIELDS - {"root_cause"}
        assert seen[red_flaw]["fields"]["root_cause"] == {"withheld": "TLP:RED"}
        assert _shown(seen[other_flaw]) == ALL_FIELDS
    # CAISI: TLP:GREEN, title, taxonomy and severity only
    for name in ("caisi_admin", "caisi_observer", "caisi_red_teamer"):
        seen = by_id((await c[name].get("/api/disclosure/shared")).json())
        assert set(seen) == {red_flaw, other_flaw}
        assert all(_shown(item) == GREEN_FIELDS and item["audience"] == "TLP:GREEN" for item in seen.values())
        assert "CANARY-ROOT-RED" not in json.dumps(seen)
    # someone outside the agreement: nothing, and 404 for a flaw
    assert (await c["outsider"].get("/api/disclosure/shared")).json() == []
    assert (await c["outsider"].get(f"/api/disclosure/shared/flaws/{red_flaw}")).status_code == 404

    # every TLP:RED view is in the audit log: exactly the named individual's two views of the red flaw
    red = [e for e in await _events(w, "disclosure.viewed") if (e.after or {}).get("label") == "TLP:RED"]
    assert [(e.actor_id, e.object_id, e.org_id, e.after) for e in red] == [
        (aisi_admin.id, red_flaw, w.orgs["lab"].id,
         {"audience": "TLP:RED", "label": "TLP:RED", "agreement_id": lab_to_aisi, "fields": ["root_cause"]})] * 2
    accepted = await _events(w, "joint.agreement_accepted", org_id=w.orgs["lab"].id)
    assert len(accepted) == 1 and accepted[0].after == {
        "agreement_id": agreement_id,
        "shares": {w.orgs["aisi"].id: "TLP:RED", w.orgs["caisi"].id: "TLP:GREEN"}}

    # one consolidated report across the organisations, for one audience
    r = await c["caisi_observer"].get(f"/api/joint/missions/{w.mission_id}/report",
                                      params={"audience": "TLP:AMBER+STRICT", "format": "json"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert {f["id"] for f in report["findings"]} == {red_flaw, other_flaw}
    assert all(f["mitigation"] == {"withheld": "TLP:AMBER"} for f in report["findings"])  # capped by its share
    assert "CANARY-ROOT-RED" not in r.text
    assert {o["name"]: (o["reports"], o["flaws"]) for o in report["organisations"]} == {
        "AISI": (1, 1), "CAISI": (1, 1), "Lab": (0, 0)}
    r = await c["lab_coordinator"].get(f"/api/joint/missions/{w.mission_id}/report",
                                       params={"audience": "TLP:GREEN", "format": "html"})
    assert r.status_code == 200 and 'id="organisations"' in r.text and "Withheld (TLP:AMBER)" in r.text
    assert "CANARY-ROOT-RED" not in r.text and "the model recites" not in r.text
    r = await c["aisi_admin"].get(f"/api/joint/missions/{w.mission_id}/report", params={"audience": "TLP:RED"})
    assert r.status_code == 400 and "never a file" in r.json()["error"]["message"]
    r = await c["outsider"].get(f"/api/joint/missions/{w.mission_id}/report")
    assert r.status_code == 404
    reported = await _events(w, "disclosure.reported", object_id=w.mission_id)
    assert [(e.after or {}).get("audience") for e in reported] == ["TLP:AMBER+STRICT", "TLP:GREEN"]
    # the reports showed nothing at TLP:RED, so no RED view was added
    assert [e.id for e in red] == [e.id for e in await _events(w, "disclosure.viewed")
                                   if (e.after or {}).get("label") == "TLP:RED"]


async def test_a_transfer_reaches_the_other_developer_only_through_the_coordinator(platform: Platform) -> None:
    w, red_flaw, _ = await _setup(platform)
    c = w.clients
    both = w.users["lab_triager"]  # a transfer test runs on the target's upstream: authority on both sides
    await w.platform.member(both, w.orgs["other"], "triager")
    r = await c["lab_triager"].post(f"/api/findings/flaws/{red_flaw}/transfer",
                                    json={"version_ids": [w.rival_version.id], "trials": 2})
    job = await finished_job(c["lab_triager"], r)  # a transfer test runs as a job (D46)
    assert job["status"] == "succeeded", job
    assert [x["result"] for x in job["result"]["results"]] == ["affected"]  # type: ignore[index]

    # the coordinator (AISI, the mission's organiser) received it; the developer sees nothing yet
    [notice] = (await c["aisi_admin"].get("/api/joint/transfers")).json()
    assert notice["status"] == "received"
    assert (await c["outsider"].get("/api/joint/transfers")).json() == []
    assert (await c["outsider"].get(f"/api/joint/transfers/{notice['id']}")).status_code == 404
    review = (await c["aisi_admin"].get(f"/api/joint/transfers/{notice['id']}")).json()
    assert review["side"] == "coordinator" and review["owner"] == "Lab" and review["developer"] == "Other Lab"
    # a coordinator that does not own the flaw forwards no more than is shared with it: nothing yet
    assert review["may_forward_up_to"] == "TLP:CLEAR" and _shown(review["flaw"]) == set()
    await _agree(w)
    review = (await c["aisi_admin"].get(f"/api/joint/transfers/{notice['id']}")).json()
    assert review["may_forward_up_to"] == "TLP:AMBER"  # and never what stays inside the flaw's owner

    # forwarding: the coordinator's staff only, at most TLP:AMBER; one sentence otherwise
    r = await c["aisi_observer"].post(f"/api/joint/transfers/{notice['id']}/forward", json={"audience": "TLP:GREEN"})
    assert r.status_code == 404  # an observer does not review notices: they do not exist for them
    r = await c["aisi_admin"].post(f"/api/joint/transfers/{notice['id']}/forward",
                                   json={"audience": "TLP:AMBER+STRICT"})
    assert r.status_code == 400 and "at most" in r.json()["error"]["message"]
    r = await c["aisi_admin"].post(f"/api/joint/transfers/{notice['id']}/forward",
                                   json={"audience": "TLP:GREEN", "note": "Please check Rival v1."})
    assert r.status_code == 200, r.text

    # the developer sees only what was forwarded: GREEN fields, the coordinator, not the flaw's owner
    seen = (await c["outsider"].get(f"/api/joint/transfers/{notice['id']}")).json()
    assert seen["side"] == "developer" and seen["coordinator"] == "AISI" and "owner" not in seen
    assert _shown(seen["flaw"]) == GREEN_FIELDS and seen["note"] == "Please check Rival v1."
    assert "CANARY-ROOT-RED" not in json.dumps(seen) and "Lab" not in json.dumps(
        {k: v for k, v in seen.items() if k != "flaw"})
    r = await c["outsider"].post(f"/api/joint/transfers/{notice['id']}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = await c["outsider"].post(f"/api/joint/transfers/{notice['id']}/acknowledge")
    assert r.status_code == 409

    # all audited, in each organisation concerned
    def trail(org: str) -> Any:
        return _events(w, "transfers.forwarded", org_id=w.orgs[org].id)
    assert [len(await trail(o)) for o in ("aisi", "lab", "other")] == [1, 1, 1]
    assert len(await _events(w, "transfers.received", org_id=w.orgs["aisi"].id)) == 1
    assert len(await _events(w, "transfers.acknowledged", org_id=w.orgs["other"].id)) == 1
