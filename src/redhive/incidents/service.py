"""Incidents: the record of a serious flaw found in a deployed system, kept by the organisation that
runs it — a timeline of dated events, the organisations affected, the notifications sent to partner
agencies and affected organisations (each at a TLP label, acknowledged by the recipient's triage
team), and the actions taken. A notified organisation sees the incident only through
`redhive.disclosure.redaction` for its notification's label, and every view that shows
TLP:AMBER+STRICT content is audited. TLP:RED stays inside the owner: a notification goes out at
TLP:AMBER+STRICT at most. Services never commit; every change is audited and on the timeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from redhive.audit.service import record
from redhive.auth.permissions import Actor, authorize, has_permission, require, require_user
from redhive.auth.policy import NOTIFIED, Relation
from redhive.disclosure import service as disclosure
from redhive.disclosure import tlp
from redhive.disclosure.redaction import Shared, parse_audience, redact
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.findings.models import Flaw
from redhive.findings.severity import BANDS
from redhive.incidents.models import (
    EVENT_KINDS,
    STATUSES,
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentNotification,
    IncidentOrganization,
)
from redhive.notifications.service import notify
from redhive.orgs.models import AISystem, Membership, Organization, SystemVersion

__all__ = ["MOVES", "Detail", "acknowledge", "add_action", "add_event", "add_organization", "complete_action",
           "create", "detail", "labels_of", "list_incidents", "notify_org", "parse_day", "parse_time", "set_labels",
           "set_status", "share", "shared_view"]

#: status -> the statuses it may move to
MOVES = {"open": ("contained", "resolved"), "contained": ("open", "resolved"), "resolved": ("open", "closed"),
         "closed": ()}
HAZARDS = ("HZ0", "HZ1", "HZ2", "HZ3")


@dataclass(frozen=True)
class Detail:
    """An incident in full, for its owner's triage team."""

    incident: Incident
    events: list[IncidentEvent]
    organisations: list[tuple[IncidentOrganization, str]]
    notifications: list[tuple[IncidentNotification, str]]
    actions: list[IncidentAction]
    labels: dict[str, str]
    system: str


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def labels_of(incident: Incident) -> dict[str, str]:
    return tlp.effective_labels("incident", incident.labels, incident.hazard_class)


async def _event(session: AsyncSession, actor: Actor, incident: Incident, kind: str, text: str, at: datetime,
                 now: datetime) -> IncidentEvent:
    event = IncidentEvent(incident_id=incident.id, at=at, kind=kind, text=text, actor_id=actor.user_id,
                          recorded_at=now)
    session.add(event)
    incident.updated_at = now
    await session.flush()
    return event


async def _get(session: AsyncSession, actor: Actor, incident_id: str, action: str = "incidents.view") -> Incident:
    require_user(actor)
    incident = await session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"There is no incident {incident_id} that you can see.")
    authorize(actor, action, actor.relations(incident.org_id) | await _notified(session, actor, incident.id),
              kind="incident", object_id=incident_id)
    return incident


async def _notified(session: AsyncSession, actor: Actor, incident_id: str) -> set[Relation]:
    rows = (await session.scalars(select(IncidentNotification.org_id).where(
        IncidentNotification.incident_id == incident_id))).all()
    return {(NOTIFIED, role) for org in rows if (role := actor.role_in(org))}


