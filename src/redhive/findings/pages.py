"""Pages of findings: the triage board (queue by priority with SLA clocks, filters, bulk actions,
re-test button), the report form (with attachments) and a report's page with its likely duplicates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.responses import Response

from redhive.auth.permissions import Actor, has_permission
from redhive.errors import Conflict, InvalidInput
from redhive.findings import lifecycle, service, verification, webhooks
from redhive.findings.models import PROVENANCES, REPORT_TYPES
from redhive.findings.restriction import HAZARD_DOMAINS
from redhive.findings.schemas import BulkAction, ReportCreate
from redhive.orgs import service as orgs
from redhive.orgs.models import SystemVersion
from redhive.taxonomy import HAZARD_CLASSES
from redhive.web.deps import SecretBoxDep, SessionDep, UserDep
from redhive.web.forms import parse_form, read_form, reject
from redhive.web.templating import redirect, render

router = APIRouter(include_in_schema=False)


async def _versions(session: AsyncSession, actor: Actor) -> list[tuple[str, str]]:
    out = []
    for system in await orgs.list_systems(session, actor):
        if has_permission(actor, "systems.view", system.org_id):
            for version in await orgs.list_versions(session, actor, system.id):
                out.append((version.id, f"{system.name} {version.label}"))
    return out


async def _form_context(session: AsyncSession, actor: Actor) -> dict[str, Any]:
    return {"nav": "findings", "versions": await _versions(session, actor),
            "hazards": [(k, f"{k} {v}") for k, v in HAZARD_CLASSES.items()],
            "hazard_domains": [(d, d.replace("_", " / ") if d != "none" else "none") for d in HAZARD_DOMAINS],
            "provenances": [(p, p.replace("_", "-")) for p in PROVENANCES],
            "report_types": [(t, t.replace("_", " ")) for t in REPORT_TYPES]}


@router.get("/findings/new")
async def report_new(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "findings/new.html", {**await _form_context(session, actor),
                                                 "values": {"hazard_class": "HZ0", "hazard_domain": "none",
                                                            "provenance": "human"}})


def _report_fields(values: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {k: v for k, v in values.items()
                              if k not in ("taxonomy", "evidence", "report_type", "suite", "probe_id", "attack")}
    fields["taxonomy"] = [t for t in values.get("taxonomy", "").replace(",", " ").split() if t]
    fields["evidence"] = [t for t in values.get("evidence", "").replace(",", " ").split() if t]
    fields["report_types"] = [values.get("report_type") or "vulnerability"]
    if values.get("probe_id"):
        fields["replication"] = {"suite": values.get("suite") or "core", "probe_id": values["probe_id"],
                                 "attack": values.get("attack") or "none"}
    return fields


@router.post("/findings/new")
async def report_create(request: Request, tasks: BackgroundTasks, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    form = await request.form()
    files = [f for f in form.getlist("attachments") if isinstance(f, UploadFile)]
    attachments = []
    try:
        for f in files:
            content = await f.read(service.MAX_ATTACHMENT_BYTES + 1)
            if f.filename:
                attachments.append(service.Attachment(f.filename, f.content_type or "", content))
    finally:
        for f in files:
            await f.close()
    try:
        parsed = parse_form(ReportCreate, _report_fields(values))
        report, _ = await service.submit_report(session, actor, data=parsed, attachments=attachments)
    except (InvalidInput, Conflict) as exc:
        reject(request, "findings/new.html", values, exc, await _form_context(session, actor))
    tasks.add_task(webhooks.deliver_pending, request.app.state.db, request.app.state.secret_box)
    return redirect(request, f"/findings/reports/{report.id}", "Report submitted.")


@router.get("/findings/reports/{report_id}")
async def report_show(report_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    report = await service.get_report(session, actor, report_id)
    version = await session.get(SystemVersion, report.version_id)
    return render(request, "findings/report.html", {
        "nav": "findings", "report": report, "system_version": version,
        "duplicates": await service.suggest_duplicates(session, report),
        "moves": lifecycle.REPORT_TRANSITIONS[report.state],
        "can_triage": has_permission(actor, "findings.triage", report.org_id)})


async def _board_context(request: Request, session: SessionDep, actor: Actor) -> dict[str, Any]:
    q = request.query_params
    filters = {k: q.get(k) or None for k in ("mission_id", "system_id", "taxonomy", "state")}
    rows = await service.triage_queue(session, actor, mission_id=filters["mission_id"],
                                      system_id=filters["system_id"], taxonomy=filters["taxonomy"],
                                      state=filters["state"])
    systems = [s for s in await orgs.list_systems(session, actor) if has_permission(actor, "findings.triage", s.org_id)]
    versions = {s.id: await orgs.list_versions(session, actor, s.id) for s in systems}
    triagers: list[tuple[str, str]] = []
    from redhive.auth.models import User
    from redhive.orgs.models import Membership

    org_ids = sorted({s.org_id for s in systems})
    if org_ids:
        people = (await session.execute(select(User.id, User.display_name)
                                        .join(Membership, Membership.user_id == User.id)
                                        .where(Membership.org_id.in_(org_ids),
                                               Membership.role.in_(("admin", "coordinator", "triager")))
                                        .distinct().order_by(User.display_name))).all()
        triagers = [(uid, name) for uid, name in people]
    flaws = [f for f in await service.list_flaws(session, actor)]
    return {"nav": "findings", "rows": rows, "filters": filters, "systems": systems, "versions": versions,
            "triagers": triagers, "flaws": flaws, "states": lifecycle.REPORT_STATES,
            "can_retest": {s.id: has_permission(actor, "findings.remediate", s.org_id) for s in systems},
            "values": {}, "errors": {}}


@router.get("/findings/board")
async def board(request: Request, session: SessionDep, actor: UserDep) -> Response:
    return render(request, "findings/board.html", await _board_context(request, session, actor))


@router.post("/findings/board")
async def board_bulk(request: Request, tasks: BackgroundTasks, session: SessionDep, actor: UserDep) -> Response:
    values = await read_form(request)
    form = await request.form()
    ids = [str(v) for v in form.getlist("report_ids")]
    try:
        data = BulkAction(report_ids=ids, action=values.get("action", "assign"),
                          assignee_id=values.get("assignee_id") or None, state=values.get("state") or None,
                          reason=values.get("reason", ""))
        done = await service.bulk(session, actor, data=data)
    except (InvalidInput, Conflict) as exc:
        reject(request, "findings/board.html", values, exc, await _board_context(request, session, actor))
    except ValueError:
        reject(request, "findings/board.html", values, InvalidInput("Tick at least one report.", field="report_ids"),
               await _board_context(request, session, actor))
    tasks.add_task(webhooks.deliver_pending, request.app.state.db, request.app.state.secret_box)
    return redirect(request, "/findings/board", f"{len(done)} report(s) updated.")


@router.post("/findings/systems/{system_id}/regress")
async def regress(system_id: str, request: Request, tasks: BackgroundTasks, session: SessionDep, actor: UserDep,
                  box: SecretBoxDep) -> Response:
    values = await read_form(request)
    try:
        results = await verification.regress(session, actor, system_id=system_id,
                                             version_id=values.get("version_id", ""), box=box)
    except (InvalidInput, Conflict) as exc:
        reject(request, "findings/board.html", values, exc, await _board_context(request, session, actor))
    tasks.add_task(webhooks.deliver_pending, request.app.state.db, request.app.state.secret_box)
    summary = ", ".join(f"{r.flaw_id[:8]} {r.result} ({r.successes}/{r.trials})" for r in results) or "no cases"
    return redirect(request, "/findings/board", f"Re-test done: {summary}.")
