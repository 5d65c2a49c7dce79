"""Disclosure clocks kept in step with what happened to each report and flaw, their reminders and
escalations fired at an injected `now` (a job, `redhive disclosure tick`, or a test's controlled
time — nothing here reads the wall clock), extensions as recorded decisions, and the dashboard.

Reminders go to the organisation's triage team; escalations to its admins and coordinators, and a
developer silent 30 days after notice, or a flaw exploited in the wild and not fixed in time, is
escalated to the admins of the regulators its system is granted to as well. Messages name the
clock and the object's id, never a title (titles are labelled)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize, can, require, require_user
from redhive.disclosure import clocks
from redhive.disclosure.models import ClockExtension, DisclosureClock
from redhive.errors import InvalidInput, NotFound
from redhive.findings import lifecycle
from redhive.findings.models import Flaw, FlawReport, TransitionEvent
from redhive.findings.sla import aware
from redhive.notifications.service import notify
from redhive.orgs.models import Membership, Organization, SystemGrant

__all__ = ["SYSTEM", "ClockRow", "TickResult", "extend", "list_clocks", "mark_exploited", "tick"]

#: Who the clocks act as in the audit log: the platform itself.
SYSTEM = Actor(user_id=None, display_name="disclosure clocks")
MAX_EXTENSION_DAYS = 365


@dataclass(frozen=True)
class TickResult:
    reminders: list[str]
    escalations: list[str]


@dataclass(frozen=True)
class ClockRow:
    clock: DisclosureClock
    status: str  # done | overdue | due_soon | on_track


def _first(events: Sequence[TransitionEvent], *, to: frozenset[str] | None = None,
           source: str | None = None) -> datetime | None:
    for e in events:
        if (to is None or e.to_state in to) and (source is None or e.from_state == source):
            return aware(e.at)
    return None


async def _events(session: AsyncSession, kind: str, ids: list[str]) -> dict[str, list[TransitionEvent]]:
    out: dict[str, list[TransitionEvent]] = {}
    rows = (await session.scalars(select(TransitionEvent).where(TransitionEvent.object_type == kind,
                                                                TransitionEvent.object_id.in_(ids))
                                  .order_by(TransitionEvent.at))).all()
    for e in rows:
        out.setdefault(e.object_id, []).append(e)
    return out


async def _expected(session: AsyncSession) -> list[tuple[str, str, str, str, clocks.Due]]:
    """(object type, id, org, kind, due) of every clock the reports and flaws call for now."""
    out: list[tuple[str, str, str, str, clocks.Due]] = []
    reports = (await session.scalars(select(FlawReport).where(FlawReport.submitted_at.is_not(None)))).all()
    events = await _events(session, "report", [r.id for r in reports])
    decided = frozenset(lifecycle.REPORT_STATES) - lifecycle.OPEN_REPORT_STATES - {"draft"}
    for r in reports:
        ev = events.get(r.id, [])
        facts = clocks.ReportFacts(submitted_at=aware(r.submitted_at) if r.submitted_at else None,
                                   band=r.proposed_severity, left_submitted_at=_first(ev, source="submitted"),
                                   decided_at=_first(ev, to=decided))
        out += [("report", r.id, r.org_id, kind, due) for kind, due in clocks.report_clocks(facts).items()]
    flaws = (await session.scalars(select(Flaw))).all()
    events = await _events(session, "flaw", [f.id for f in flaws])
    for f in flaws:
        ev = events.get(f.id, [])
        fixed = [aware(e.at) for e in ev if e.to_state == "resolved"]
        flaw_facts = clocks.FlawFacts(band=f.band, hazard_class=f.hazard_class,
                                      validated_at=aware(f.validated_at) if f.validated_at else None,
                                      notified_at=_first(ev, to=frozenset({"developer_notified"})),
                                      acknowledged_at=_first(ev, to=frozenset({"acknowledged"})),
                                      fixed_at=fixed[-1] if fixed and f.state == "resolved" else None,
                                      exploited_at=aware(f.exploited_at) if f.exploited_at else None,
                                      remediating_at=_first(ev, to=frozenset({"in_remediation"})))
        out += [("flaw", f.id, f.org_id, kind, due) for kind, due in clocks.flaw_clocks(flaw_facts).items()]
    return out


async def _sync(session: AsyncSession) -> list[tuple[DisclosureClock, clocks.Due]]:
    stored = {(c.object_type, c.object_id, c.kind): c for c in (await session.scalars(select(DisclosureClock))).all()}
    out = []
    for object_type, object_id, org_id, kind, due in await _expected(session):
        clock = stored.get((object_type, object_id, kind))
        if clock is None:
            clock = DisclosureClock(object_type=object_type, object_id=object_id, org_id=org_id, kind=kind,
                                    extended_days=0)
            session.add(clock)
        clock.started_at = due.started_at
        clock.due_at = due.due_at + timedelta(days=clock.extended_days or 0)
        clock.done_at = due.done_at
        out.append((clock, due))
    await session.flush()
    return out


async def _people(session: AsyncSession, org_ids: Sequence[str], roles: frozenset[str]) -> list[str]:
    return list((await session.scalars(select(Membership.user_id).where(Membership.org_id.in_(list(org_ids)),
                                                                        Membership.role.in_(roles)))).all())


async def _regulators(session: AsyncSession, flaw_id: str) -> list[str]:
    flaw = await session.get(Flaw, flaw_id)
    if flaw is None:
        return []
    return list((await session.scalars(select(SystemGrant.org_id).join(Organization,
                                                                       Organization.id == SystemGrant.org_id)
                                       .where(SystemGrant.system_id == flaw.system_id,
                                              Organization.kind == "regulator"))).all())


def _url(clock: DisclosureClock) -> str:
    return f"/findings/{clock.object_type}s/{clock.object_id}"


async def tick(session: AsyncSession, now: datetime) -> TickResult:
    """Bring every clock in step and fire what is due at `now`: an escalation when the clock has
    passed its escalation time, otherwise a reminder when it has passed its reminder time; each once."""
    reminders, escalations = [], []
    for clock, due in await _sync(session):
        if clock.done_at is not None:
            continue
        extension = timedelta(days=clock.extended_days or 0)
        name = f"The {clock.kind.replace('_', ' ')} clock of {clock.object_type} {clock.object_id}"
        if now >= due.escalate_at + extension and clock.escalated_at is None:
            clock.escalated_at = now
            orgs = [clock.org_id]
            # 30 days of silence, or an exploited flaw unfixed: the coordinator and the regulators hear of it
            if clock.kind in ("developer_ack", "exploited"):
                orgs += await _regulators(session, clock.object_id)
            await notify(session, await _people(session, orgs, frozenset({"admin", "coordinator"})),
                         kind="disclosure.escalation", url=_url(clock),
                         message=f"{name} passed its deadline ({aware(clock.due_at):%Y-%m-%d %H:%M} UTC): escalated.")
            await record(session, SYSTEM, "disclosure.clock_escalated", object_type=clock.object_type,
                         object_id=clock.object_id, org_id=clock.org_id,
                         after={"clock": clock.kind, "due_at": aware(clock.due_at).isoformat(), "notified_orgs": orgs})
            escalations.append(clock.id)
        elif now >= due.remind_at + extension and clock.reminded_at is None and clock.escalated_at is None:
            clock.reminded_at = now
            team = await _people(session, [clock.org_id], frozenset({"admin", "coordinator", "triager"}))
            await notify(session, team, kind="disclosure.reminder", url=_url(clock),
                         message=f"{name} is due {aware(clock.due_at):%Y-%m-%d %H:%M} UTC.")
            await record(session, SYSTEM, "disclosure.clock_reminder", object_type=clock.object_type,
                         object_id=clock.object_id, org_id=clock.org_id,
                         after={"clock": clock.kind, "due_at": aware(clock.due_at).isoformat()})
            reminders.append(clock.id)
    await session.flush()
    return TickResult(reminders, escalations)


async def extend(session: AsyncSession, actor: Actor, clock_id: str, *, days: int, reason: str,
                 now: datetime) -> DisclosureClock:
    """Push a clock's deadline back by `days`: the first extension, up to 14 days, by the triage team
    on evidence of active work; any further or longer one by the organisation's staff. Both need the
    reason, are recorded and audited; a moved deadline may remind and escalate again."""
    require_user(actor)
    clock = await session.get(DisclosureClock, clock_id)
    relations = actor.relations(clock.org_id) if clock is not None else set()
    if clock is None or not can(actor, "findings.clocks", relations):  # others do not learn it exists
        raise NotFound(f"There is no disclosure clock {clock_id} that you can see.")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(f"An extension is 1 to {MAX_EXTENSION_DAYS} days: give the days it needs.", field="days")
    if not reason.strip():
        raise InvalidInput("An extension needs its reason (the evidence of active work), for the record.",
                           field="reason")
    if clock.done_at is not None:
        raise InvalidInput(f"The {clock.kind} clock is already met: there is nothing to extend.", field="clock")
    earlier = await session.scalar(select(ClockExtension.id).where(ClockExtension.clock_id == clock.id).limit(1))
    if earlier is not None or days > clocks.FIRST_EXTENSION_DAYS:
        authorize(actor, "findings.clocks_decide", relations, kind="disclosure clock", object_id=clock_id,
                  why=f"One extension of up to {clocks.FIRST_EXTENSION_DAYS} days is the triage team's; a further "
                  "or longer one is a decision of the organisation's admins and coordinators.")
    before = aware(clock.due_at)
    clock.extended_days = (clock.extended_days or 0) + days
    clock.due_at = before + timedelta(days=days)
    if aware(clock.due_at) > now:
        clock.reminded_at = clock.escalated_at = None
    session.add(ClockExtension(clock_id=clock.id, days=days, reason=reason, actor_id=actor.user_id, at=now))
    await record(session, actor, "disclosure.clock_extended", object_type=clock.object_type, object_id=clock.object_id,
                 org_id=clock.org_id, before={"due_at": before.isoformat()},
                 after={"clock": clock.kind, "days": days, "due_at": aware(clock.due_at).isoformat(), "reason": reason})
    await session.flush()
    return clock


async def list_clocks(session: AsyncSession, actor: Actor, org_id: str, now: datetime) -> list[ClockRow]:
    """The organisation's clocks, soonest first, with where each stands at `now` (the dashboard)."""
    require(actor, "findings.clocks", org_id)
    rows = (await session.scalars(select(DisclosureClock).where(DisclosureClock.org_id == org_id)
                                  .order_by(DisclosureClock.due_at))).all()
    out = []
    for c in rows:
        due = aware(c.due_at)
        status = ("done" if c.done_at is not None else "overdue" if now > due
                  else "due_soon" if now >= due - timedelta(days=2) else "on_track")
        out.append(ClockRow(c, status))
    return out


async def mark_exploited(session: AsyncSession, actor: Actor, flaw_id: str, *, evidence: str,
                         now: datetime) -> Flaw:
    """Record that a flaw is exploited in the wild (by its triage team, with the evidence): its
    exploited clock starts at `now`. Audited; recorded once."""
    require_user(actor)
    flaw = await session.get(Flaw, flaw_id)
    if flaw is None or not can(actor, "findings.clocks", actor.relations(flaw.org_id)):
        raise NotFound(f"There is no flaw {flaw_id} whose disclosure clocks you keep.")
    if not evidence.strip():
        raise InvalidInput("Say how the exploitation is known (the evidence), for the record.", field="evidence")
    if flaw.exploited_at is not None:
        raise InvalidInput(f"Flaw {flaw_id} is already recorded as exploited in the wild since "
                           f"{aware(flaw.exploited_at):%Y-%m-%d %H:%M} UTC.", field="flaw")
    flaw.exploited_at = now
    await record(session, actor, "disclosure.exploited", object_type="flaw", object_id=flaw.id, org_id=flaw.org_id,
                 after={"exploited_at": now.isoformat(), "evidence": evidence.strip()})
    await session.flush()
    return flaw
