"""JSON API of findings: parse, one service call, response model. Webhooks queued by a change are
sent after the response (so after the commit)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, BackgroundTasks, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from redhive.auth.schemas import UTCDateTime
from redhive.findings import clusters, comments, exports, service, verification, webhooks
from redhive.findings import tasks as job_tasks
from redhive.findings.delivery import base_url, send_after
from redhive.findings.schemas import (
    AssessmentRead,
    BulkAction,
    ExposureUpdate,
    FlagReport,
    FlawRead,
    FlawTransition,
    RemediationCreate,
    RemediationRead,
    ReplayRequest,
    ReportCreate,
    ReportRead,
    ReportSubmitted,
    ReportTransition,
    RetestRequest,
    SeverityInputs,
    WebhookCreate,
    WebhookRead,
)
from redhive.findings.severity import BAND_NAMES, band_of, priority
from redhive.jobs.routes import accepted
from redhive.jobs.schemas import JobRead
from redhive.web.deps import SecretBoxDep, SessionDep, UserDep

router = APIRouter(prefix="/api/findings", tags=["findings"])


_send_after = send_after

#: Routes that start a job answer 202 with it; GET the Location until its status is final.
_JOB: dict[int | str, dict[str, Any]] = {202: {"description": "The job, queued; Location: /api/jobs/{id}"}}


class QueueItem(BaseModel):
    report: ReportRead
    band: str | None
    priority: int
    clock: str | None
    breached: bool


class RegressRequest(BaseModel):
    version_id: str
    trials: int = Field(default=10, ge=1, le=1000)


class TransferRequest(BaseModel):
    version_ids: list[str] = Field(min_length=1)
    trials: int = Field(default=10, ge=1, le=1000)


@router.post("/reports", response_model=ReportSubmitted, status_code=201)
async def submit(data: ReportCreate, request: Request, tasks: BackgroundTasks, session: SessionDep,
                 actor: UserDep) -> ReportSubmitted:
    report, duplicates = await service.submit_report(session, actor, data=data)
    _send_after(request, tasks)
    return ReportSubmitted(report=ReportRead.model_validate(report), duplicates=duplicates)


@router.post("/flags/{flag_id}/report", response_model=ReportSubmitted, status_code=201)
async def submit_from_flag(flag_id: str, data: FlagReport, request: Request, tasks: BackgroundTasks,
                           session: SessionDep, actor: UserDep) -> ReportSubmitted:
    report, duplicates = await service.submit_from_flag(session, actor, flag_id,
                                                        data=data.model_dump(exclude_unset=True, exclude_none=True))
    _send_after(request, tasks)
    return ReportSubmitted(report=ReportRead.model_validate(report), duplicates=duplicates)


@router.get("/reports", response_model=list[ReportRead])
async def reports(session: SessionDep, actor: UserDep) -> Any:
    return await service.list_reports(session, actor)


@router.get("/reports/{report_id}", response_model=ReportRead)
async def report(report_id: str, session: SessionDep, actor: UserDep) -> Any:
    return await service.get_report(session, actor, report_id)


@router.post("/reports/{report_id}/transitions", response_model=ReportRead)
async def move_report(report_id: str, data: ReportTransition, request: Request, tasks: BackgroundTasks,
                      session: SessionDep, actor: UserDep) -> Any:
    moved = await service.transition_report(session, actor, report_id, data=data)
    _send_after(request, tasks)
    return moved


@router.post("/reports/{report_id}/replay", response_model=JobRead, status_code=202, responses=_JOB)
async def replay(report_id: str, data: ReplayRequest, request: Request, session: SessionDep,
                 actor: UserDep) -> Response:
    """Replay the report's packet as a job: answers at once; the job's result is the replay."""
    return accepted(await job_tasks.start_replay(session, actor, report_id, trials=data.trials,
                                                 base_url=base_url(request)))


@router.post("/bulk", response_model=list[ReportRead])
async def bulk(data: BulkAction, request: Request, tasks: BackgroundTasks, session: SessionDep,
               actor: UserDep) -> Any:
    moved = await service.bulk(session, actor, data=data)
    _send_after(request, tasks)
    return moved


@router.get("/queue", response_model=list[QueueItem])
async def queue(session: SessionDep, actor: UserDep, mission_id: str | None = None, system_id: str | None = None,
                taxonomy: str | None = None, state: str | None = None) -> list[QueueItem]:
    rows = await service.triage_queue(session, actor, mission_id=mission_id, system_id=system_id,
                                      taxonomy=taxonomy, state=state)
    return [QueueItem(report=ReportRead.model_validate(r.report), band=r.band, priority=r.priority,
                      clock=r.clock.label() if r.clock else None, breached=bool(r.clock and r.clock.breached))
            for r in rows]


@router.get("/flaws", response_model=list[FlawRead])
async def flaws(session: SessionDep, actor: UserDep, system_id: str | None = None) -> Any:
    return await service.list_flaws(session, actor, system_id=system_id)


@router.get("/flaws/{flaw_id}", response_model=FlawRead)
async def flaw(flaw_id: str, session: SessionDep, actor: UserDep) -> Any:
    return await service.get_flaw(session, actor, flaw_id)


@router.post("/flaws/{flaw_id}/transitions", response_model=FlawRead)
async def move_flaw(flaw_id: str, data: FlawTransition, request: Request, tasks: BackgroundTasks,
                    session: SessionDep, actor: UserDep) -> Any:
    moved = await service.transition_flaw(session, actor, flaw_id, data=data)
    _send_after(request, tasks)
    return moved


@router.post("/flaws/{flaw_id}/exposure", response_model=FlawRead)
async def set_exposure(flaw_id: str, data: ExposureUpdate, session: SessionDep, actor: UserDep) -> Any:
    return await verification.set_exposure(session, actor, flaw_id, exposure=data.exposure, reason=data.reason)


@router.post("/flaws/{flaw_id}/retest", response_model=JobRead, status_code=202, responses=_JOB)
async def retest(flaw_id: str, data: RetestRequest, request: Request, session: SessionDep,
                 actor: UserDep) -> Response:
    """Re-test the flaw's regression case on a version as a job (its result: the verdict and state)."""
    return accepted(await job_tasks.start_retest(session, actor, flaw_id, version_id=data.version_id,
                                             trials=data.trials, base_url=base_url(request)))


