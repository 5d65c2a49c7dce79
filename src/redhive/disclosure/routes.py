"""JSON API of disclosure: each field's sharing label, read and changed; a report or flaw as one
audience may see it (withheld fields marked, never sent); the disclosure clocks and their extensions;
sharing agreements and what they share with the caller's organisations; the red-team report of a
mission or system for an audience, and the sign-off of its public version.
The routes read the time; the services take it as `now`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from redhive.disclosure import clock_service, service, sharing, tlp
from redhive.disclosure.models import SharingAgreement
from redhive.disclosure.redaction import parse_audience
from redhive.disclosure.schemas import (
    AgreementCreate,
    AgreementRead,
    ClockExtend,
    ClockRead,
    ExploitedCreate,
    LabelsRead,
    LabelsUpdate,
    SignoffCreate,
)
from redhive.findings.models import Flaw, FlawReport
from redhive.kit import utcnow
from redhive.web.deps import SessionDep, UserDep

router = APIRouter(prefix="/api/disclosure", tags=["disclosure"])


def _read(kind: service.Kind, obj: FlawReport | Flaw) -> LabelsRead:
    return LabelsRead(kind=kind, id=obj.id, hazard_class=obj.hazard_class, restricted=obj.restricted,
                      labels=service.labels_of(kind, obj),
                      floors={f: tlp.floor(kind, f, obj.hazard_class, restricted=obj.restricted)
                              for f in tlp.FIELDS[kind]})


@router.get("/reports/{report_id}/labels", response_model=LabelsRead)
async def report_labels(report_id: str, session: SessionDep, actor: UserDep) -> LabelsRead:
    return _read("report", await service.load(session, actor, "report", report_id))


@router.post("/reports/{report_id}/labels", response_model=LabelsRead)
async def set_report_labels(report_id: str, data: LabelsUpdate, session: SessionDep, actor: UserDep) -> LabelsRead:
    return _read("report", await service.set_labels(session, actor, "report", report_id, labels=data.labels,
                                                    reason=data.reason))


@router.get("/flaws/{flaw_id}/labels", response_model=LabelsRead)
async def flaw_labels(flaw_id: str, session: SessionDep, actor: UserDep) -> LabelsRead:
    return _read("flaw", await service.load(session, actor, "flaw", flaw_id))


@router.post("/flaws/{flaw_id}/labels", response_model=LabelsRead)
async def set_flaw_labels(flaw_id: str, data: LabelsUpdate, session: SessionDep, actor: UserDep) -> LabelsRead:
    return _read("flaw", await service.set_labels(session, actor, "flaw", flaw_id, labels=data.labels,
                                                  reason=data.reason))


#: Without one, the safest: what the public may see.
AUDIENCE = Query(default=tlp.CLEAR, description="The audience's TLP label, e.g. TLP:GREEN: fields above it are "
                 "withheld.")


@router.get("/reports/{report_id}")
async def shared_report(report_id: str, session: SessionDep, actor: UserDep, audience: str = AUDIENCE) -> dict[
        str, Any]:
    view = await service.shared_view(session, actor, "report", report_id, parse_audience(audience))
    return view.as_dict()


@router.get("/flaws/{flaw_id}")
async def shared_flaw(flaw_id: str, session: SessionDep, actor: UserDep, audience: str = AUDIENCE) -> dict[str, Any]:
    view = await service.shared_view(session, actor, "flaw", flaw_id, parse_audience(audience))
    return view.as_dict()


def _clock(row: clock_service.ClockRow) -> ClockRead:
    c = row.clock
    return ClockRead(id=c.id, object_type=c.object_type, object_id=c.object_id, kind=c.kind, started_at=c.started_at,
                     due_at=c.due_at, extended_days=c.extended_days, done_at=c.done_at, reminded_at=c.reminded_at,
                     escalated_at=c.escalated_at, status=row.status)


@router.get("/orgs/{org_id}/clocks", response_model=list[ClockRead])
async def clocks(org_id: str, session: SessionDep, actor: UserDep) -> list[ClockRead]:
    return [_clock(row) for row in await clock_service.list_clocks(session, actor, org_id, utcnow())]


@router.post("/clocks/{clock_id}/extend", response_model=ClockRead)
async def extend_clock(clock_id: str, data: ClockExtend, session: SessionDep, actor: UserDep) -> ClockRead:
    now = utcnow()
    clock = await clock_service.extend(session, actor, clock_id, days=data.days, reason=data.reason, now=now)
    rows = await clock_service.list_clocks(session, actor, clock.org_id, now)
    return next(_clock(row) for row in rows if row.clock.id == clock.id)


def _agreement(a: SharingAgreement) -> AgreementRead:
    return AgreementRead.model_validate(a, from_attributes=True)


@router.get("/orgs/{org_id}/agreements", response_model=list[AgreementRead])
async def agreements(org_id: str, session: SessionDep, actor: UserDep) -> list[AgreementRead]:
    return [_agreement(a) for a in await sharing.list_agreements(session, actor, org_id)]


@router.post("/orgs/{org_id}/agreements", response_model=AgreementRead, status_code=201)
async def create_agreement(org_id: str, data: AgreementCreate, session: SessionDep, actor: UserDep) -> AgreementRead:
    return _agreement(await sharing.create(session, actor, org_id, **data.model_dump(), now=utcnow()))


@router.post("/agreements/{agreement_id}/revoke", response_model=AgreementRead)
async def revoke_agreement(agreement_id: str, session: SessionDep, actor: UserDep) -> AgreementRead:
    return _agreement(await sharing.revoke(session, actor, agreement_id, now=utcnow()))


def _shared(item: sharing.SharedFlaw) -> dict[str, Any]:
    return {**item.view.as_dict(), "owner": item.owner, "agreement_id": item.agreement.id}


@router.get("/shared")
async def shared(session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """The flaws sharing agreements share with the caller's organisations, each for its audience."""
    return [_shared(item) for item in await sharing.shared_with(session, actor, now=utcnow())]


