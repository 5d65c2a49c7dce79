"""JSON API of the safeguards: the trusted-access programme and the review queue of escalated
exchanges. Grants change what the gateway lets through, so each decision drops its cached grants."""

from __future__ import annotations

from fastapi import APIRouter, Request

from redhive.safeguards import service
from redhive.safeguards.models import TrustedAccess
from redhive.safeguards.schemas import (
    AccessApply,
    AccessDecision,
    AccessRead,
    AccessVerify,
    EscalationRead,
    ReviewCreate,
    ReviewRead,
)
from redhive.web.deps import SessionDep, UserDep

router = APIRouter(prefix="/api/safeguards", tags=["safeguards"])


def _read(access: TrustedAccess) -> AccessRead:
    return AccessRead.model_validate(access).model_copy(update={"active": service.is_active(access)})


def escalation_read(found: service.Escalation) -> EscalationRead:
    stop, exchange = found.stop, found.exchange
    score = stop.get("score")
    return EscalationRead(
        exchange_id=exchange.id, mission_id=exchange.mission_id, mission_title=found.mission_title,
        user_id=exchange.user_id, requester=found.requester, model=exchange.model, started_at=exchange.started_at,
        stage=str(stop.get("stage", "")), category=str(stop.get("category", "")),
        score=float(score) if isinstance(score, int | float) else None, reason=str(stop.get("reason", "")),
        excerpt=found.excerpt, review=ReviewRead.model_validate(found.review) if found.review else None,
        decisions=list(exchange.decisions))


@router.post("/access", response_model=AccessRead, status_code=201)
async def apply(data: AccessApply, session: SessionDep, actor: UserDep) -> AccessRead:
    return _read(await service.apply(session, actor, data=data))


@router.get("/access", response_model=list[AccessRead])
async def list_access(session: SessionDep, actor: UserDep, everyone: bool = False,
                      status: str | None = None) -> list[AccessRead]:
    return [_read(a) for a in await service.list_access(session, actor, everyone=everyone, status=status)]


@router.get("/access/{access_id}", response_model=AccessRead)
async def get_access(access_id: str, session: SessionDep, actor: UserDep) -> AccessRead:
    return _read(await service.get_access(session, actor, access_id))


@router.post("/access/{access_id}/verify", response_model=AccessRead)
async def verify(access_id: str, data: AccessVerify, request: Request, session: SessionDep,
                 actor: UserDep) -> AccessRead:
    found = await service.verify(session, actor, access_id, data=data)
    request.app.state.gateway.forget_grants()
    return _read(found)


@router.post("/access/{access_id}/reject", response_model=AccessRead)
async def reject(access_id: str, data: AccessDecision, session: SessionDep, actor: UserDep) -> AccessRead:
    return _read(await service.reject(session, actor, access_id, data=data))


@router.post("/access/{access_id}/revoke", response_model=AccessRead)
async def revoke(access_id: str, data: AccessDecision, request: Request, session: SessionDep,
                 actor: UserDep) -> AccessRead:
    found = await service.revoke(session, actor, access_id, data=data)
    request.app.state.gateway.forget_grants()  # refused from the next request, whatever is cached
    return _read(found)


@router.get("/escalations", response_model=list[EscalationRead])
async def escalations(request: Request, session: SessionDep, actor: UserDep, status: str = "open",
                      mission_id: str | None = None) -> list[EscalationRead]:
    await request.app.state.gateway.recorder.drain()  # an exchange escalated a moment ago is committed first
    return [escalation_read(e) for e in await service.list_escalations(session, actor, status=status,
                                                                        mission_id=mission_id)]


@router.post("/escalations/{exchange_id}/review", response_model=ReviewRead, status_code=201)
async def review(exchange_id: str, data: ReviewCreate, request: Request, session: SessionDep,
                 actor: UserDep) -> ReviewRead:
    await request.app.state.gateway.recorder.drain()
    return ReviewRead.model_validate(await service.review(session, actor, exchange_id, data=data))
