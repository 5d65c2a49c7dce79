"""The demo shows the whole findings lifecycle (reports in every state, flaws resolved, still affected
on an older version and regressed, a cluster to merge, what each role must do next, cohort and
coverage pages that agree), and notifications are mailed through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.platform_fixtures import Platform, platform_settings

from redhive.demo import seed_demo
from redhive.findings import clusters, lifecycle, views
from redhive.findings.models import Flaw, FlawReport, Remediation, SeverityAssessment
from redhive.findings.todo import todo
from redhive.gateway.service import verify_mission
from redhive.missions import cohort
from redhive.missions.models import Mission
from redhive.notifications import mail
from redhive.notifications.models import Notification
from redhive.notifications.service import notify


async def test_the_demo_shows_every_step_of_the_lifecycle(platform: Platform) -> None:
    async with platform.session() as session:
        seed = await seed_demo(session)
    async with platform.session() as session:
        again = await seed_demo(session)  # idempotent: nothing is added twice
        states = set((await session.scalars(select(FlawReport.state))).all())
        flaws = {f.title: f for f in (await session.scalars(select(Flaw))).all()}
        remediations = (await session.scalars(select(Remediation))).all()
        assessments = (await session.scalars(select(SeverityAssessment))).all()
    assert states == set(lifecycle.REPORT_STATES)
    assert sorted(f.state for f in flaws.values()) == ["developer_notified", "regressed", "resolved"]
    assert len(remediations) == 2 and len(assessments) == 4
    assert again.versions["hotfix"].id == seed.versions["hotfix"].id

    tomas, lena = await platform.actor(seed.users["triager"]), await platform.actor(seed.users["lab_admin"])
    amara = await platform.actor(seed.users["expert_security"])
    resolved = next(f for f in flaws.values() if f.state == "resolved")
    async with platform.session() as session:
        view = await views.flaw_view(session, tomas, resolved.id)
        reporter_view = await views.flaw_view(session, amara, resolved.id)
        found = await clusters.open_clusters(session, tomas)
        mission = await session.scalar(select(Mission).where(Mission.org_id == seed.orgs["lab"].id))
        assert mission is not None
        chain = await verify_mission(session, mission.id)
        triager_todo, admin_todo, reporter_todo = (await todo(session, tomas), await todo(session, lena),
                                                   await todo(session, amara))
    assert view.full and len(view.reports) == 2 and len(view.assessments) == 2
    assert [e.verified for e in view.evidence] == [True] and chain.ok and chain.checked >= 2
    assert {r.result for _, r in view.version_status} == {"fixed", "still_affected"}
    assert not reporter_view.full and len(reporter_view.reports) == 1 and reporter_view.assessments == []
    assert any(len(c.reports) == 2 and "dosage" in c.reports[0].title.lower() for c in found)
    assert any("wait for triage" in s for s, _ in triager_todo)
    assert any("acknowledgement" in s for s, _ in admin_todo) and any("regressed" in s for s, _ in admin_todo)
    assert any("drafts" in s for s, _ in reporter_todo)

    cora = await platform.actor(seed.users["coordinator"])
    async with platform.session() as session:  # "0 of 90 cells covered" on the cohort page, 16 on coverage
        selection = await cohort.run_selection(session, cora, mission_id=mission.id)
        coverage = await cohort.coverage(session, cora, mission.id)
    assert coverage.covered > 0 and selection.covered_cells >= coverage.covered


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


async def test_notifications_are_mailed_when_smtp_is_configured(platform: Platform, db_url: str,
                                                                 tmp_path: Path) -> None:
    controller_module = pytest.importorskip("aiosmtpd.controller")
    user = await platform.user("Rhea Reporter", email="rhea@example.test")
    async with platform.session() as session:
        await notify(session, [user.id], kind="report.validated", url="/findings/reports/x",
                     message="Your report \"Role-play leak\" is now validated.")
    assert await mail.send_pending(platform.db, platform_settings(db_url, tmp_path)) == 0  # no SMTP: in-app only

    inbox, port = _Inbox(), _free_port()
    controller = controller_module.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = platform_settings(db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                                     mail_from="redhive <noreply@example.test>")
        assert await mail.send_pending(platform.db, settings, "http://redhive.example.test") == 1
        assert await mail.send_pending(platform.db, settings) == 0  # each notification is mailed once
    finally:
        controller.stop()
    [sent] = inbox.messages
    assert sent["To"] == "rhea@example.test" and "is now validated" in sent["Subject"]
    assert "http://redhive.example.test/findings/reports/x" in sent.get_payload()

    async with platform.session() as session:  # a server that does not answer: the error is kept, nothing raised
        await notify(session, [user.id], kind="comment", url="/findings/reports/x", message="A comment.")
    down = platform_settings(db_url, tmp_path, smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_timeout=2)
    assert await mail.send_pending(platform.db, down) == 0
    async with platform.session() as session:
        failed = await session.scalar(select(Notification).where(Notification.kind == "comment"))
    assert failed is not None and failed.emailed_at is None and "ConnectionRefused" in (failed.email_error or "")