async def create(session: AsyncSession, actor: Actor, org_id: str, *, system_id: str, title: str, severity: str,
                 detected_at: datetime, summary: str = "", impact: str = "", technical_details: str = "",
                 hazard_class: str = "HZ0", version_id: str | None = None, flaw_id: str | None = None,
                 now: datetime) -> Incident:
    require(actor, "incidents.manage", org_id)
    system = await session.get(AISystem, system_id)
    if system is None or system.org_id != org_id:
        raise InvalidInput(f"This organisation runs no AI system {system_id}: an incident is recorded by the "
                           "organisation whose deployed system it happened in.", field="system_id")
    if version_id is not None:
        version = await session.get(SystemVersion, version_id)
        if version is None or version.system_id != system_id:
            raise InvalidInput(f"{version_id} is not a version of {system.name}.", field="version_id")
    if flaw_id is not None:
        flaw = await session.get(Flaw, flaw_id)
        if flaw is None or flaw.org_id != org_id:
            raise InvalidInput(f"This organisation has no flaw {flaw_id}: link a flaw of its own, or none.",
                               field="flaw_id")
    if severity not in BANDS:
        raise InvalidInput(f"{severity!r} is not a severity band: use one of {', '.join(BANDS)} (S0 critical).",
                           field="severity")
    if hazard_class not in HAZARDS:
        raise InvalidInput(f"{hazard_class!r} is not a hazard class: use one of {', '.join(HAZARDS)}.",
                           field="hazard_class")
    if not title.strip():
        raise InvalidInput("An incident needs a title: say in a few words what happened.", field="title")
    if _aware(detected_at) > now:
        raise InvalidInput("The detection time is in the future: give when the incident was detected.",
                           field="detected_at")
    incident = Incident(org_id=org_id, system_id=system_id, version_id=version_id, flaw_id=flaw_id,
                        title=title.strip(), summary=summary, impact=impact, technical_details=technical_details,
                        severity=severity, hazard_class=hazard_class, status="open",
                        labels=tlp.default_labels("incident", hazard_class), detected_at=detected_at,
                        created_by_id=actor.user_id, created_at=now, updated_at=now)
    session.add(incident)
    await session.flush()
    await _event(session, actor, incident, "detected", summary[:500] or title, detected_at, now)
    await record(session, actor, "incidents.created", object_type="incident", object_id=incident.id, org_id=org_id,
                 after={"system_id": system_id, "severity": severity, "flaw_id": flaw_id})
    return incident


async def list_incidents(session: AsyncSession, actor: Actor) -> list[tuple[Incident, IncidentNotification | None]]:
    """The incidents of the actor's organisations they may see whole, then those notified to them."""
    require_user(actor)
    own = actor.org_ids("incidents.view")
    mine = list(actor.memberships)
    notified = select(IncidentNotification.incident_id).where(IncidentNotification.org_id.in_(mine))
    rows = (await session.scalars(select(Incident).where(or_(Incident.org_id.in_(own), Incident.id.in_(notified)))
                                  .order_by(Incident.detected_at.desc()))).all()
    notes = {n.incident_id: n for n in (await session.scalars(select(IncidentNotification).where(
        IncidentNotification.org_id.in_(mine), IncidentNotification.incident_id.in_([i.id for i in rows])))).all()}
    return [(i, None if i.org_id in own else notes.get(i.id)) for i in rows]


async def detail(session: AsyncSession, actor: Actor, incident_id: str) -> Detail:
    """The whole incident, with the notifications sent, for the owner's triage team."""
    incident = await _get(session, actor, incident_id)
    found = await _detail_unchecked(session, incident)
    sent = (await session.execute(select(IncidentNotification, Organization.name).join(
        Organization, Organization.id == IncidentNotification.org_id).where(
        IncidentNotification.incident_id == incident.id).order_by(IncidentNotification.sent_at))).all()
    return Detail(incident, found.events, found.organisations, [(n, name) for n, name in sent], found.actions,
                  found.labels, found.system)


def _values(d: Detail) -> dict[str, Any]:
    i = d.incident
    return {"title": i.title, "severity": i.severity, "summary": i.summary, "impact": i.impact,
            "affected": [{"organisation": name, "impact": o.impact} for o, name in d.organisations],
            "timeline": [{"at": _aware(e.at).isoformat(), "kind": e.kind, "text": e.text} for e in d.events],
            "actions": [{"description": a.description, "due_on": a.due_on.isoformat() if a.due_on else None,
                         "done_at": _aware(a.done_at).isoformat() if a.done_at else None} for a in d.actions],
            "technical_details": i.technical_details}


