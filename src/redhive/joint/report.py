"""The one consolidated report of a joint exercise: the audience report's data and renderer
(redhive.reports.audience) over every flaw of the mission the reader may see — their own
organisations' flaws as the audience may see them, the other parties' as shared with them under the
agreement, each at the narrower of the two labels — plus who took part and who found what.

Nothing labelled is read here but through `Shared` records, so the report holds nothing above its
audience; which organisation filed a report is not labelled (it travels with the mission's plan)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, has_permission
from redhive.disclosure import sharing
from redhive.disclosure.redaction import parse_audience
from redhive.errors import InvalidInput
from redhive.findings.exports import Exported, load
from redhive.findings.models import Flaw, FlawReport
from redhive.joint import service
from redhive.orgs.models import AISystem
from redhive.reports import audience as reports

__all__ = ["consolidated"]


async def _items(session: AsyncSession, actor: Actor, mission_id: str, audience: str,
                 now: datetime) -> list[Exported]:
    owners = sorted(set((await session.scalars(select(Flaw.org_id).where(Flaw.mission_id == mission_id))).all()))
    items: list[Exported] = []
    for owner in owners:
        if has_permission(actor, "findings.view", owner):
            items += await load(session, actor, owner, audience, mission_id=mission_id)
    seen = {i.flaw.id for i in items}
    shared = [s for s in await sharing.shared_with(session, actor, now=now, mission_id=mission_id, cap=audience)
              if s.view.id not in seen]
    systems = {s.id: s for s in (await session.scalars(select(AISystem).join(Flaw, Flaw.system_id == AISystem.id)
                                                       .where(Flaw.id.in_([s.view.id for s in shared])))).all()}
    system_of = dict((await session.execute(select(Flaw.id, Flaw.system_id).where(
        Flaw.id.in_([s.view.id for s in shared])))).all())
    for s in shared:  # agreements share flaws, not their reports
        system = systems[system_of[s.view.id]]
        items.append(Exported(flaw=s.view, reports=[], system=system.name, system_kind=system.kind, affected=[],
                              fixed=[]))
    return items


async def _organisations(session: AsyncSession, exercise: service.Exercise,
                         items: list[Exported]) -> list[dict[str, Any]]:
    """Each organisation of the exercise: its role, label, participants, and the reports and flaws
    among those in the report that its people filed (counted from the reports' organisation)."""
    flaw_ids = [i.flaw.id for i in items]
    rows = (await session.execute(select(FlawReport.flaw_id, FlawReport.reporter_org_id).where(
        FlawReport.flaw_id.in_(flaw_ids), FlawReport.state.in_(("validated", "duplicate"))))).all()
    reports = Counter(org for _, org in rows)
    flaws = Counter(org for _, org in set(rows))
    return [{"name": o.name, "role": o.role, "audience": o.audience, "accepted": o.accepted,
             "participants": o.participants, "reports": reports.get(o.org_id, 0), "flaws": flaws.get(o.org_id, 0)}
            for o in exercise.organisations]


async def consolidated(session: AsyncSession, actor: Actor, mission_id: str, audience: str, fmt: str, *,
                       now: datetime) -> str:
    """The joint exercise's report for `audience` in `fmt` (html | json), for anyone who sees the
    mission as one of its organisations; audited like every report (`disclosure.reported`)."""
    audience = parse_audience(audience, export=True)
    if fmt not in reports.TEXT_FORMATS:
        raise InvalidInput(f"Unknown report format {fmt!r}: choose html or json.", field="format")
    exercise = await service.exercise(session, actor, mission_id)
    mission = exercise.access.mission
    items = await _items(session, actor, mission.id, audience, now)
    info = await reports.mission_info(session, mission)
    data = reports.build(info, items, audience, now)
    data["organisations"] = await _organisations(session, exercise, items)
    await record(session, actor, "disclosure.reported", object_type="mission", object_id=mission.id,
                 org_id=mission.org_id, after={"format": fmt, "audience": audience, "joint": True,
                                               "flaws": [i.flaw.id for i in items]})
    return reports.render(fmt, data)
