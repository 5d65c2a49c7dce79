"""Incidents (issue 14 point 5): the Lab records an incident in its deployed system, keeps its
timeline, lists affected organisations, notifies two agencies at different labels; each agency sees
exactly its share (the same redaction as flaws), acknowledges it, and every step is audited. The
command line records and shows one. Bad input is one sentence. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select
from tests.joint.world import joint
from tests.platform_fixtures import PASSWORD, Platform
from typer.testing import CliRunner

from redhive.audit.models import AuditEvent
from redhive.cli import app as cli


def _shown(item: dict) -> set[str]:  # type: ignore[type-arg]
    return {f for f, v in item["fields"].items() if not (isinstance(v, dict) and set(v) == {"withheld"})}


async def test_an_incident_is_shared_per_label_acknowledged_and_audited(platform: Platform) -> None:
    w = await joint(platform)
    c = w.clients
    body = {"org_id": w.orgs["lab"].id, "system_id": w.system.id, "title": "Assistant leaks CANARY-TITLE",
            "severity": "S1", "detected_at": "2026-12-01T09:30:00+00:00",
            "summary": "Deployed assistant recites CANARY-SUMMARY", "technical_details": "Prompt CANARY-TECH"}
    for bad, words in (({**body, "severity": "S9"}, "not a severity band"),
                       ({**body, "detected_at": "2999-01-01T00:00:00+00:00"}, "in the future"),
                       ({**body, "system_id": w.rival_version.system_id}, "runs no AI system")):
        r = await c["lab_triager"].post("/api/incidents", json=bad)
        assert r.status_code == 400 and words in r.json()["error"]["message"], r.text
        assert "Traceback" not in r.text
    r = await c["aisi_admin"].post("/api/incidents", json=body)
    assert r.status_code == 403
    r = await c["lab_triager"].post("/api/incidents", json=body)
    assert r.status_code == 201, r.text
    incident = r.json()
    iid = incident["id"]
    assert [e["kind"] for e in incident["fields"]["timeline"]] == ["detected"]

    r = await c["lab_triager"].post(f"/api/incidents/{iid}/events",
                                    json={"kind": "contained", "text": "Prompt rolled back",
                                          "at": "2026-12-01T11:00:00Z"})
    assert r.status_code == 201, r.text
    r = await c["lab_triager"].post(f"/api/incidents/{iid}/events",
                                    json={"kind": "party", "at": "2026-12-01T11:00:00Z"})
    assert r.status_code == 400 and "not a kind of timeline event" in r.json()["error"]["message"]
    r = await c["lab_triager"].post(f"/api/incidents/{iid}/organizations",
                                    json={"org_id": w.orgs["other"].id, "impact": "runs the same model"})
    assert r.status_code == 201
    r = await c["lab_triager"].post(f"/api/incidents/{iid}/actions", json={"description": "Add an output filter"})
    assert r.status_code == 201
    r = await c["lab_triager"].post(f"/api/incidents/{iid}/status", json={"status": "closed"})
    assert r.status_code == 409 and "cannot become closed" in r.json()["error"]["message"]

    # notifying is the staff's decision; TLP:RED never leaves the operator
    r = await c["lab_triager"].post(f"/api/incidents/{iid}/notifications",
                                    json={"org_id": w.orgs["aisi"].id, "audience": "TLP:AMBER"})
    assert r.status_code == 403
    r = await c["lab_admin"].post(f"/api/incidents/{iid}/notifications",
                                  json={"org_id": w.orgs["aisi"].id, "audience": "TLP:RED"})
    assert r.status_code == 400 and "TLP:RED" in r.json()["error"]["message"]
    for org, label in (("aisi", "TLP:AMBER+STRICT"), ("caisi", "TLP:GREEN")):
        r = await c["lab_admin"].post(f"/api/incidents/{iid}/notifications",
                                      json={"org_id": w.orgs[org].id, "audience": label})
        assert r.status_code == 201, r.text

    # each agency sees exactly its share, the same redaction as flaws
    aisi = (await c["aisi_observer"].get(f"/api/incidents/{iid}/shared")).json()
    assert _shown(aisi) == {"title", "severity", "summary", "impact", "affected", "timeline", "actions",
                            "technical_details"}
    assert aisi["fields"]["technical_details"] == "Prompt CANARY-TECH"
    caisi = (await c["caisi_observer"].get(f"/api/incidents/{iid}/shared")).json()
    assert _shown(caisi) == {"title", "severity"} and "CANARY-SUMMARY" not in json.dumps(caisi)
    assert caisi["fields"]["timeline"] == {"withheld": "TLP:AMBER"}
    assert (await c["caisi_observer"].get(f"/api/incidents/{iid}")).status_code == 403  # not the whole record
    assert (await c["outsider"].get(f"/api/incidents/{iid}/shared")).status_code == 404
    page = await c["caisi_observer"].get(f"/incidents/{iid}")
    assert page.status_code == 200 and "Withheld (TLP:AMBER)" in page.text and "CANARY-SUMMARY" not in page.text

    # acknowledged by the recipient's triage team (AISI's admin), once
    r = await c["aisi_observer"].post(f"/api/incidents/{iid}/acknowledge", json={"org_id": w.orgs["aisi"].id})
    assert r.status_code == 403
    r = await c["aisi_admin"].post(f"/api/incidents/{iid}/acknowledge", json={"org_id": w.orgs["aisi"].id})
    assert r.status_code == 200 and r.json()["acknowledged_at"]
    r = await c["aisi_admin"].post(f"/api/incidents/{iid}/acknowledge", json={"org_id": w.orgs["aisi"].id})
    assert r.status_code == 409
    full = (await c["lab_triager"].get(f"/api/incidents/{iid}")).json()
    assert {n["organisation"]: bool(n["acknowledged_at"]) for n in full["notifications"]} == {
        "AISI": True, "CAISI": False}
    assert [e["kind"] for e in full["fields"]["timeline"]] == [
        "detected", "contained", "action", "notified", "notified", "acknowledged"]

    async with platform.session() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.object_id == iid)
                                        .order_by(AuditEvent.at))).all()
    actions = [e.action for e in events]
    assert actions.count("incidents.notified") == 4  # in the owner's log and the recipient's, each
    assert actions.count("incidents.acknowledged") == 2
    viewed = [e for e in events if e.action == "disclosure.viewed"]
    assert [(e.actor_id, (e.after or {}).get("fields")) for e in viewed] == [
        (w.users["aisi_observer"].id, ["technical_details"])]


async def test_the_command_line_records_and_shows_an_incident(platform: Platform, db_url: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    w = await joint(platform)
    monkeypatch.setenv("REDHIVE_DATABASE_URL", db_url)
    monkeypatch.setenv("REDHIVE_PASSWORD", PASSWORD)
    runner = CliRunner()
    admin = w.users["lab_admin"].email
    base = ["incidents", "create", "--org", w.orgs["lab"].id, "--system", w.system.id, "--title", "Leak in prod",
            "--as", admin]
    bad = await asyncio.to_thread(runner.invoke, cli, [*base, "--severity", "S1", "--detected-at", "yesterday"])
    assert bad.exit_code == 2 and "is not a time" in bad.output and "Traceback" not in bad.output
    made = await asyncio.to_thread(runner.invoke, cli, [*base, "--severity", "S1", "--detected-at", "2026-12-01T09:30"])
    assert made.exit_code == 0, made.output
    iid = made.output.split()[1]
    sent = await asyncio.to_thread(runner.invoke, cli, [
        "incidents", "notify", iid, "--org", w.orgs["caisi"].id, "--audience", "TLP:GREEN", "--as", admin])
    assert sent.exit_code == 0, sent.output
    shown = await asyncio.to_thread(runner.invoke, cli, [
        "incidents", "show", iid, "--as", w.users["caisi_admin"].email])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["audience"] == "TLP:GREEN" and data["fields"]["title"] == "Leak in prod"
    assert data["fields"]["summary"] == {"withheld": "TLP:AMBER"}
    ack = await asyncio.to_thread(runner.invoke, cli, ["incidents", "acknowledge", iid, "--org", w.orgs["caisi"].id,
                              "--as", w.users["caisi_admin"].email])
    assert ack.exit_code == 0, ack.output
