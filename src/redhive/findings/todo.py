"""What findings ask of each person next, for the dashboard: triagers the open queue and flaws to
assess, the developer's staff flaws to acknowledge, fix and re-test, reporters their reports that
need an answer or are still drafts. Each line comes from the same permission checks as the pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.auth.permissions import Actor
from redhive.findings import sla
from redhive.findings.models import Flaw, FlawReport
from redhive.kit import utcnow

__all__ = ["todo"]


async def _count(session: AsyncSession, model: type[FlawReport] | type[Flaw], *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def todo(session: AsyncSession, actor: Actor) -> list[tuple[str, str]]:
    """(sentence, link) lines, most urgent first; empty when nothing waits for the actor."""
    if not actor.is_authenticated:
        return []
    out: list[tuple[str, str]] = []
    triage = actor.org_ids("findings.triage") if not actor.is_platform_admin else None
    staff = actor.org_ids("findings.remediate") if not actor.is_platform_admin else None

    def orgs(model: type[FlawReport] | type[Flaw], ids: list[str] | None) -> list[Any]:
        return [] if ids is None else [model.org_id.in_(ids)]

    if triage is None or triage:
        reports = (await session.scalars(select(FlawReport).where(
            FlawReport.state.in_(("submitted", "triage")), *orgs(FlawReport, triage)))).all()
        late = sum(1 for r in reports if r.submitted_at and sla.report_clock(
            r.submitted_at, r.proposed_severity, r.paused_seconds, r.paused_at, utcnow()).breached)
        if reports:
            out.append((f"{len(reports)} report(s) wait for triage" + (f", {late} past the SLA" if late else "") + ".",
                        "/findings/board"))
        unassessed = await _count(session, Flaw, Flaw.state == "validated", *orgs(Flaw, triage))
        if unassessed:
            out.append((f"{unassessed} validated flaw(s) need a severity assessment.", "/findings/board#flaws"))
    if staff is None or staff:
        for state, sentence in (("developer_notified", "wait for the developer's acknowledgement"),
                                ("regressed", "regressed on a later version"),
                                ("acknowledged", "need a remediation plan"),
                                ("fix_ready", "have a fix ready to re-test"),
                                ("in_remediation", "are being fixed")):
            n = await _count(session, Flaw, Flaw.state == state, *orgs(Flaw, staff))
            if n:
                out.append((f"{n} flaw(s) {sentence}.", f"/findings/board#col-{state}"))
    mine = (await session.execute(select(FlawReport.state, func.count()).where(
        FlawReport.reporter_id == actor.user_id, FlawReport.state.in_(("needs_info", "draft")))
        .group_by(FlawReport.state))).all()
    for state, n in mine:
        out.append((f"{n} of your reports " + ("need more information from you." if state == "needs_info"
                                               else "are drafts to finish and submit."), "/findings/mine"))
    return out


