"""JSON API of jobs: read, list, cancel, and the file a job built. Routes that start a job answer
`accepted(job)`: 202, the job, and its address in Location."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.responses import JSONResponse

from redhive.errors import Conflict
from redhive.jobs import service
from redhive.jobs.models import FINAL, Job
from redhive.jobs.schemas import JobRead
from redhive.web.deps import SessionDep, UserDep
from redhive.web.openapi import error_responses

__all__ = ["accepted", "router"]

router = APIRouter(prefix="/api/jobs", tags=["jobs"])


def accepted(job: Job) -> JSONResponse:
    """What a route that started `job` answers: at once, before the work runs."""
    return JSONResponse(JobRead.of(job).model_dump(mode="json"), status_code=202,
                        headers={"Location": f"/api/jobs/{job.id}"})


@router.get("", response_model=list[JobRead])
async def jobs(session: SessionDep, actor: UserDep, status: str | None = None,
               subject_id: str | None = None, limit: int = 100) -> list[JobRead]:
    return [JobRead.of(j) for j in await service.list_jobs(session, actor, status=status, subject_id=subject_id,
                                                          limit=limit)]


@router.get("/{job_id}", response_model=JobRead)
async def job(job_id: str, session: SessionDep, actor: UserDep) -> JobRead:
    return JobRead.of(await service.get_job(session, actor, job_id))


@router.post("/{job_id}/cancel", response_model=JobRead)
async def cancel(job_id: str, session: SessionDep, actor: UserDep) -> JobRead:
    return JobRead.of(await service.cancel_job(session, actor, job_id))


@router.get("/{job_id}/output", responses={200: {"description": "The file the job built (a report)",
                                                 "content": {"text/html": {}, "application/json": {}}},
                                            **error_responses(409)})
async def output(job_id: str, session: SessionDep, actor: UserDep) -> Response:
    found = await service.get_job(session, actor, job_id)
    if found.output is None:
        if found.status in FINAL:
            raise Conflict(f"The job {job_id} ({found.kind}, {found.status}) built no file: only report builds do.")
        raise Conflict(f"The job {job_id} is {found.status}: its file is there once it succeeded.")
    media = found.output_media_type or "application/octet-stream"
    suffix = ".html" if media.startswith("text/html") else ".json" if media == "application/json" else ""
    return Response(found.output, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{found.kind}-{found.id}{suffix}"',
                             "X-Content-Type-Options": "nosniff"})
