"""The playground: a browser chat for a mission's participants. The page lists the mission's models
and the session's history; the chat endpoint streams the reply as server-sent events through the
same `Gateway.chat` as `/v1` (channel "playground"), with the logged-in participant's grant, so a
playground exchange is limited, checked and recorded in the chain exactly like an API one."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from redhive.auth.permissions import Actor
from redhive.errors import InvalidInput
from redhive.gateway import service
from redhive.gateway.models import Exchange
from redhive.kit import new_id
from redhive.web.deps import SecretBoxDep, SessionDep, UserDep
from redhive.web.templating import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["gateway"])

SESSION_HEADER = "X-Redhive-Session"
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _session_id(value: str | None, *, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not _SESSION_ID.match(value):
        raise InvalidInput(f"The {where} is not a playground session id: use letters, digits, '-' or '_' "
                           "(at most 64), or leave it out to start a new conversation.", field="session")
    return value


def _turns(exchanges: Sequence[Exchange]) -> list[dict[str, Any]]:
    """One turn per exchange: the last user message, the reply as recorded, the outcome."""
    turns = []
    for exchange in exchanges:
        messages = exchange.request.get("messages") or []
        asked = next((m.get("content") for m in reversed(messages) if m.get("role") == "user"), "")
        choices = (exchange.response or {}).get("choices") or [{}]
        reply = ((choices[0] or {}).get("message") or {}).get("content") or ""
        system = next((m.get("content") for m in messages if m.get("role") == "system"), None)
        turns.append({"id": exchange.id, "model": exchange.model, "user": str(asked or ""), "reply": str(reply),
                      "outcome": exchange.outcome, "error": exchange.error, "system": system})
    return turns


async def _recent_sessions(session: AsyncSession, actor: Actor, mission_id: str) -> list[dict[str, Any]]:
    rows = (await session.execute(
        select(Exchange.session_id, func.count(), func.max(Exchange.started_at))
        .where(Exchange.mission_id == mission_id, Exchange.user_id == actor.user_id,
               Exchange.channel == "playground")
        .group_by(Exchange.session_id).order_by(func.max(Exchange.started_at).desc()).limit(10)
    )).all()
    return [{"id": sid, "count": count, "last": last} for sid, count, last in rows]


@router.get("/missions/{mission_id}/playground")
async def playground_page(mission_id: str, request: Request, session: SessionDep, actor: UserDep,
                          box: SecretBoxDep) -> Response:
    await request.app.state.gateway.recorder.drain()  # the history shows the reply just streamed
    grant = await service.playground_grant(session, actor, mission_id, box)
    current = _session_id(request.query_params.get("session"), where="'session' parameter")
    history = await service.list_session(session, actor, mission_id, current) if current else []
    turns = _turns(history)
    context = {
        "nav": "missions", "mission_id": mission_id, "models": sorted(grant.routes),
        "allow_system_prompt": grant.allow_system_prompt, "session_id": current or new_id(),
        "turns": turns, "recent": await _recent_sessions(session, actor, mission_id),
        "refusal": (grant.refusal_now() or (None, None, None))[2],
        "chosen_model": turns[-1]["model"] if turns else None,
        "system_prompt": next((t["system"] for t in turns if t["system"]), ""),
    }
    return render(request, "gateway/playground.html", context)


@api.post("/missions/{mission_id}/playground/chat")
async def playground_chat(mission_id: str, request: Request, session: SessionDep, actor: UserDep,
                          box: SecretBoxDep) -> Response:
    """A chat-completions request from the page, always streamed back as server-sent events; the
    `X-Redhive-Exchange-Id` header names the exchange (what a finding cites)."""
    grant = await service.playground_grant(session, actor, mission_id, box)
    hint = _session_id(request.headers.get(SESSION_HEADER), where=f"{SESSION_HEADER} header")
    raw = await request.app.state.gateway.read_body(request)
    if isinstance(raw, Response):
        return raw
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict):
        body["stream"] = True
        raw = json.dumps(body).encode()
    return await request.app.state.gateway.chat(grant, raw, channel="playground", session_hint=hint)  # type: ignore[no-any-return]
