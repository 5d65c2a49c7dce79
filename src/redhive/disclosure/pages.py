"""The sharing-labels form on the report and flaw pages: what the section shows, and its action
(one service call; a refusal comes back to the page as one sentence and nothing is stored)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import Response

from redhive.disclosure import service, tlp
from redhive.errors import InvalidInput
from redhive.findings.models import Flaw, FlawReport
from redhive.web.deps import SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.forms import read_form
from redhive.web.templating import redirect

__all__ = ["Sharing", "router", "sharing"]

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Sharing:
    action: str
    labels: dict[str, str]
    #: field -> the labels it may be given (from its hazard floor up)
    options: dict[str, list[str]]


def sharing(kind: service.Kind, obj: FlawReport | Flaw) -> Sharing:
    floors = {f: tlp.floor(kind, f, obj.hazard_class, restricted=obj.restricted) for f in tlp.FIELDS[kind]}
    return Sharing(action=f"/findings/{kind}s/{obj.id}/labels", labels=service.labels_of(kind, obj),
                   options={f: [label for label in tlp.LABELS if tlp.rank(label) >= tlp.rank(low)]
                            for f, low in floors.items()})


async def _save(kind: service.Kind, object_id: str, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    url = f"/findings/{kind}s/{object_id}#labels"
    values = await read_form(request)
    labels = {f: values[f"label_{f}"] for f in tlp.FIELDS[kind] if values.get(f"label_{f}")}
    try:
        await service.set_labels(session, actor, kind, object_id, labels=labels, reason=values.get("reason", ""))
    except InvalidInput as exc:
        raise FormRejected(redirect(request, url, exc.message, "error")) from None
    return redirect(request, url, "Sharing labels saved.")


@router.post("/findings/reports/{report_id}/labels")
async def report_labels(report_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return await _save("report", report_id, request, session, actor)


@router.post("/findings/flaws/{flaw_id}/labels")
async def flaw_labels(flaw_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    return await _save("flaw", flaw_id, request, session, actor)
