"""The notifications page and its JSON twin."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from redhive.auth.schemas import UTCDateTime
from redhive.notifications import service
from redhive.web.deps import SessionDep, UserDep
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/notifications", tags=["notifications"])


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    message: str
    url: str
    created_at: UTCDateTime
    read_at: UTCDateTime | None


@router.get("/notifications")
async def page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    items = await service.list_for(session, actor)
    return render(request, "notifications/index.html", {"nav": "notifications", "notifications": items,
                                                        "unread": any(n.read_at is None for n in items)})


@router.post("/notifications/read")
async def read_all(request: Request, session: SessionDep, actor: UserDep) -> Response:
    count = await service.mark_read(session, actor)
    return redirect(request, "/notifications", f"{count} notification(s) marked read.")


@api.get("", response_model=list[NotificationRead])
async def listing(session: SessionDep, actor: UserDep) -> list[NotificationRead]:
    return [NotificationRead.model_validate(n) for n in await service.list_for(session, actor)]
