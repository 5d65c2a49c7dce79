"""The mission page's "Build the report" form: the build runs as a job; its page offers the file."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.errors import InvalidInput
from redhive.reports import tasks
from redhive.web.deps import SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.forms import read_form
from redhive.web.templating import redirect

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.post("/reports/missions/{mission_id}")
async def build_mission_report(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        job = await tasks.start_mission_report(session, actor, mission_id, audience=values.get("audience", ""),
                                               fmt=values.get("format", "html"))
    except InvalidInput as exc:
        raise FormRejected(redirect(request, f"/missions/{mission_id}#report", exc.message, "error")) from None
    return redirect(request, f"/jobs/{job.id}", "The report is being built: this page offers it once it is ready.")
