"""Report builds through the API: they run as jobs (redhive.reports.tasks); the file is the job's
output (GET /api/jobs/{id}/output)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from redhive.jobs.routes import accepted
from redhive.jobs.schemas import JobRead
from redhive.reports import tasks
from redhive.web.deps import SessionDep, UserDep

__all__ = ["router"]

router = APIRouter(prefix="/api/reports", tags=["reports"])


class MissionReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    audience: str = Field(default="TLP:AMBER+STRICT", max_length=20,
                          description="Who receives it, as a TLP label; fields labelled above it are withheld")
    format: str = Field(default="html", pattern="^(html|json)$")


@router.post("/missions/{mission_id}", response_model=JobRead, status_code=202,
             responses={202: {"description": "The build, queued; Location: /api/jobs/{id}"}})
async def mission_report(mission_id: str, data: MissionReportRequest, session: SessionDep,
                         actor: UserDep) -> Response:
    """Build the mission's red-team report for one audience as a job."""
    return accepted(await tasks.start_mission_report(session, actor, mission_id, audience=data.audience,
                                                     fmt=data.format))
