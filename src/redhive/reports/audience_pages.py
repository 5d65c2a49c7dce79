"""The page that builds a red-team report for an audience (`/disclosure/report`): pick a mission or
a system of an organisation whose findings you see, an audience, a format and optionally a period,
and download the file `redhive report` would write — the same service call (audience.audience_report).
The same page signs off a report's public version (D39). A bad choice, or a public version not yet
signed off, comes back to the form as one sentence; a mission or system you may not see is 404."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth.permissions import Actor, require_user
from redhive.disclosure import tlp
from redhive.disclosure.models import SharingAgreement
from redhive.errors import Conflict, InvalidInput
from redhive.missions.models import Mission
from redhive.orgs.models import AISystem
from redhive.reports import audience
from redhive.web.deps import SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.forms import read_form
from redhive.web.templating import redirect, render

__all__ = ["Choice", "choices", "router"]

router = APIRouter(include_in_schema=False)
PAGE = "/disclosure/report"


@dataclass(frozen=True)
class Choice:
    value: str  # "mission:ID" or "system:ID"
    label: str


async def choices(session: AsyncSession, actor: Actor) -> list[Choice]:
    """The missions and systems of every organisation whose findings the actor sees, and those whose
    public version a regulator the actor signs for must sign off (D39)."""
    orgs = actor.org_ids("findings.view")
    signing = (await session.scalars(select(SharingAgreement).where(
        SharingAgreement.recipient_org_id.in_(actor.org_ids("sharing.manage")),
        SharingAgreement.public_signoff.is_(True), SharingAgreement.revoked_at.is_(None)))).all()
    to_sign = {a.scope_id for a in signing}
    missions = (await session.scalars(select(Mission).where(
        or_(Mission.org_id.in_(orgs), Mission.id.in_(to_sign))).order_by(Mission.title))).all()
    systems = (await session.scalars(select(AISystem).where(
        or_(AISystem.org_id.in_(orgs), AISystem.id.in_(to_sign))).order_by(AISystem.name))).all()
    mark = " (public version only: to sign off)"
    return ([Choice(f"mission:{m.id}", f"Mission: {m.title}" + ("" if m.org_id in orgs else mark)) for m in missions]
            + [Choice(f"system:{s.id}", f"System: {s.name}" + ("" if s.org_id in orgs else mark)) for s in systems])


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
        body = await audience.audience_report(session, actor, scope, values.get("audience", ""), fmt,
                                              draft=values.get("draft") == "1")
    except (InvalidInput, Conflict) as exc:
        raise FormRejected(redirect(request, PAGE, exc.message, "error")) from None
    label = values["audience"].strip().upper().split(":")[-1].replace("+", "-").lower()
    name = f"redhive-report-{kind}-{object_id[:8]}-tlp-{label}.{fmt}"
    return Response(body, media_type=audience.MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post(PAGE + "/signoff")
async def report_signoff(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    kind, _, object_id = values.get("scope", "").partition(":")
    try:
        scope = audience.parse_scope(object_id if kind == "mission" else None,
                                     object_id if kind == "system" else None,
                                     values.get("since"), values.get("until"))
        rows = await audience.sign_off(session, actor, scope, values.get("note", ""))
    except InvalidInput as exc:
        raise FormRejected(redirect(request, PAGE, exc.message, "error")) from None
    awaiting = [f"{r['organisation']} ({r['role']})" for r in rows if r["status"] == "awaiting"]
    return redirect(request, PAGE, "Public version signed off" + (
        f"; it still awaits {' and '.join(awaiting)}." if awaiting else ": it may be released."))
