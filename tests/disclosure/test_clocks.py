"""Disclosure clocks: the defaults of flaw-management.md §5.5, and reminders, escalations and
extensions firing at a controlled `now` (the service never reads the wall clock; nothing sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from tests.disclosure.world import lab, report_body
from tests.platform_fixtures import Platform

from redhive.audit.models import AuditEvent
from redhive.disclosure import clock_service, clocks
from redhive.disclosure.models import DisclosureClock
from redhive.findings.models import Flaw
from redhive.findings.sla import aware
from redhive.kit import utcnow
from redhive.notifications.models import Notification
from redhive.orgs.models import SystemGrant

FRIDAY = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)


def test_defaults_follow_the_reference() -> None:
    assert clocks.add_business_days(FRIDAY, 1) == FRIDAY + timedelta(days=3)  # Monday
    report = clocks.report_clocks(clocks.ReportFacts(FRIDAY, "S2", None, None))
    assert report["acknowledge"].due_at == FRIDAY + timedelta(days=3)
    assert report["triage"].due_at == FRIDAY + timedelta(days=4)  # 2 business days: Tuesday
    assert clocks.report_clocks(clocks.ReportFacts(FRIDAY, "S0", None, None))["triage"].due_at == \
        FRIDAY + timedelta(hours=24)
    t0 = FRIDAY
    flaw = clocks.flaw_clocks(clocks.FlawFacts("S1", "HZ0", t0, t0 + timedelta(hours=3), None, None))
    assert flaw["notify"].due_at == t0 + timedelta(hours=24) and flaw["notify"].done_at == t0 + timedelta(hours=3)
    assert flaw["fix"].due_at == t0 + timedelta(days=30)
    assert flaw["developer_ack"].due_at == t0 + timedelta(hours=3, days=7)
    assert flaw["developer_ack"].escalate_at == t0 + timedelta(hours=3, days=30)  # 30 days of silence
    assert flaw["public_summary"].due_at == t0 + timedelta(hours=3, days=90)
    assert "technical_details" not in flaw
    fixed = t0 + timedelta(days=10)
    done = clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ1", t0, t0, t0, fixed))
    assert done["public_summary"].due_at == fixed + timedelta(days=30)  # earlier than notice + 90 days
    assert done["technical_details"].due_at == fixed + timedelta(days=45)
    assert "technical_details" not in clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ2", t0, t0, t0, fixed))
    assert "fix" not in clocks.flaw_clocks(clocks.FlawFacts("S4", "HZ0", t0, None, None, None))


async def test_reminder_escalation_and_extensions_at_a_controlled_time(platform: Platform) -> None:
    w = await lab(platform)
    c = w.clients
    regulator = await platform.org("AISI", kind="regulator")
    contact = await platform.user("Regulator Contact")
    await platform.member(contact, regulator, "admin")
    async with platform.session() as session:
        session.add(SystemGrant(system_id=w.system.id, org_id=regulator.id, created_at=utcnow()))
    filed = await c["reporter"].post("/api/findings/reports", json=report_body(w.version.id))
    report_id = filed.json()["report"]["id"]
    for state in ("triage", "validated"):
        moved = await c["triager"].post(f"/api/findings/reports/{report_id}/transitions", json={"state": state})
    flaw_id = moved.json()["flaw_id"]
    async with platform.session() as session:
        await session.execute(update(Flaw).where(Flaw.id == flaw_id).values(band="S1"))
        flaw = await session.get(Flaw, flaw_id)
        assert flaw is not None and flaw.validated_at is not None
        v = aware(flaw.validated_at)

    async def tick(at: datetime) -> dict[str, list[str]]:
        async with platform.session() as session:
            result = await clock_service.tick(session, at)
            kinds = {c.id: c.kind for c in (await session.scalars(select(DisclosureClock))).all()}
        return {"reminders": sorted(kinds[i] for i in result.reminders),
                "escalations": sorted(kinds[i] for i in result.escalations)}

    async def notes(kind: str) -> list[str]:
        async with platform.session() as session:
            rows = (await session.scalars(select(Notification).where(Notification.kind == kind))).all()
            return sorted(r.user_id for r in rows)

    assert await tick(v + timedelta(hours=1)) == {"reminders": [], "escalations": []}
    assert await tick(v + timedelta(hours=19)) == {"reminders": ["notify"], "escalations": []}  # due at 24 h
    assert await tick(v + timedelta(hours=20)) == {"reminders": [], "escalations": []}  # once only
    assert await tick(v + timedelta(hours=25)) == {"reminders": [], "escalations": ["notify"]}
    assert len(await notes("disclosure.reminder")) == 3  # triager, coordinator, admin
    assert len(await notes("disclosure.escalation")) == 2  # coordinator, admin
    assert contact.id not in await notes("disclosure.escalation")

    # the developer is notified: that clock is met; the developer has 7 days to acknowledge
    moved = await c["triager"].post(f"/api/findings/flaws/{flaw_id}/transitions", json={"state": "severity_assessed"})
    moved = await c["triager"].post(f"/api/findings/flaws/{flaw_id}/transitions", json={"state": "developer_notified"})
    assert moved.status_code == 200, moved.text
    n = utcnow()
    assert await tick(n + timedelta(days=6)) == {"reminders": ["developer_ack"], "escalations": []}
    dashboard = (await c["triager"].get(f"/api/disclosure/orgs/{w.org.id}/clocks")).json()
    ack = next(row for row in dashboard if row["kind"] == "developer_ack")
    assert next(row for row in dashboard if row["kind"] == "notify")["status"] == "done"

    # one extension of up to 14 days is the triage team's; a further one is the staff's decision
    r = await c["triager"].post(f"/api/disclosure/clocks/{ack['id']}/extend", json={"days": 20, "reason": "busy"})
    assert r.status_code == 403 and "admins and coordinators" in r.json()["error"]["message"]
    r = await c["triager"].post(f"/api/disclosure/clocks/{ack['id']}/extend",
                                json={"days": 10, "reason": "the developer is reproducing it"})
    assert r.status_code == 200 and r.json()["extended_days"] == 10 and r.json()["reminded_at"] is None
    r = await c["triager"].post(f"/api/disclosure/clocks/{ack['id']}/extend", json={"days": 5, "reason": "more"})
    assert r.status_code == 403
    r = await c["coordinator"].post(f"/api/disclosure/clocks/{ack['id']}/extend",
                                    json={"days": 5, "reason": "a holiday at the developer"})
    assert r.status_code == 200 and r.json()["extended_days"] == 15
    assert (await c["outsider"].post(f"/api/disclosure/clocks/{ack['id']}/extend",
                                     json={"days": 1, "reason": "x"})).status_code == 404

    page = await c["triager"].get("/disclosure/clocks")  # the dashboard, with an extension form per open clock
    assert page.status_code == 200 and f'id="clock-{ack["id"]}"' in page.text and "developer ack" in page.text
    r = await c["coordinator"].post(f"/disclosure/clocks/{ack['id']}/extend", data={
        "csrf_token": c["coordinator"].headers["X-CSRF-Token"], "days": "two", "reason": "x"})
    assert r.status_code == 303 and "whole number" in (await c["coordinator"].get("/disclosure/clocks")).text

    # 30 days of silence (plus the 15 granted): escalated to the coordinator and the regulator
    fired = await tick(n + timedelta(days=44))
    assert "developer_ack" not in fired["escalations"]
    fired = await tick(n + timedelta(days=46))
    assert "developer_ack" in fired["escalations"]
    assert contact.id in await notes("disclosure.escalation")
    async with platform.session() as session:
        actions = [e.action for e in (await session.scalars(select(AuditEvent).where(
            AuditEvent.object_id == flaw_id, AuditEvent.action.like("disclosure.clock_%")))).all()]
    assert actions.count("disclosure.clock_extended") == 2 and "disclosure.clock_escalated" in actions


def test_the_exploited_clock_follows_the_reference() -> None:
    """flaw-management.md: exploited in the wild, 7 days (+7 if a fix is actively in progress)."""
    t0, e = FRIDAY, FRIDAY + timedelta(days=2)
    plain = clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ0", t0, None, None, None, exploited_at=e))["exploited"]
    assert (plain.started_at, plain.due_at, plain.escalate_at) == (e, e + timedelta(days=7), e + timedelta(days=7))
    assert plain.remind_at == e + timedelta(days=7) - timedelta(days=7) / 4  # a quarter before, at most 2 days
    fixing = clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ0", t0, None, None, None, exploited_at=e,
                                                 remediating_at=e + timedelta(days=3)))["exploited"]
    assert fixing.due_at == e + timedelta(days=14)
    late = clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ0", t0, None, None, None, exploited_at=e,
                                               remediating_at=e + timedelta(days=8)))["exploited"]
    assert late.due_at == e + timedelta(days=7)  # work that starts after the deadline does not extend it
    fixed = clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ0", t0, None, None, e + timedelta(days=5),
                                                exploited_at=e))["exploited"]
    assert fixed.done_at == e + timedelta(days=5)
    assert "exploited" not in clocks.flaw_clocks(clocks.FlawFacts("S2", "HZ0", t0, None, None, None))


async def test_exploited_in_the_wild_reminds_and_escalates_at_a_controlled_time(platform: Platform) -> None:
    w = await lab(platform)
    c = w.clients
    regulator = await platform.org("AISI", kind="regulator")
    contact = await platform.user("Regulator Contact")
    await platform.member(contact, regulator, "admin")
    async with platform.session() as session:
        session.add(SystemGrant(system_id=w.system.id, org_id=regulator.id, created_at=utcnow()))

    async def validated_flaw() -> str:
        filed = await c["reporter"].post("/api/findings/reports", json=report_body(w.version.id))
        report_id = filed.json()["report"]["id"]
        for state in ("triage", "validated"):
            moved = await c["triager"].post(f"/api/findings/reports/{report_id}/transitions", json={"state": state})
        flaw_id = str(moved.json()["flaw_id"])
        async with platform.session() as session:
            await session.execute(update(Flaw).where(Flaw.id == flaw_id).values(band="S2"))
        return flaw_id

    unfixed, fixing = await validated_flaw(), await validated_flaw()
    for flaw_id in (unfixed, fixing):
        r = await c["triager"].post(f"/api/disclosure/flaws/{flaw_id}/exploited",
                                    json={"evidence": "a partner's honeypot logged the attack"})
        assert r.status_code == 200, r.text
    r = await c["triager"].post(f"/api/disclosure/flaws/{unfixed}/exploited", json={"evidence": "again"})
    assert r.status_code == 400 and "already recorded as exploited in the wild" in r.json()["error"]["message"]
    for who in ("reporter", "outsider"):
        r = await c[who].post(f"/api/disclosure/flaws/{unfixed}/exploited", json={"evidence": "x"})
        assert r.status_code == 404
    # the second flaw's fix is under way before its deadline: 7 more days
    for state in ("severity_assessed", "developer_notified", "acknowledged", "in_remediation"):
        moved = await c["triager"].post(f"/api/findings/flaws/{fixing}/transitions", json={"state": state})
        assert moved.status_code == 200, moved.text
    async with platform.session() as session:
        exploited = {f.id: aware(f.exploited_at) for f in (await session.scalars(select(Flaw).where(
            Flaw.id.in_([unfixed, fixing])))).all() if f.exploited_at}
    e = max(exploited.values())

    async def tick(at: datetime) -> dict[str, list[str]]:
        async with platform.session() as session:
            result = await clock_service.tick(session, at)
            rows = {c.id: c for c in (await session.scalars(select(DisclosureClock).where(
                DisclosureClock.kind == "exploited"))).all()}
        return {"reminders": sorted(rows[i].object_id for i in result.reminders if i in rows),
                "escalations": sorted(rows[i].object_id for i in result.escalations if i in rows)}

    async def escalated_to() -> set[str]:
        async with platform.session() as session:
            return set((await session.scalars(select(Notification.user_id).where(
                Notification.kind == "disclosure.escalation", Notification.url == f"/findings/flaws/{unfixed}"))).all())

    assert await tick(e + timedelta(days=5)) == {"reminders": [], "escalations": []}
    assert await tick(e + timedelta(days=5, hours=7)) == {"reminders": [unfixed], "escalations": []}  # 1.75 d before
    assert await tick(e + timedelta(days=6)) == {"reminders": [], "escalations": []}  # once only
    assert await tick(e + timedelta(days=7, minutes=1)) == {"reminders": [], "escalations": [unfixed]}
    assert contact.id in await escalated_to()  # the regulator's admin hears of an exploited flaw left unfixed
    assert await tick(e + timedelta(days=12, hours=7)) == {"reminders": [fixing], "escalations": []}
    assert await tick(e + timedelta(days=14, minutes=1)) == {"reminders": [], "escalations": [fixing]}
    dashboard = (await c["triager"].get(f"/api/disclosure/orgs/{w.org.id}/clocks")).json()
    assert sorted(row["object_id"] for row in dashboard if row["kind"] == "exploited") == sorted([unfixed, fixing])
    async with platform.session() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "disclosure.exploited"))).all()
    assert sorted(e.object_id for e in events) == sorted([unfixed, fixing])
    assert all((e.after or {}).get("evidence") == "a partner's honeypot logged the attack" for e in events)