def share(d: Detail, audience: str) -> Shared:
    i = d.incident
    envelope = {"id": i.id, "status": i.status, "hazard_class": i.hazard_class, "restricted": False,
                "system": d.system, "detected_at": _aware(i.detected_at).isoformat(),
                "updated_at": _aware(i.updated_at).isoformat()}
    return redact("incident", _values(d), d.labels, audience, envelope=envelope)


async def shared_view(session: AsyncSession, actor: Actor, incident_id: str,
                      audience: str | None = None) -> tuple[Shared, IncidentNotification | None]:
    """The incident as the actor's organisation received it (its notification's label), or — for the
    owner's triage team — as `audience` would (default TLP:AMBER+STRICT). Audited above TLP:AMBER."""
    found = await session.get(Incident, incident_id)
    owner = found is not None and has_permission(actor, "incidents.view", found.org_id)
    incident = await _get(session, actor, incident_id, "incidents.view" if owner else "incident.shared")
    note = None
    if owner:
        audience = parse_audience(audience or tlp.AMBER_STRICT)
    else:
        notes = (await session.scalars(select(IncidentNotification).where(
            IncidentNotification.incident_id == incident.id,
            IncidentNotification.org_id.in_(list(actor.memberships))))).all()
        note = max(notes, key=lambda n: tlp.rank(n.audience))
        audience = note.audience
    view = share(await _detail_unchecked(session, incident), audience)
    await disclosure.audit_view(session, actor, "incident", incident.id, incident.org_id, view,
                                **({"notification_id": note.id} if note else {}))
    return view, note


async def _detail_unchecked(session: AsyncSession, incident: Incident) -> Detail:
    events = list((await session.scalars(select(IncidentEvent).where(IncidentEvent.incident_id == incident.id)
                                         .order_by(IncidentEvent.at, IncidentEvent.recorded_at))).all())
    rows = (await session.execute(select(IncidentOrganization, Organization.name).join(
        Organization, Organization.id == IncidentOrganization.org_id).where(
        IncidentOrganization.incident_id == incident.id).order_by(IncidentOrganization.added_at))).all()
    actions = list((await session.scalars(select(IncidentAction).where(IncidentAction.incident_id == incident.id)
                                          .order_by(IncidentAction.created_at))).all())
    system = await session.get(AISystem, incident.system_id)
    return Detail(incident, events, [(o, n) for o, n in rows], [], actions, labels_of(incident),
                  system.name if system else "")


async def add_event(session: AsyncSession, actor: Actor, incident_id: str, *, kind: str, text: str, at: datetime,
                    now: datetime) -> IncidentEvent:
    incident = await _get(session, actor, incident_id, "incidents.manage")
    if kind not in EVENT_KINDS:
        raise InvalidInput(f"{kind!r} is not a kind of timeline event: use one of {', '.join(EVENT_KINDS)}.",
                           field="kind")
    if _aware(at) > now:
        raise InvalidInput("A timeline event records what happened: its time cannot be in the future.", field="at")
    event = await _event(session, actor, incident, kind, text, at, now)
    await record(session, actor, "incidents.event_added", object_type="incident", object_id=incident.id,
                 org_id=incident.org_id, after={"kind": kind, "at": _aware(at).isoformat()})
    return event


async def set_status(session: AsyncSession, actor: Actor, incident_id: str, *, status: str, note: str = "",
                     now: datetime) -> Incident:
    incident = await _get(session, actor, incident_id, "incidents.manage")
    if status not in STATUSES:
        raise InvalidInput(f"{status!r} is not an incident status: use one of {', '.join(STATUSES)}.", field="status")
    if status not in MOVES[incident.status]:
        allowed = ", ".join(MOVES[incident.status]) or "nothing (it is closed)"
        raise Conflict(f"A {incident.status} incident cannot become {status}: it may become {allowed}.")
    before, incident.status = incident.status, status
    kind = "reopened" if status == "open" else status
    await _event(session, actor, incident, kind, note, now, now)
    await record(session, actor, "incidents.status_changed", object_type="incident", object_id=incident.id,
                 org_id=incident.org_id, before={"status": before}, after={"status": status})
    return incident


