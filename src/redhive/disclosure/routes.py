"""JSON API of disclosure: each field's sharing label, read and changed."""

from __future__ import annotations

from fastapi import APIRouter

from redhive.disclosure import service, tlp
from redhive.disclosure.schemas import LabelsRead, LabelsUpdate
from redhive.findings.models import Flaw, FlawReport
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