@router.post("/flaws/{flaw_id}/assessments", response_model=AssessmentRead, status_code=201)
async def assess(flaw_id: str, data: SeverityInputs, session: SessionDep, actor: UserDep) -> Any:
    return await verification.assess(session, actor, flaw_id, inputs=data)


@router.post("/flaws/{flaw_id}/remediations", response_model=RemediationRead, status_code=201)
async def remediate(flaw_id: str, data: RemediationCreate, request: Request, tasks: BackgroundTasks,
                    session: SessionDep, actor: UserDep) -> Any:
    remediation = await verification.add_remediation(session, actor, flaw_id, data=data)
    _send_after(request, tasks)
    return remediation


@router.post("/flaws/{flaw_id}/transfer", response_model=JobRead, status_code=202, responses=_JOB)
async def transfer(flaw_id: str, data: TransferRequest, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:
    """Transfer-test the flaw on versions of other systems as a job (refusals answer at once)."""
    return accepted(await job_tasks.start_transfer(session, actor, flaw_id, version_ids=data.version_ids,
                                               trials=data.trials, base_url=base_url(request)))


@router.post("/systems/{system_id}/regress", response_model=JobRead, status_code=202, responses=_JOB)
async def regress(system_id: str, data: RegressRequest, request: Request, session: SessionDep,
                  actor: UserDep) -> Response:
    """Re-run every regression case of the system on a version as a job."""
    return accepted(await job_tasks.start_regress(session, actor, system_id, version_id=data.version_id,
                                              trials=data.trials, base_url=base_url(request)))


@router.get("/orgs/{org_id}/export", responses={200: {"description": "The organisation's flaws for one audience as "
                                                    "the platform's JSON, CSV, AVID JSON or a CSAF 2.0 advisory "
                                                    "(`format`); fields above `audience` are withheld.", "content": {
    "application/json": {}, "text/csv": {}}}})
async def export(org_id: str, session: SessionDep, actor: UserDep,
                 format: Literal["json", "csv", "avid", "csaf"] = "json",
                 audience: str = exports.DEFAULT_AUDIENCE) -> Response:
    media, body = await exports.export_flaws(session, actor, org_id, format, audience)
    return Response(body, media_type=media)


@router.get("/orgs/{org_id}/metrics")
async def metrics(org_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    return {"members": await exports.member_metrics(session, actor, org_id),
            "severity_agreement": await verification.assessor_agreement(session, actor, org_id)}


class BandPreview(BaseModel):
    band: str
    name: str
    priority: int


class CommentCreate(BaseModel):
    body: str = Field(min_length=1, max_length=comments.MAX_COMMENT)
    internal: bool = False


class CommentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    object_type: str
    object_id: str
    author_id: str | None
    body: str
    internal: bool
    created_at: UTCDateTime


class MergeRequest(BaseModel):
    report_ids: list[str] = Field(min_length=2, max_length=200)
    into_id: str
    reason: str = Field(default="", max_length=2000)


@router.post("/severity/band", response_model=BandPreview)
async def severity_band(data: SeverityInputs, actor: UserDep, exposure: int = 2) -> BandPreview:
    """The band the rubric gives these inputs (the severity form's live result); stores nothing."""
    band = band_of(data)
    return BandPreview(band=band, name=BAND_NAMES[band], priority=priority(band, exposure))


@router.post("/reports/{report_id}/comments", response_model=CommentRead, status_code=201)
async def comment_report(report_id: str, data: CommentCreate, request: Request, tasks: BackgroundTasks,
                         session: SessionDep, actor: UserDep) -> Any:
    comment = await comments.add_comment(session, actor, "report", report_id, body=data.body, internal=data.internal)
    _send_after(request, tasks)
    return comment


@router.post("/flaws/{flaw_id}/comments", response_model=CommentRead, status_code=201)
async def comment_flaw(flaw_id: str, data: CommentCreate, request: Request, tasks: BackgroundTasks,
                       session: SessionDep, actor: UserDep) -> Any:
    comment = await comments.add_comment(session, actor, "flaw", flaw_id, body=data.body, internal=data.internal)
    _send_after(request, tasks)
    return comment


@router.post("/merge", response_model=FlawRead)
async def merge(data: MergeRequest, request: Request, tasks: BackgroundTasks, session: SessionDep,
                actor: UserDep) -> Any:
    flaw = await clusters.merge(session, actor, report_ids=data.report_ids, into_id=data.into_id, reason=data.reason)
    _send_after(request, tasks)
    return flaw


@router.post("/orgs/{org_id}/webhooks", response_model=WebhookRead, status_code=201)
async def add_webhook(org_id: str, data: WebhookCreate, session: SessionDep, actor: UserDep,
                      box: SecretBoxDep) -> Any:
    return await webhooks.create_endpoint(session, actor, org_id, data=data, box=box)