async def add_organization(session: AsyncSession, actor: Actor, incident_id: str, *, org_id: str, impact: str,
                           now: datetime) -> IncidentOrganization:
    incident = await _get(session, actor, incident_id, "incidents.manage")
    if await session.get(Organization, org_id) is None:
        raise InvalidInput(f"There is no organisation {org_id}: name an organisation registered on the platform.",
                           field="org_id")
    if await session.scalar(select(IncidentOrganization.id).where(
            IncidentOrganization.incident_id == incident.id, IncidentOrganization.org_id == org_id)):
        raise Conflict("That organisation is already listed as affected.")
    row = IncidentOrganization(incident_id=incident.id, org_id=org_id, impact=impact, added_at=now)
    session.add(row)
    incident.updated_at = now
    await session.flush()
    await record(session, actor, "incidents.organization_added", object_type="incident", object_id=incident.id,
                 org_id=incident.org_id, after={"org_id": org_id})
    return row


async def notify_org(session: AsyncSession, actor: Actor, incident_id: str, *, org_id: str, audience: str,
                     now: datetime) -> IncidentNotification:
    """Send the incident to another organisation at `audience` (its members see it redacted for it)."""
    incident = await _get(session, actor, incident_id, "incidents.manage")
    require(actor, "incidents.notify", incident.org_id)
    audience = parse_audience(audience)
    if tlp.rank(audience) > tlp.rank(tlp.AMBER_STRICT):
        raise InvalidInput("TLP:RED stays with named individuals inside the operator: notify at TLP:AMBER+STRICT "
                           "or a wider audience.", field="audience")
    org = await session.get(Organization, org_id)
    if org is None or org_id == incident.org_id:
        raise InvalidInput(f"There is no other organisation {org_id}: name the agency or affected organisation "
                           "to notify.", field="org_id")
    if await session.scalar(select(IncidentNotification.id).where(
            IncidentNotification.incident_id == incident.id, IncidentNotification.org_id == org_id)):
        raise Conflict(f"{org.name} was already notified of this incident.")
    sent = IncidentNotification(incident_id=incident.id, org_id=org_id, audience=audience, sent_at=now,
                                sent_by_id=actor.user_id)
    session.add(sent)
    await _event(session, actor, incident, "notified", f"{org.name} notified at {audience}", now, now)
    for where in (incident.org_id, org_id):
        await record(session, actor, "incidents.notified", object_type="incident", object_id=incident.id,
                     org_id=where, after={"org_id": org_id, "audience": audience})
    staff = (await session.scalars(select(Membership.user_id).where(
        Membership.org_id == org_id, Membership.role.in_(("admin", "coordinator", "triager"))))).all()
    await notify(session, staff, kind="incident", message=f"An incident was shared with {org.name}: acknowledge it.",
                 url=f"/incidents/{incident.id}", skip=actor.user_id)
    return sent


