"""JSON API of the gateway's management: mission keys, settings, flags, session history, verification,
signed checkpoints.
The OpenAI-compatible endpoints themselves are the `/v1` app (redhive.gateway.app)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from redhive.gateway import service
from redhive.gateway.schemas import (
    CheckpointRead,
    CheckpointsRead,
    ExchangeRead,
    FlagCreate,
    FlagRead,
    KeyCreate,
    KeyIssued,
    KeyRead,
    SettingsRead,
    SettingsUpdate,
    VerifyRead,
)
from redhive.missions import service as missions
from redhive.web.deps import SessionDep, UserDep

router = APIRouter(prefix="/api", tags=["gateway"])


@router.post("/missions/{mission_id}/gateway/keys", response_model=KeyIssued, status_code=201)
async def issue_key(mission_id: str, data: KeyCreate, session: SessionDep, actor: UserDep) -> KeyIssued:
    key, secret = await service.issue_key(session, actor, mission_id, data=data)
    return KeyIssued.model_validate({**KeyRead.model_validate(key).model_dump(), "key": secret})


@router.get("/missions/{mission_id}/gateway/keys", response_model=list[KeyRead])
async def list_keys(mission_id: str, session: SessionDep, actor: UserDep) -> list[KeyRead]:
    return [KeyRead.model_validate(k) for k in await service.list_keys(session, actor, mission_id)]


@router.post("/gateway/keys/{key_id}/revoke", response_model=KeyRead)
async def revoke_key(key_id: str, request: Request, session: SessionDep, actor: UserDep) -> KeyRead:
    key = await service.revoke_key(session, actor, key_id)
    request.app.state.gateway.revoke(key.id)  # refused from this instant, whatever is cached
    return KeyRead.model_validate(key)


@router.get("/missions/{mission_id}/gateway/settings", response_model=SettingsRead)
async def get_settings(mission_id: str, session: SessionDep, actor: UserDep) -> SettingsRead:
    await missions.get_mission(session, actor, mission_id)
    return SettingsRead.model_validate(await service.get_settings(session, mission_id))


@router.put("/missions/{mission_id}/gateway/settings", response_model=SettingsRead)
async def update_settings(mission_id: str, data: SettingsUpdate, request: Request, session: SessionDep,
                          actor: UserDep) -> SettingsRead:
    found = await service.update_settings(session, actor, mission_id, data=data)
    request.app.state.gateway.forget_grants()  # cached grants are at most 2 s old anyway
    return SettingsRead.model_validate(found)


@router.post("/gateway/exchanges/{exchange_id}/flags", response_model=FlagRead, status_code=201)
async def flag_exchange(exchange_id: str, data: FlagCreate, request: Request, session: SessionDep,
                        actor: UserDep) -> FlagRead:
    await request.app.state.gateway.recorder.drain()  # an exchange just answered is committed first
    return FlagRead.model_validate(await service.flag_exchange(session, actor, exchange_id, note=data.note))


@router.get("/missions/{mission_id}/gateway/sessions/{session_id}", response_model=list[ExchangeRead])
async def session_history(mission_id: str, session_id: str, request: Request, session: SessionDep,
                          actor: UserDep) -> list[ExchangeRead]:
    await request.app.state.gateway.recorder.drain()
    return [ExchangeRead.model_validate(e) for e in await service.list_session(session, actor, mission_id, session_id)]


@router.get("/missions/{mission_id}/gateway/verify", response_model=VerifyRead)
async def verify(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> VerifyRead:
    await request.app.state.gateway.recorder.drain()
    await missions.get_mission(session, actor, mission_id)
    report = await service.verify_mission(session, mission_id, request.app.state.gateway.recorder.signer)
    return VerifyRead(ok=report.ok, checked=report.checked, broken_seq=report.broken_seq, broken_id=report.broken_id,
                      message=report.sentence(mission_id))


@router.get("/missions/{mission_id}/gateway/checkpoints", response_model=CheckpointsRead)
async def checkpoints(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> CheckpointsRead:
    """The transcript's signed checkpoints and the public key that checks them, for anyone who can
    see the mission (observers included) to keep."""
    await request.app.state.gateway.recorder.drain()  # the head of every answer given so far
    found = await service.list_checkpoints(session, actor, mission_id)
    signer = request.app.state.gateway.recorder.signer
    return CheckpointsRead(mission_id=mission_id, key_id=signer.key_id, public_key_pem=signer.public_pem,
                           checkpoints=[CheckpointRead(**cp.as_dict()) for cp in found])
