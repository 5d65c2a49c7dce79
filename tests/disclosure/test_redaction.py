"""Redaction by audience: every field above the audience's label is withheld — marked with its
label, its content absent — and views of TLP:AMBER+STRICT or TLP:RED content are audited."""

from __future__ import annotations

import json

from sqlalchemy import select
from tests.disclosure.world import lab, report_body
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.disclosure import tlp
from redhive.disclosure.redaction import parse_audience, redact
from redhive.errors import InvalidInput


def test_redact_withholds_above_the_audience_and_copies_nothing_withheld() -> None:
    values = {f: f"canary-{f}" for f in tlp.FIELDS["flaw"]}
    labels = dict(zip(tlp.FIELDS["flaw"], tlp.LABELS + tlp.LABELS, strict=False))
    for audience in tlp.LABELS:
        shared = redact("flaw", values, labels, audience, envelope={"id": "f1", "state": "new"})
        text = json.dumps(shared.as_dict())
        for field, label in labels.items():
            assert (f"canary-{field}" in text) == tlp.may_receive(audience, label)
            if not tlp.may_receive(audience, label):
                assert shared.as_dict()["fields"][field] == {"withheld": label}
        assert tlp.rank(shared.label) <= tlp.rank(audience)


def test_audience_parsing_is_one_sentence() -> None:
    assert parse_audience("tlp:amber+strict") == "TLP:AMBER+STRICT" and parse_audience("GREEN") == "TLP:GREEN"
    for bad, words in (("TLP:WHITE", "not a TLP 2.0 label"), ("purple", "not a TLP 2.0 label")):
        try:
            parse_audience(bad)
        except InvalidInput as exc:
            assert words in exc.message
        else:
            raise AssertionError(bad)
    try:
        parse_audience("TLP:RED", export=True)
    except InvalidInput as exc:
        assert "never a file" in exc.message
    else:
        raise AssertionError("RED export")


async def test_api_view_per_audience_and_audit_of_strict_views(platform: Platform) -> None:
    w = await lab(platform)
    c = w.clients
    filed = await c["reporter"].post("/api/findings/reports", json=report_body(w.version.id))
    report_id = filed.json()["report"]["id"]
    green = await c["triager"].get(f"/api/disclosure/reports/{report_id}", params={"audience": "TLP:GREEN"})
    assert green.status_code == 200, green.text
    assert green.json()["fields"]["title"] == "Role-play recites the surrogate reference"
    assert green.json()["fields"]["attack_prompts"] == {"withheld": "TLP:AMBER+STRICT"}
    assert "CANARY" not in green.text and green.json()["tlp"] == "TLP:GREEN"
    strict = await c["triager"].get(f"/api/disclosure/reports/{report_id}", params={"audience": "TLP:AMBER+STRICT"})
    assert "CANARY-PROMPT" in strict.text and strict.json()["tlp"] == "TLP:AMBER+STRICT"
    bad = await c["triager"].get(f"/api/disclosure/reports/{report_id}", params={"audience": "TLP:WHITE"})
    assert bad.status_code == 400 and "not a TLP 2.0 label" in bad.json()["error"]["message"]
    assert (await c["outsider"].get(f"/api/disclosure/reports/{report_id}",
                                    params={"audience": "TLP:GREEN"})).status_code == 404
    async with platform.session() as session:
        views = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure.viewed",
                                                                AuditEvent.object_id == report_id))).all()
    assert len(views) == 1 and views[0].after is not None and views[0].after["audience"] == "TLP:AMBER+STRICT"
    assert "attack_prompts" in views[0].after["fields"]