async def acknowledge(session: AsyncSession, actor: Actor, incident_id: str, *, org_id: str,
                      now: datetime) -> IncidentNotification:
    """The recipient's triage team acknowledges its notification (once)."""
    found = await session.get(Incident, incident_id)
    if found is not None and actor.role_in(found.org_id) and has_permission(actor, "incidents.view", found.org_id):
        raise PermissionDenied("A notification is acknowledged by the organisation it was sent to, not by the "
                               "incident's owner.")
    incident = await _get(session, actor, incident_id, "incident.shared")
    note = await session.scalar(select(IncidentNotification).where(
        IncidentNotification.incident_id == incident.id, IncidentNotification.org_id == org_id))
    role = actor.role_in(org_id)
    authorize(actor, "incident.acknowledge", {(NOTIFIED, role)} if note is not None and role else set(),
              kind="incident", object_id=incident.id,
              why="Only the triage team of the notified organisation may acknowledge its notification.")
    if note is None:  # a platform admin passes the policy but no notification went to that organisation
        raise NotFound(f"{org_id} was not notified of this incident: acknowledge as the organisation notified.")
    if note.acknowledged_at is not None:
        raise Conflict("This notification was already acknowledged.")
    note.acknowledged_at, note.acknowledged_by_id = now, actor.user_id
    org = await session.get(Organization, org_id)
    await _event(session, actor, incident, "acknowledged", f"{org.name if org else org_id} acknowledged", now, now)
    for where in (incident.org_id, org_id):
        await record(session, actor, "incidents.acknowledged", object_type="incident", object_id=incident.id,
                     org_id=where, after={"org_id": org_id})
    return note


async def add_action(session: AsyncSession, actor: Actor, incident_id: str, *, description: str,
                     due_on: date | None = None, now: datetime) -> IncidentAction:
    incident = await _get(session, actor, incident_id, "incidents.manage")
    if not description.strip():
        raise InvalidInput("An action needs a description: say what will be done.", field="description")
    action = IncidentAction(incident_id=incident.id, description=description.strip(), due_on=due_on,
                            created_by_id=actor.user_id, created_at=now)
    session.add(action)
    await _event(session, actor, incident, "action", description.strip()[:500], now, now)
    await record(session, actor, "incidents.action_added", object_type="incident", object_id=incident.id,
                 org_id=incident.org_id, after={"description": description.strip()[:200]})
    return action


async def complete_action(session: AsyncSession, actor: Actor, action_id: str, *, now: datetime) -> IncidentAction:
    action = await session.get(IncidentAction, action_id)
    if action is None:
        raise NotFound(f"There is no incident action {action_id} that you can see.")
    incident = await _get(session, actor, action.incident_id, "incidents.manage")
    if action.done_at is not None:
        raise Conflict("This action is already done.")
    action.done_at = now
    await _event(session, actor, incident, "mitigated", f"done: {action.description[:480]}", now, now)
    await record(session, actor, "incidents.action_done", object_type="incident", object_id=incident.id,
                 org_id=incident.org_id, after={"action_id": action.id})
    return action


async def set_labels(session: AsyncSession, actor: Actor, incident_id: str, *, labels: Mapping[str, str],
                     reason: str = "", now: datetime) -> Incident:
    """Raising a label is free to the triage team; lowering one is a recorded decision of its staff
    with a reason; nothing goes under the hazard floor (as for reports and flaws)."""
    incident = await _get(session, actor, incident_id, "incidents.manage")
    current = labels_of(incident)
    changes, lowered = disclosure.label_changes("incident", current, labels, incident.hazard_class)
    if lowered:
        require(actor, "incidents.notify", incident.org_id)
        disclosure.require_reason(reason)
    if changes:
        incident.labels = {**current, **{f: new for f, _, new in changes}}
        incident.updated_at = now
        await record(session, actor, "incidents.labels_lowered" if lowered else "incidents.labels_raised",
                     object_type="incident", object_id=incident.id, org_id=incident.org_id,
                     before={f: old for f, old, _ in changes},
                     after={**{f: new for f, _, new in changes}, "reason": reason})
    return incident


def parse_time(value: str, field: str) -> datetime:
    """An ISO 8601 time from a user (UTC when no offset is given), or one sentence."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value!r} is not a time: give it as 2026-12-07T14:30 (UTC) or with its offset.",
                           field=field) from None
    return _aware(moment)


def parse_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date: give it as 2026-12-31.", field=field) from None
