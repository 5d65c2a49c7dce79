"""The page that builds a red-team report for an audience (`/disclosure/report`): pick a mission or
a system of an organisation whose findings you see, an audience, a format and optionally a period,
and download the file `redhive report` would write — the same service call (audience.audience_report).
A bad choice comes back to the form as one sentence; a mission or system you may not see is 404."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth.permissions import Actor, require_user
from redhive.disclosure import tlp
from redhive.errors import InvalidInput
from redhive.missions.models import Mission
from redhive.orgs.models import AISystem
from redhive.reports import audience
from redhive.web.deps import SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.forms import read_form
from redhive.web.templating import redirect, render

__all__ = ["Choice", "choices", "router"]

router = APIRouter(include_in_schema=False)
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "json": "application/json"}
PAGE = "/disclosure/report"


@dataclass(frozen=True)
class Choice:
    value: str  # "mission:ID" or "system:ID"
    label: str


async def choices(session: AsyncSession, actor: Actor) -> list[Choice]:
    """The missions and systems of every organisation whose findings the actor sees."""
    orgs = actor.org_ids("findings.view")
    missions = (await session.scalars(select(Mission).where(Mission.org_id.in_(orgs))
                                      .order_by(Mission.title))).all()
    systems = (await session.scalars(select(AISystem).where(AISystem.org_id.in_(orgs))
                                     .order_by(AISystem.name))).all()
    return ([Choice(f"mission:{m.id}", f"Mission: {m.title}") for m in missions]
            + [Choice(f"system:{s.id}", f"System: {s.name}") for s in systems])


@router.get(PAGE)
async def report_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    require_user(actor)
    return render(request, "disclosure/report.html", {
        "nav": "shared", "choices": await choices(session, actor), "labels": tlp.LABELS[:-1],
        "formats": audience.FORMATS})


@router.post(PAGE)
async def report_download(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    kind, _, object_id = values.get("scope", "").partition(":")
    fmt = values.get("format", "html").lower()
    try:
        scope = audience.parse_scope(object_id if kind == "mission" else None,
                                     object_id if kind == "system" else None,
                                     values.get("since"), values.get("until"))
        body = await audience.audience_report(session, actor, scope, values.get("audience", ""), fmt)
    except InvalidInput as exc:
        raise FormRejected(redirect(request, PAGE, exc.message, "error")) from None
    label = values["audience"].strip().upper().split(":")[-1].replace("+", "-").lower()
    name = f"redhive-report-{kind}-{object_id[:8]}-tlp-{label}.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
