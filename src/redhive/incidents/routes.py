"""JSON API of incidents: parse, one service call, respond. The routes read the time; the services
take it as `now`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from redhive.findings.sla import aware
from redhive.incidents import service
from redhive.kit import utcnow
from redhive.web.deps import SessionDep, UserDep

router = APIRouter(prefix="/api/incidents", tags=["incidents"])


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreate(_In):
    org_id: str = Field(max_length=32)
    system_id: str = Field(max_length=32)
    version_id: str | None = Field(default=None, max_length=32)
    flaw_id: str | None = Field(default=None, max_length=32)
    title: str = Field(max_length=200)
    severity: str = Field(max_length=4, description="S0 (critical) … S4")
    hazard_class: str = Field(default="HZ0", max_length=4)
    detected_at: datetime
    summary: str = Field(default="", max_length=20000)
    impact: str = Field(default="", max_length=20000)
    technical_details: str = Field(default="", max_length=50000)


class EventIn(_In):
    kind: str = Field(max_length=16)
    text: str = Field(default="", max_length=4000)
    at: datetime


class StatusIn(_In):
    status: str = Field(max_length=12)
    note: str = Field(default="", max_length=4000)


class OrgIn(_In):
    org_id: str = Field(max_length=32)
    impact: str = Field(default="", max_length=4000)


class NotifyIn(_In):
    org_id: str = Field(max_length=32)
    audience: str = Field(max_length=20)


class ActionIn(_In):
    description: str = Field(max_length=4000)
    due_on: date | None = None


class LabelsIn(_In):
    labels: dict[str, str]
    reason: str = Field(default="", max_length=2000)


def _iso(moment: datetime | None) -> str | None:
    """RFC 3339 with its offset (SQLite hands datetimes back naive: they are UTC)."""
    return aware(moment).isoformat() if moment is not None else None


def _full(d: service.Detail) -> dict[str, Any]:
    i = d.incident
    return {**service.share(d, "TLP:RED").as_dict(), "org_id": i.org_id, "system_id": i.system_id,
            "version_id": i.version_id, "flaw_id": i.flaw_id,
            "notifications": [{"id": n.id, "org_id": n.org_id, "organisation": name, "audience": n.audience,
                               "sent_at": _iso(n.sent_at), "acknowledged_at": _iso(n.acknowledged_at)}
                              for n, name in d.notifications]}


async def _detail(session: SessionDep, actor: UserDep, incident_id: str) -> dict[str, Any]:
    return _full(await service.detail(session, actor, incident_id))


@router.get("")
async def list_incidents(session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    return [{"id": i.id, "title": i.title if note is None else None, "status": i.status,
             "detected_at": _iso(i.detected_at), "audience": note.audience if note else None,
             "own": note is None} for i, note in await service.list_incidents(session, actor)]


@router.post("", status_code=201)
async def create_incident(data: IncidentCreate, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    incident = await service.create(session, actor, data.org_id, now=utcnow(),
                                    **data.model_dump(exclude={"org_id"}))
    return await _detail(session, actor, incident.id)


@router.get("/{incident_id}")
async def get_incident(incident_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    return await _detail(session, actor, incident_id)


@router.get("/{incident_id}/shared")
async def shared_incident(incident_id: str, session: SessionDep, actor: UserDep,
                          audience: str | None = Query(default=None, max_length=20)) -> dict[str, Any]:
    """As the caller's organisation received it; the owner's triage team may preview any audience."""
    view, note = await service.shared_view(session, actor, incident_id, audience)
    return {**view.as_dict(), "notification": None if note is None else {
        "id": note.id, "audience": note.audience, "acknowledged_at": _iso(note.acknowledged_at)}}


@router.post("/{incident_id}/events", status_code=201)
async def add_event(incident_id: str, data: EventIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.add_event(session, actor, incident_id, kind=data.kind, text=data.text, at=data.at, now=utcnow())
    return await _detail(session, actor, incident_id)


@router.post("/{incident_id}/status")
async def set_status(incident_id: str, data: StatusIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.set_status(session, actor, incident_id, status=data.status, note=data.note, now=utcnow())
    return await _detail(session, actor, incident_id)


@router.post("/{incident_id}/organizations", status_code=201)
async def add_organization(incident_id: str, data: OrgIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.add_organization(session, actor, incident_id, org_id=data.org_id, impact=data.impact, now=utcnow())
    return await _detail(session, actor, incident_id)


@router.post("/{incident_id}/notifications", status_code=201)
async def notify(incident_id: str, data: NotifyIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.notify_org(session, actor, incident_id, org_id=data.org_id, audience=data.audience, now=utcnow())
    return await _detail(session, actor, incident_id)


class AckIn(_In):
    org_id: str = Field(max_length=32, description="The notified organisation acknowledging.")


@router.post("/{incident_id}/acknowledge")
async def acknowledge(incident_id: str, data: AckIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    note = await service.acknowledge(session, actor, incident_id, org_id=data.org_id, now=utcnow())
    return {"id": note.id, "org_id": note.org_id, "acknowledged_at": _iso(note.acknowledged_at)}


@router.post("/{incident_id}/actions", status_code=201)
async def add_action(incident_id: str, data: ActionIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.add_action(session, actor, incident_id, description=data.description, due_on=data.due_on,
                             now=utcnow())
    return await _detail(session, actor, incident_id)


@router.post("/actions/{action_id}/done")
async def complete_action(action_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    action = await service.complete_action(session, actor, action_id, now=utcnow())
    return await _detail(session, actor, action.incident_id)


@router.post("/{incident_id}/labels")
async def set_labels(incident_id: str, data: LabelsIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.set_labels(session, actor, incident_id, labels=data.labels, reason=data.reason, now=utcnow())
    return await _detail(session, actor, incident_id)
