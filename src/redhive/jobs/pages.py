"""The jobs pages: the list (yours and your organisations'), one job's status, progress and result,
refreshed while it runs, and its cancel button."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.auth.permissions import can
from redhive.errors import Conflict
from redhive.jobs import service
from redhive.jobs.models import FINAL
from redhive.jobs.registry import summary
from redhive.web.deps import SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/jobs")
async def jobs_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    jobs = await service.list_jobs(session, actor)
    return render(request, "jobs/list.html", {"nav": "jobs", "jobs": jobs,
                                              "live": any(j.status not in FINAL for j in jobs)})


@router.get("/jobs/{job_id}")
async def job_page(job_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    job = await service.get_job(session, actor, job_id)
    return render(request, "jobs/show.html", {
        "nav": "jobs", "job": job, "final": FINAL, "summary": summary(job.kind, job.result),
        "can_cancel": can(actor, "jobs.cancel", service.job_relations(actor, job))})


@router.post("/jobs/{job_id}/cancel")
async def cancel(job_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    try:
        job = await service.cancel_job(session, actor, job_id)
    except Conflict as exc:
        raise FormRejected(redirect(request, f"/jobs/{job_id}", exc.message, "error")) from None
    said = "Job cancelled." if job.status == "cancelled" else "The job stops after its current step."
    return redirect(request, f"/jobs/{job_id}", said)
