"""Pages of joint exercises: the exercise (its organisations, labels and headcounts, the agreement
form, acceptance, the consolidated report download) and the transfer notices inbox — the
coordinator reviews and forwards or dismisses, the developer reads what was forwarded and
acknowledges it. One service call per action; a refusal comes back as one sentence."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.auth.permissions import require_user
from redhive.disclosure import tlp
from redhive.errors import InvalidInput
from redhive.joint import notices, service
from redhive.kit import utcnow
from redhive.web.deps import SessionDep, UserDep
from redhive.web.forms import act_on_form
from redhive.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)



@router.get("/joint/missions/{mission_id}")
async def exercise_page(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    exercise = await service.exercise(session, actor, mission_id)
    return render(request, "joint/exercise.html", {"nav": "missions", "e": exercise, "labels": tlp.LABELS,
                                                   "report_labels": tlp.LABELS[:-1]})


@router.post("/joint/missions/{mission_id}/agreement")
async def agreement_create(mission_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> None:
        parties = [service.Party(key.removeprefix("audience_"), value,
                                 [u.strip() for u in values.get(f"named_{key.removeprefix('audience_')}", "")
                                  .split(",") if u.strip()])
                   for key, value in values.items() if key.startswith("audience_") and value]
        try:
            days = int(values.get("delay_days") or 0)
        except ValueError:
            raise InvalidInput("Days must be a whole number of days.", field="delay_days") from None
        await service.create_agreement(session, actor, mission_id, parties=parties,
                                       after=values.get("after", "validated"), delay_days=days,
                                       note=values.get("note", ""), now=utcnow())
    return await act_on_form(request, f"/joint/missions/{mission_id}", "Joint agreement made.", act)


@router.post("/joint/agreements/{joint_agreement_id}/accept")
async def agreement_accept(joint_agreement_id: str, request: Request, session: SessionDep,
                           actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> str:
        agreement = await service.accept(session, actor, joint_agreement_id, values.get("org_id", ""), now=utcnow())
        return f"/joint/missions/{agreement.mission_id}"
    return await act_on_form(request, "/missions",
                             "Agreement accepted: your flaws in this exercise are now shared under it.", act)


@router.get("/joint/transfers")
async def inbox_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    require_user(actor)
    rows = await notices.inbox(session, actor)
    return render(request, "joint/transfers.html", {"nav": "transfers", "rows": rows})


@router.get("/joint/transfers/{notice_id}")
async def notice_page(notice_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    found = await notices.view(session, actor, notice_id, now=utcnow())
    may_forward = [label for label in tlp.LABELS if tlp.rank(label) <= tlp.rank(found.may_forward_up_to)]
    return render(request, "joint/notice.html", {"nav": "transfers", "v": found, "may_forward": may_forward,
                                                 "fields": tlp.FIELDS["flaw"]})


@router.post("/joint/transfers/{notice_id}/forward")
async def notice_forward(notice_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> None:
        await notices.forward(session, actor, notice_id, audience=values.get("audience", ""),
                              note=values.get("note", ""), now=utcnow())
    return await act_on_form(request, f"/joint/transfers/{notice_id}", "Notice forwarded to the developer.", act)


@router.post("/joint/transfers/{notice_id}/dismiss")
async def notice_dismiss(notice_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> None:
        await notices.dismiss(session, actor, notice_id, note=values.get("note", ""), now=utcnow())
    return await act_on_form(request, f"/joint/transfers/{notice_id}", "Notice dismissed.", act)


@router.post("/joint/transfers/{notice_id}/acknowledge")
async def notice_acknowledge(notice_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    async def act(values: dict[str, str]) -> None:
        await notices.acknowledge(session, actor, notice_id, now=utcnow())
    return await act_on_form(request, f"/joint/transfers/{notice_id}", "Notice acknowledged.", act)
