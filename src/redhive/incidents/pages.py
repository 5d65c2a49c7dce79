"""Incident pages: the list (with the form to record one), an incident in full for its operator's
triage team (timeline, affected organisations, notifications, actions, with their forms), and an
incident as a notified organisation received it (redacted for its label) with *Acknowledge*. One
service call per action; a refusal comes back as one sentence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from redhive.auth.permissions import has_permission, require_user
from redhive.disclosure import tlp
from redhive.errors import InvalidInput
from redhive.findings.severity import BANDS
from redhive.incidents import service
from redhive.incidents.models import EVENT_KINDS, Incident
from redhive.kit import utcnow
from redhive.orgs.models import AISystem, Organization
from redhive.web.deps import SessionDep, UserDep
from redhive.web.forms import act_on_form
from redhive.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)



@router.get("/incidents")
async def list_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    require_user(actor)
    rows = await service.list_incidents(session, actor)
    orgs = actor.org_ids("incidents.manage")
    systems = (await session.execute(select(AISystem.id, AISystem.name, Organization.name).join(
        Organization, Organization.id == AISystem.org_id).where(AISystem.org_id.in_(orgs))
        .order_by(Organization.name, AISystem.name))).all()
    return render(request, "incidents/list.html", {"nav": "incidents", "rows": rows, "systems": systems,
                                                   "bands": BANDS, "now": utcnow()})


@router.post("/incidents")
async def create_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        system = await session.get(AISystem, values.get("system_id", ""))
        if system is None or not has_permission(actor, "incidents.manage", system.org_id):
            raise InvalidInput("Choose one of your organisations' systems for the incident.", field="system_id")
        incident = await service.create(
            session, actor, system.org_id, system_id=system.id, title=values.get("title", ""),
            severity=values.get("severity", ""), hazard_class=values.get("hazard_class", "HZ0"),
            detected_at=service.parse_time(values.get("detected_at", ""), "detected_at"),
            summary=values.get("summary", ""), impact=values.get("impact", ""),
            technical_details=values.get("technical_details", ""), now=utcnow())
        return f"/incidents/{incident.id}"
    return await act_on_form(request, "/incidents", "Incident recorded.", act)


@router.get("/incidents/{incident_id}")
async def incident_page(incident_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    require_user(actor)
    found = await session.get(Incident, incident_id)
    if found is not None and has_permission(actor, "incidents.view", found.org_id):
        detail = await service.detail(session, actor, incident_id)
        orgs = (await session.scalars(select(Organization).where(Organization.id != found.org_id)
                                      .order_by(Organization.name))).all()
        return render(request, "incidents/detail.html", {
            "nav": "incidents", "d": detail, "kinds": EVENT_KINDS, "orgs": orgs, "moves": service.MOVES,
            "notify_labels": tlp.LABELS[:-1], "can_notify": has_permission(actor, "incidents.notify", found.org_id)})
    view, note = await service.shared_view(session, actor, incident_id)
    return render(request, "incidents/shared.html", {"nav": "incidents", "v": view, "note": note,
                                                     "fields": tlp.FIELDS["incident"],
                                                     "can_ack": bool(note and has_permission(
                                                         actor, "incidents.manage", note.org_id))})


def _post(path: str, done: str, call: Callable[[SessionDep, UserDep, str, dict[str, str]], Awaitable[Any]]) -> None:
    async def endpoint(incident_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
        async def act(values: dict[str, str]) -> None:
            await call(session, actor, incident_id, values)
        return await act_on_form(request, f"/incidents/{incident_id}", done, act)
    endpoint.__name__ = "incident_" + path.strip("/").replace("/", "_")
    router.post(f"/incidents/{{incident_id}}{path}")(endpoint)


_post("/events", "Timeline event added.", lambda s, a, i, v: service.add_event(
    s, a, i, kind=v.get("kind", ""), text=v.get("text", ""), at=service.parse_time(v.get("at", ""), "at"),
    now=utcnow()))
_post("/status", "Status changed.", lambda s, a, i, v: service.set_status(
    s, a, i, status=v.get("status", ""), note=v.get("note", ""), now=utcnow()))
_post("/organizations", "Affected organisation added.", lambda s, a, i, v: service.add_organization(
    s, a, i, org_id=v.get("org_id", ""), impact=v.get("impact", ""), now=utcnow()))
_post("/notifications", "Notification sent.", lambda s, a, i, v: service.notify_org(
    s, a, i, org_id=v.get("org_id", ""), audience=v.get("audience", ""), now=utcnow()))
_post("/acknowledge", "Notification acknowledged.", lambda s, a, i, v: service.acknowledge(
    s, a, i, org_id=v.get("org_id", ""), now=utcnow()))
_post("/actions", "Action added.", lambda s, a, i, v: service.add_action(
    s, a, i, description=v.get("description", ""), due_on=service.parse_day(v.get("due_on"), "due_on"),
    now=utcnow()))


@router.post("/incidents/actions/{action_id}/done")
async def action_done(action_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    action = await service.complete_action(session, actor, action_id, now=utcnow())
    return redirect(request, f"/incidents/{action.incident_id}", "Action done.")
