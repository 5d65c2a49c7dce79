"""Pages of the safeguards: the trusted-access programme (apply; platform admins verify or reject)
and the review queue of escalated exchanges, over the same service calls as the JSON API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.auth.permissions import Actor
from redhive.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from redhive.safeguards import service
from redhive.safeguards.routes import escalation_read
from redhive.safeguards.schemas import AccessApply, AccessDecision, AccessVerify, ReviewCreate
from redhive.safeguards.screening import PROGRAMMES
from redhive.web.deps import SessionDep, UserDep
from redhive.web.forms import parse_form, read_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)

PROGRAMME_NAMES = {"biology": "Biology", "chemistry": "Chemistry", "radiological_nuclear": "Radiological and nuclear",
                   "cyber": "Cyber offence"}


async def _access_context(session: SessionDep, actor: Actor) -> dict[str, Any]:
    mine = await service.list_access(session, actor)
    pending = await service.list_access(session, actor, everyone=True, status="pending") \
        if actor.is_platform_admin else []
    return {"nav": "safeguards", "mine": mine, "pending": pending, "active": service.is_active,
            "programmes": [(k, PROGRAMME_NAMES[k]) for k in PROGRAMMES]}


@router.get("/safeguards/access")
async def access_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "safeguards/access.html", await _access_context(session, actor))


@router.post("/safeguards/access")
async def access_apply(request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        await service.apply(session, actor, data=parse_form(AccessApply, values))
    except (InvalidInput, Conflict) as exc:
        reject(request, "safeguards/access.html", values, exc, await _access_context(session, actor))
    return redirect(request, "/safeguards/access", "Application sent: a platform admin will verify your identity "
                    "and affiliation.")


@router.post("/safeguards/access/{access_id}/verify")
async def access_verify(access_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    fields = {"identity_verified": values.get("identity_verified") == "yes",
              "affiliation_verified": values.get("affiliation_verified") == "yes",
              "days": values.get("days") or "90", "note": values.get("note", "")}
    try:
        await service.verify(session, actor, access_id, data=parse_form(AccessVerify, fields))
    except (InvalidInput, Conflict) as exc:
        reject(request, "safeguards/access.html", values, exc, await _access_context(session, actor))
    request.app.state.gateway.forget_grants()
    return redirect(request, "/safeguards/access", "Trusted access granted.")


@router.post("/safeguards/access/{access_id}/reject")
async def access_reject(access_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        await service.reject(session, actor, access_id, data=parse_form(AccessDecision, values))
    except (InvalidInput, Conflict) as exc:
        reject(request, "safeguards/access.html", values, exc, await _access_context(session, actor))
    return redirect(request, "/safeguards/access", "Application rejected.")


@router.get("/safeguards/reviews")
async def reviews_page(request: Request, session: SessionDep, actor: UserDep, status: str = "open") -> Response:
    await request.app.state.gateway.recorder.drain()
    found = await service.list_escalations(session, actor, status=status)
    return render(request, "safeguards/reviews.html", {"nav": "safeguards", "status": status,
                                                       "escalations": [escalation_read(e) for e in found]})


@router.post("/safeguards/reviews/{exchange_id}")
async def review_submit(exchange_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    await request.app.state.gateway.recorder.drain()
    try:
        await service.review(session, actor, exchange_id, data=parse_form(ReviewCreate, values))
    except (InvalidInput, Conflict) as exc:
        try:
            found = await service.list_escalations(session, actor)
        except (PermissionDenied, NotFound):
            raise exc from None
        reject(request, "safeguards/reviews.html", values, exc, {
            "nav": "safeguards", "status": "open", "escalations": [escalation_read(e) for e in found]})
    return redirect(request, "/safeguards/reviews", f"Escalation {exchange_id} reviewed.")
