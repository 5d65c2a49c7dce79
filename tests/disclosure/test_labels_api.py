"""Sharing labels through the API: stored with each new report and flaw, raised freely, lowered
only by the owning organisation's staff with a reason (recorded and audited), never under the floor."""

from __future__ import annotations

from sqlalchemy import select
from tests.disclosure.world import lab, report_body
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.disclosure.models import LabelDecision


async def test_labels_stored_raised_lowered_and_audited(platform: Platform) -> None:
    w = await lab(platform)
    c = w.clients
    r = await c["reporter"].post("/api/findings/reports", json=report_body(w.version.id))
    assert r.status_code == 201, r.text
    report_id = r.json()["report"]["id"]
    labels = (await c["reporter"].get(f"/api/disclosure/reports/{report_id}/labels")).json()
    assert labels["labels"]["title"] == "TLP:GREEN" and labels["labels"]["attack_prompts"] == "TLP:AMBER+STRICT"

    # raising is free: the reporter narrows the description's audience
    r = await c["reporter"].post(f"/api/disclosure/reports/{report_id}/labels",
                                 json={"labels": {"description": "TLP:RED"}})
    assert r.status_code == 200 and r.json()["labels"]["description"] == "TLP:RED"
    # lowering is the owning organisation's decision: not the reporter's, not a triager's
    for who in ("reporter", "triager"):
        r = await c[who].post(f"/api/disclosure/reports/{report_id}/labels",
                              json={"labels": {"description": "TLP:GREEN"}, "reason": "published"})
        assert r.status_code == 403, r.text
        assert "admins and coordinators" in r.json()["error"]["message"]
    assert (await c["outsider"].post(f"/api/disclosure/reports/{report_id}/labels",
                                     json={"labels": {"description": "TLP:GREEN"}, "reason": "x"})).status_code == 404
    r = await c["coordinator"].post(f"/api/disclosure/reports/{report_id}/labels",
                                    json={"labels": {"description": "TLP:GREEN"}})
    assert r.status_code == 400 and "give the reason" in r.json()["error"]["message"]
    r = await c["coordinator"].post(f"/api/disclosure/reports/{report_id}/labels",
                                    json={"labels": {"description": "TLP:GREEN"}, "reason": "fixed and published"})
    assert r.status_code == 200 and r.json()["labels"]["description"] == "TLP:GREEN"

    for bad, words in (({"nope": "TLP:RED"}, "no labelled field"), ({"title": "TLP:WHITE"}, "not a TLP 2.0 label")):
        r = await c["coordinator"].post(f"/api/disclosure/reports/{report_id}/labels",
                                        json={"labels": bad, "reason": "x"})
        assert r.status_code == 400 and words in r.json()["error"]["message"] and "Traceback" not in r.text

    async with platform.session() as session:
        decisions = (await session.scalars(select(LabelDecision).where(LabelDecision.object_id == report_id)
                                           .order_by(LabelDecision.at))).all()
        assert [(d.field, d.from_label, d.to_label, d.direction) for d in decisions] == [
            ("description", "TLP:AMBER", "TLP:RED", "raise"), ("description", "TLP:RED", "TLP:GREEN", "lower")]
        assert decisions[1].reason == "fixed and published"
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.object_id == report_id,
                                                                 AuditEvent.action.like("disclosure.%")))).all()
        assert [e.action for e in events] == ["disclosure.labels_raised", "disclosure.labels_lowered"]
        assert events[1].after == {"description": "TLP:GREEN", "reason": "fixed and published"}


async def test_hazard_floor_holds_and_the_flaw_inherits(platform: Platform) -> None:
    w = await lab(platform)
    c = w.clients
    r = await c["reporter"].post("/api/findings/reports", json=report_body(
        w.version.id, hazard_class="HZ2", hazard_domain="cyber_offence"))
    report_id = r.json()["report"]["id"]
    r = await c["admin"].post(f"/api/disclosure/reports/{report_id}/labels",
                              json={"labels": {"attack_prompts": "TLP:AMBER"}, "reason": "share with partners"})
    assert r.status_code == 400
    assert "never shared below TLP:AMBER+STRICT" in r.json()["error"]["message"]
    await c["reporter"].post(f"/api/disclosure/reports/{report_id}/labels", json={"labels": {"title": "TLP:AMBER"}})
    for state in ("triage", "validated"):
        moved = await c["triager"].post(f"/api/findings/reports/{report_id}/transitions", json={"state": state})
        assert moved.status_code == 200, moved.text
    flaw_id = moved.json()["flaw_id"]
    flaw = (await c["triager"].get(f"/api/disclosure/flaws/{flaw_id}/labels")).json()
    assert flaw["labels"]["title"] == "TLP:AMBER"  # never wider than the report's title was
    assert flaw["floors"]["root_cause"] == "TLP:AMBER+STRICT" and flaw["labels"]["root_cause"] == "TLP:AMBER+STRICT"
    assert (await c["reporter"].get(f"/api/disclosure/flaws/{flaw_id}/labels")).status_code == 404


async def test_the_report_and_flaw_pages_show_and_change_labels(platform: Platform) -> None:
    w = await lab(platform)
    c = w.clients
    report_id = (await c["reporter"].post("/api/findings/reports", json=report_body(w.version.id))).json()[
        "report"]["id"]
    page = await c["reporter"].get(f"/findings/reports/{report_id}")
    assert 'id="labels-form"' in page.text and 'name="label_attack_prompts"' in page.text
    csrf = c["reporter"].headers["X-CSRF-Token"]
    r = await c["reporter"].post(f"/findings/reports/{report_id}/labels",
                                 data={"csrf_token": csrf, "label_title": "TLP:AMBER"})
    assert r.status_code == 303
    labels = (await c["reporter"].get(f"/api/disclosure/reports/{report_id}/labels")).json()["labels"]
    assert labels["title"] == "TLP:AMBER"
    csrf = c["coordinator"].headers["X-CSRF-Token"]
    r = await c["coordinator"].post(f"/findings/reports/{report_id}/labels",
                                    data={"csrf_token": csrf, "label_title": "TLP:GREEN"})
    assert r.status_code == 303
    page = await c["coordinator"].get(r.headers["location"])
    assert "give the reason" in page.text  # refused with the sentence, nothing stored
    labels = (await c["coordinator"].get(f"/api/disclosure/reports/{report_id}/labels")).json()["labels"]
    assert labels["title"] == "TLP:AMBER"
