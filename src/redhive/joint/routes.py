"""JSON API of joint exercises and transfer notices: parse, one service call, respond. The routes
read the time; the services take it as `now`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from redhive.auth.schemas import UTCDateTime
from redhive.findings.sla import aware
from redhive.joint import notices, report, service
from redhive.kit import utcnow
from redhive.web.deps import SessionDep, UserDep

router = APIRouter(prefix="/api/joint", tags=["joint exercises"])


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org_id: str = Field(max_length=32)
    audience: str = Field(max_length=20, description="The TLP label this party receives of the others' flaws.")
    named_user_ids: list[str] = Field(default_factory=list, max_length=50)


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parties: list[PartyIn] = Field(min_length=1, max_length=50)
    after: str = Field(default="validated", max_length=12)
    delay_days: int = 0
    note: str = Field(default="", max_length=2000)


class ForwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    audience: str = Field(max_length=20)
    note: str = Field(default="", max_length=4000)


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(max_length=4000)


class NoticeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    status: str
    audience: str | None
    note: str
    successes: int
    trials: int
    created_at: UTCDateTime
    reviewed_at: UTCDateTime | None
    acknowledged_at: UTCDateTime | None


def _exercise(e: service.Exercise) -> dict[str, Any]:
    a = e.agreement
    return {"mission_id": e.access.mission.id, "title": e.access.mission.title,
            "agreement": None if a is None else {"id": a.id, "after": a.after, "delay_days": a.delay_days,
                                                 "note": a.note, "created_at": aware(a.created_at).isoformat()},
            "organisations": [vars(o) for o in e.organisations], "can_accept": e.can_accept}


@router.get("/missions/{mission_id}")
async def get_exercise(mission_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    return _exercise(await service.exercise(session, actor, mission_id))


@router.post("/missions/{mission_id}/agreement", status_code=201)
async def create_agreement(mission_id: str, data: AgreementIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await service.create_agreement(
        session, actor, mission_id,
        parties=[service.Party(p.org_id, p.audience, p.named_user_ids) for p in data.parties],
        after=data.after, delay_days=data.delay_days, note=data.note, now=utcnow())
    return _exercise(await service.exercise(session, actor, mission_id))


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org_id: str = Field(max_length=32, description="The party accepting.")


@router.post("/agreements/{joint_agreement_id}/accept")
async def accept_agreement(joint_agreement_id: str, data: AcceptIn, session: SessionDep,
                           actor: UserDep) -> dict[str, Any]:
    party = await service.accept(session, actor, joint_agreement_id, data.org_id, now=utcnow())
    return _exercise(await service.exercise(session, actor, party.mission_id))


@router.get("/missions/{mission_id}/report", responses={200: {
    "description": "The joint exercise's consolidated report for one audience, as one self-contained HTML file or "
                   "JSON (`format`); fields above `audience` are withheld.",
    "content": {"text/html": {}, "application/json": {}}}})
async def consolidated_report(mission_id: str, session: SessionDep, actor: UserDep,
                              audience: str = Query(default="TLP:AMBER+STRICT", max_length=20),
                              format: str = Query(default="html", max_length=8)) -> Response:
    body = await report.consolidated(session, actor, mission_id, audience, format, now=utcnow())
    media = "application/json" if format == "json" else "text/html; charset=utf-8"
    name = f"joint-report-{mission_id}.{format}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _notice(v: notices.NoticeView) -> dict[str, Any]:
    n = v.notice
    out = {**NoticeRead.model_validate(n).model_dump(mode="json"), "side": v.side,
           "coordinator": v.names.get(n.coordinator_org_id), "system": v.system, "version": v.version,
           "flaw": v.flaw.as_dict()}
    if v.side != "developer":  # who owns the flaw stays with the coordinator
        out.update(owner=v.names.get(n.source_org_id), developer=v.names.get(n.developer_org_id),
                   may_forward_up_to=v.may_forward_up_to)
    return out


@router.get("/transfers", response_model=list[NoticeRead])
async def transfer_inbox(session: SessionDep, actor: UserDep) -> list[Any]:
    return list(await notices.inbox(session, actor))


@router.get("/transfers/{notice_id}")
async def transfer_notice(notice_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    return _notice(await notices.view(session, actor, notice_id, now=utcnow()))


@router.post("/transfers/{notice_id}/forward")
async def forward_notice(notice_id: str, data: ForwardIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await notices.forward(session, actor, notice_id, audience=data.audience, note=data.note, now=utcnow())
    return _notice(await notices.view(session, actor, notice_id, now=utcnow()))


@router.post("/transfers/{notice_id}/dismiss")
async def dismiss_notice(notice_id: str, data: DismissIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await notices.dismiss(session, actor, notice_id, note=data.note, now=utcnow())
    return _notice(await notices.view(session, actor, notice_id, now=utcnow()))


@router.post("/transfers/{notice_id}/acknowledge")
async def acknowledge_notice(notice_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    await notices.acknowledge(session, actor, notice_id, now=utcnow())
    return _notice(await notices.view(session, actor, notice_id, now=utcnow()))
