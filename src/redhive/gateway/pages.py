"""The mission's gateway page: its keys (issue — shown once —, revoke), its quotas, the deny list,
whether participants may send their own system prompt, and the transcript's chain check. The same
service calls as the JSON API (redhive.gateway.routes), for the same people."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.errors import Conflict, InvalidInput
from redhive.gateway import service
from redhive.gateway.schemas import KeyCreate, SettingsUpdate
from redhive.missions import service as missions
from redhive.web.deps import SessionDep, UserDep
from redhive.web.forms import parse_form, read_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


async def _context(request: Request, session: SessionDep, actor: Any, mission_id: str) -> dict[str, Any]:
    await request.app.state.gateway.recorder.drain()
    access = await missions.get_mission(session, actor, mission_id)
    from redhive.missions.cohort import list_participants

    participants = await list_participants(session, actor, mission_id) if access.can_manage else []
    settings = await service.get_settings(session, mission_id)
    chain = await service.verify_mission(session, mission_id)
    return {"nav": "missions", "mission": access.mission, "can_manage": access.can_manage,
            "keys": await service.list_keys(session, actor, mission_id), "settings": settings,
            "participants": participants, "chain": chain.sentence(mission_id), "chain_ok": chain.ok,
            "deny_text": "\n".join(settings.deny_list or [])}


@router.get("/missions/{mission_id}/gateway")
async def gateway_page(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "gateway/manage.html", await _context(request, session, actor, mission_id))


@router.post("/missions/{mission_id}/gateway/keys")
async def issue_key(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        data = parse_form(KeyCreate, values)
        key, secret = await service.issue_key(session, actor, mission_id, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "gateway/manage.html", values, exc, await _context(request, session, actor, mission_id))
    context = await _context(request, session, actor, mission_id)
    return render(request, "gateway/manage.html", {**context, "issued": (key, secret)}, status_code=201)


@router.post("/gateway/keys/{key_id}/revoke")
async def revoke_key(key_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    key = await service.revoke_key(session, actor, key_id)
    request.app.state.gateway.revoke(key.id)  # refused from this instant, whatever is cached
    return redirect(request, f"/missions/{key.mission_id}/gateway", f"Key {key.prefix}… revoked.")


@router.post("/missions/{mission_id}/gateway/settings")
async def update_settings(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    fields: dict[str, Any] = {k: v for k, v in values.items() if k in ("requests_per_minute", "tokens_per_day",
                                                                      "max_concurrent")}
    fields["deny_list"] = [line for line in values.get("deny_list", "").splitlines() if line.strip()]
    fields["allow_system_prompt"] = values.get("allow_system_prompt") == "on"
    try:
        data = parse_form(SettingsUpdate, fields)
        await service.update_settings(session, actor, mission_id, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "gateway/manage.html", values, exc, await _context(request, session, actor, mission_id))
    request.app.state.gateway.forget_grants()
    return redirect(request, f"/missions/{mission_id}/gateway", "Gateway settings saved.")
