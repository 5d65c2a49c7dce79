"""The sharing-labels form on the report and flaw pages (what the section shows, and its action),
the dashboard of disclosure clocks with their extension form, and the findings shared with the
user's organisations. One service call per action; a
refusal comes back to the page as one sentence and nothing is stored."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from redhive.auth.permissions import has_permission, require_user
from redhive.disclosure import clock_service, service, tlp
from redhive.disclosure import sharing as agreements
from redhive.errors import InvalidInput
from redhive.findings.models import Flaw, FlawReport
from redhive.findings.sla import aware
from redhive.kit import utcnow
from redhive.orgs.models import Organization
from redhive.web.deps import SessionDep, UserDep
from redhive.web.errors import FormRejected
from redhive.web.forms import read_form
from redhive.web.templating import redirect, render

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


@router.get("/disclosure/clocks")
async def clocks_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The dashboard of disclosure clocks of every organisation whose findings the actor triages."""
    require_user(actor)
    now = utcnow()
    orgs = actor.org_ids("findings.clocks")
    names = {o.id: o.name for o in (await session.scalars(select(Organization).where(
        Organization.id.in_(orgs)))).all()}
    rows = [(names.get(org_id, org_id), row) for org_id in orgs
            for row in await clock_service.list_clocks(session, actor, org_id, now)]
    rows.sort(key=lambda item: (item[1].status == "done", aware(item[1].clock.due_at)))
    return render(request, "disclosure/clocks.html", {"nav": "findings", "rows": rows, "now": now})


@router.post("/disclosure/clocks/{clock_id}/extend")
async def clock_extend(clock_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    try:
        days = int(values.get("days") or 0)
        await clock_service.extend(session, actor, clock_id, days=days, reason=values.get("reason", ""),
                                   now=utcnow())
    except ValueError:
        raise FormRejected(redirect(request, "/disclosure/clocks", "Days must be a whole number of days.",
                                    "error")) from None
    except InvalidInput as exc:
        raise FormRejected(redirect(request, "/disclosure/clocks", exc.message, "error")) from None
    return redirect(request, "/disclosure/clocks", f"Clock extended by {days} day(s).")


@router.get("/disclosure/shared")
async def shared_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """What sharing agreements share with the user's organisations, each field shown or withheld."""
    require_user(actor)
    items = await agreements.shared_with(session, actor, now=utcnow())
    return render(request, "disclosure/shared.html", {"nav": "shared", "items": items, "fields": tlp.FIELDS["flaw"]})


@router.get("/disclosure/agreements")
async def agreements_page(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The sharing agreements of every organisation whose agreements the user sees, with the form
    to make one and revoke buttons for its admins and coordinators."""
    require_user(actor)
    orgs = (await session.scalars(select(Organization).where(Organization.id.in_(actor.org_ids("sharing.view")))
                                  .order_by(Organization.name))).all()
    names: dict[str, str] = {}
    blocks = []
    for org in orgs:
        rows = await agreements.list_agreements(session, actor, org.id)
        manage = has_permission(actor, "sharing.manage", org.id)
        opts = await agreements.options(session, actor, org.id) if manage else None
        if opts:
            names.update(dict(opts.recipients))
        missing = {a.recipient_org_id for a in rows} - set(names)
        names.update({o.id: o.name for o in (await session.scalars(select(Organization).where(
            Organization.id.in_(missing)))).all()})
        blocks.append({"org": org, "agreements": rows, "options": opts})
    return render(request, "disclosure/agreements.html", {"nav": "shared", "blocks": blocks, "names": names,
                                                          "labels": tlp.LABELS})


@router.post("/disclosure/orgs/{org_id}/agreements")
async def agreement_create(org_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    scope_type, _, scope_id = values.get("scope", "").partition(":")
    named = [v.strip() for v in values.get("named_user_ids", "").split(",") if v.strip()]
    try:
        await agreements.create(session, actor, org_id, recipient_org_id=values.get("recipient_org_id", ""),
                                scope_type=scope_type, scope_id=scope_id, audience=values.get("audience", ""),
                                after=values.get("after", "validated"),
                                delay_days=int(values.get("delay_days") or 0), named_user_ids=named,
                                note=values.get("note", ""), public_signoff=values.get("public_signoff") == "1",
                                now=utcnow())
    except ValueError:
        raise FormRejected(redirect(request, "/disclosure/agreements", "Days must be a whole number of days.",
                                    "error")) from None
    except InvalidInput as exc:
        raise FormRejected(redirect(request, "/disclosure/agreements", exc.message, "error")) from None
    return redirect(request, "/disclosure/agreements", "Sharing agreement made.")


@router.post("/disclosure/agreements/{agreement_id}/revoke")
async def agreement_revoke(agreement_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    await agreements.revoke(session, actor, agreement_id, now=utcnow())
    return redirect(request, "/disclosure/agreements", "Sharing agreement revoked: nothing more is shared under it.")