@router.get("/shared/flaws/{flaw_id}")
async def flaw_shared_with_me(flaw_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    return _shared(await sharing.shared_flaw(session, actor, flaw_id, now=utcnow()))


async def _report(session: SessionDep, actor: UserDep, mission_id: str | None, system_id: str | None,
                  audience: str, fmt: str, since: str | None, until: str | None, draft: bool) -> Response:
    from redhive.reports import audience as reports

    scope = reports.parse_scope(mission_id, system_id, since, until)
    body = await reports.audience_report(session, actor, scope, audience, fmt.lower(), draft=draft)
    return Response(body, media_type=reports.MEDIA[fmt.lower()])


#: The report's body is a file in the asked format, not a JSON model.
_FILE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/html": {}, "application/pdf": {}},
          "description": "The report in the asked format."}}


@router.get("/missions/{mission_id}/report", responses=_FILE)
async def mission_report(mission_id: str, session: SessionDep, actor: UserDep, audience: str = "TLP:AMBER+STRICT",
                         format: str = "json", since: str | None = None, until: str | None = None,
                         draft: bool = False) -> Response:
    """The mission's red-team report for `audience` (html, pdf or json), as `redhive report` writes
    it; the public version only once signed off (or as a draft)."""
    return await _report(session, actor, mission_id, None, audience, format, since, until, draft)


@router.get("/systems/{system_id}/report", responses=_FILE)
async def system_report(system_id: str, session: SessionDep, actor: UserDep, audience: str = "TLP:AMBER+STRICT",
                        format: str = "json", since: str | None = None, until: str | None = None,
                        draft: bool = False) -> Response:
    """The system's red-team report, as the mission's."""
    return await _report(session, actor, None, system_id, audience, format, since, until, draft)


@router.post("/signoffs", status_code=201)
async def sign_off(data: SignoffCreate, session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """Sign off the public version of a report as it reads now; the answer lists who signed it off
    and whom it still awaits."""
    from redhive.reports import audience as reports

    scope = reports.parse_scope(data.scope_id if data.scope_type == "mission" else None,
                                data.scope_id if data.scope_type == "system" else None, data.since, data.until)
    return await reports.sign_off(session, actor, scope, data.note)


@router.post("/flaws/{flaw_id}/exploited")
async def flaw_exploited(flaw_id: str, data: ExploitedCreate, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Record that the flaw is exploited in the wild: its exploited clock (7 days, +7 with a fix
    under way) starts now."""
    flaw = await clock_service.mark_exploited(session, actor, flaw_id, evidence=data.evidence, now=utcnow())
    return {"id": flaw.id, "exploited_at": flaw.exploited_at.isoformat() if flaw.exploited_at else None}
