"""The home page and the dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.auth import service as auth
from redhive.orgs import service as orgs
from redhive.web.deps import ActorDep, SessionDep, UserDep
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request, actor: ActorDep) -> Response:
    return redirect(request, "/dashboard" if actor.is_authenticated else "/login")


@router.get("/dashboard")
async def dashboard(request: Request, session: SessionDep, actor: UserDep) -> Response:
    from redhive.findings.todo import todo
    from redhive.notifications.service import list_for

    memberships = await auth.memberships_of(session, actor)
    systems = await orgs.list_systems(session, actor)
    recent = [n for n in await list_for(session, actor, limit=5)]
    return render(request, "dashboard.html", {"nav": "dashboard", "memberships": memberships,
                                              "systems": systems, "todo": await todo(session, actor),
                                              "recent": recent})
